"""Where the pipeline keeps a conversation's recent risk: Redis for several nodes, else memory.

Both stores honour :func:`read_only`: scoring a text for a moderator (``POST
/api/moderation/score``) sees a conversation's context without adding to it.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from redis.asyncio import Redis
from redis.exceptions import RedisError

from pipeline import ContextEntry, ContextStore, InMemoryContextStore

log = logging.getLogger(__name__)

_read_only: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "context_read_only", default=False
)


@contextmanager
def read_only() -> Iterator[None]:
    """Within this block (and the tasks it awaits), pushes to a context store are skipped."""
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)


class LocalContextStore:
    """The embedded default: one process's memory."""

    def __init__(self, max_entries: int = 8, ttl_s: float = 900.0) -> None:
        self._inner = InMemoryContextStore(max_entries=max_entries, ttl_s=ttl_s)

    async def recent(self, conversation_id: str) -> list[ContextEntry]:
        return await self._inner.recent(conversation_id)

    async def push(self, conversation_id: str, entry: ContextEntry) -> None:
        if not _read_only.get():
            await self._inner.push(conversation_id, entry)


class RedisContextStore:
    """A capped list per conversation in Redis, expiring with the context window.

    Every hub node reads and writes the same lists, so a conversation's risk builds up whichever
    node each of its messages arrives on. Redis trouble costs the context, never the message:
    the pipeline then decides on the message alone.
    """

    def __init__(
        self, redis: Redis, *, max_entries: int = 8, ttl_s: float = 900.0, prefix: str = "modctx"
    ) -> None:
        self._redis = redis
        self._max = max_entries
        self._ttl_s = ttl_s
        self._prefix = prefix

    def _key(self, conversation_id: str) -> str:
        return f"{self._prefix}:{conversation_id}"

    async def recent(self, conversation_id: str) -> list[ContextEntry]:
        try:
            raw = await self._redis.lrange(self._key(conversation_id), 0, -1)
        except RedisError:
            log.warning("context store unreachable; moderating without context", exc_info=True)
            return []
        cutoff = time.time() - self._ttl_s
        entries = []
        for item in raw:
            try:
                entry = ContextEntry.from_json(item)
            except (ValueError, KeyError, TypeError):
                continue
            if entry.timestamp >= cutoff:
                entries.append(entry)
        return entries

    async def push(self, conversation_id: str, entry: ContextEntry) -> None:
        if _read_only.get():
            return
        key = self._key(conversation_id)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.rpush(key, entry.to_json())
                pipe.ltrim(key, -self._max, -1)
                pipe.expire(key, int(self._ttl_s) + 1)
                await pipe.execute()
        except RedisError:
            log.warning("context store unreachable; context not kept", exc_info=True)


def context_store(redis: Redis | None) -> ContextStore:
    """Redis when the hub has it (several nodes), else this process's memory."""
    return LocalContextStore() if redis is None else RedisContextStore(redis)
