"""Where the pipeline keeps a conversation's recent risk: Redis for several nodes, else memory.

Both stores honour :func:`read_only`: scoring a text for a moderator (``POST
/api/moderation/score``) sees a conversation's context without adding to it.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from pipeline import ContextEntry, ContextStore, InMemoryContextStore

log = logging.getLogger(__name__)

WARN_EVERY_S = 30.0
"""While Redis fails, one warning per this many seconds (a failure per loop turn otherwise)."""
PARSED_MAX = 8192
"""Entries kept parsed, by their JSON as Redis holds it (a few MB at most)."""
CLOSE_TIMEOUT_S = 5.0
"""How long ``close`` waits for the last flush before cancelling it."""

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


class HubContextStore(ContextStore, Protocol):
    """A context store the hub owns: ``close`` writes what it still holds."""

    async def close(self) -> None: ...


class LocalContextStore:
    """The embedded default: one process's memory."""

    def __init__(self, max_entries: int = 8, ttl_s: float = 900.0) -> None:
        self._inner = InMemoryContextStore(max_entries=max_entries, ttl_s=ttl_s)

    async def recent(self, conversation_id: str) -> list[ContextEntry]:
        return await self._inner.recent(conversation_id)

    async def push(self, conversation_id: str, entry: ContextEntry) -> None:
        if not _read_only.get():
            await self._inner.push(conversation_id, entry)

    async def close(self) -> None:
        return None


class RedisContextStore:
    """A capped list per conversation in Redis, expiring with the context window.

    Every hub node reads and writes the same lists, so a conversation's risk builds up whichever
    node each of its messages arrives on. Redis trouble costs the context, never the message:
    the pipeline then decides on the message alone.

    Redis traffic is batched by one owned flusher task: ``push`` only buffers its entry, and
    ``recent`` waits for the next flush. A flush is one non-transactional pipeline: the buffered
    entries first (RPUSH, LTRIM, EXPIRE per conversation), then an LRANGE per conversation read.
    One flush is in flight at a time, so a read never overtakes this node's earlier writes, and
    ``recent`` adds the entries pushed since the flush began: a node always sees its own pushes.
    Other nodes see them after the flush (one round trip; a loop turn when the node is idle).
    """

    def __init__(
        self, redis: Redis, *, max_entries: int = 8, ttl_s: float = 900.0, prefix: str = "modctx"
    ) -> None:
        self._redis = redis
        self._max = max_entries
        self._ttl_s = ttl_s
        self._prefix = prefix
        self._writes: dict[str, list[ContextEntry]] = {}
        self._reads: dict[str, list[asyncio.Future[list[ContextEntry]]]] = {}
        self._flusher: asyncio.Task[None] | None = None
        self._closed = False
        self._warned_at = -math.inf
        self._suppressed = 0
        # Each entry is read back with every later message of its conversation: parse it once.
        self._parsed: dict[bytes, ContextEntry] = {}

    def _key(self, conversation_id: str) -> str:
        return f"{self._prefix}:{conversation_id}"

    async def recent(self, conversation_id: str) -> list[ContextEntry]:
        if self._closed:
            replies = await self._exchange({}, [conversation_id])
            return self._entries(conversation_id, replies.get(conversation_id, []))
        future: asyncio.Future[list[ContextEntry]] = asyncio.get_running_loop().create_future()
        self._reads.setdefault(conversation_id, []).append(future)
        self._wake()
        return await future

    async def push(self, conversation_id: str, entry: ContextEntry) -> None:
        if _read_only.get():
            return
        if self._closed:
            await self._exchange({conversation_id: [entry]}, [])
            return
        self._writes.setdefault(conversation_id, []).append(entry)
        self._wake()

    async def close(self) -> None:
        """Write what is buffered and stop the flusher; later calls go straight to Redis."""
        self._closed = True
        flusher = self._flusher
        if flusher is not None:
            await asyncio.wait([flusher], timeout=CLOSE_TIMEOUT_S)
            if not flusher.done():
                flusher.cancel()
                await asyncio.wait([flusher])
        if self._writes or self._reads:  # the flusher was cancelled before it got to them
            await self._flush()

    def _wake(self) -> None:
        if self._flusher is None:
            # The task's first step runs after every callback already due in this loop turn.
            self._flusher = asyncio.get_running_loop().create_task(
                self._run(), name="context-store-flush"
            )

    async def _run(self) -> None:
        try:
            while self._writes or self._reads:
                await self._flush()
        finally:
            self._flusher = None

    async def _flush(self) -> None:
        writes, self._writes = self._writes, {}
        reads, self._reads = self._reads, {}
        replies: dict[str, list[bytes]] = {}
        try:
            replies = await self._exchange(writes, list(reads))
        finally:  # a failed or cancelled flush still answers its readers, without context
            for conversation_id, futures in reads.items():
                entries = self._entries(conversation_id, replies.get(conversation_id, []))
                for future in futures:
                    if not future.done():
                        future.set_result(list(entries))

    def _entries(self, conversation_id: str, raw: list[bytes]) -> list[ContextEntry]:
        """The entries read, then this node's pushes not yet flushed; the last N unexpired."""
        cutoff = time.time() - self._ttl_s
        entries = []
        for item in raw:
            entry = self._parsed.get(item)
            if entry is None:
                try:
                    entry = ContextEntry.from_json(item)
                except (ValueError, KeyError, TypeError):
                    continue
                self._remember(item, entry)
            if entry.timestamp >= cutoff:
                entries.append(entry)
        entries += (e for e in self._writes.get(conversation_id, ()) if e.timestamp >= cutoff)
        return entries[-self._max :]

    def _remember(self, raw: bytes, entry: ContextEntry) -> None:
        if len(self._parsed) >= PARSED_MAX:
            del self._parsed[next(iter(self._parsed))]  # the oldest: its conversation moved on
        self._parsed[raw] = entry

    def _encode(self, entry: ContextEntry) -> bytes:
        raw = entry.to_json().encode()
        self._remember(raw, entry)
        return raw

    async def _exchange(
        self, writes: dict[str, list[ContextEntry]], reads: list[str]
    ) -> dict[str, list[bytes]]:
        """One pipeline: the writes, then the reads; the lists read, by conversation."""
        pipe = self._redis.pipeline(transaction=False)
        ttl = int(self._ttl_s) + 1
        for conversation_id, entries in writes.items():
            key = self._key(conversation_id)
            pipe.rpush(key, *(self._encode(entry) for entry in entries))
            pipe.ltrim(key, -self._max, -1)
            pipe.expire(key, ttl)
        for conversation_id in reads:
            pipe.lrange(self._key(conversation_id), 0, -1)
        try:
            replies = await pipe.execute(raise_on_error=False)
        except (RedisError, OSError) as exc:
            self._warn(exc)
            return {}
        failed = next((reply for reply in replies if isinstance(reply, Exception)), None)
        if failed is not None:
            self._warn(failed)
        return {
            conversation_id: reply
            for conversation_id, reply in zip(reads, replies[3 * len(writes) :], strict=True)
            if not isinstance(reply, Exception)
        }

    def _warn(self, exc: BaseException) -> None:
        """At most one warning every ``WARN_EVERY_S`` while Redis is failing."""
        now = time.monotonic()
        if now - self._warned_at < WARN_EVERY_S:
            self._suppressed += 1
            return
        log.warning(
            "context store unreachable; moderating without context (%d more failures since the"
            " last warning)",
            self._suppressed,
            exc_info=exc,
        )
        self._warned_at = now
        self._suppressed = 0


def context_store(redis: Redis | None) -> HubContextStore:
    """Redis when the hub has it (several nodes), else this process's memory."""
    return LocalContextStore() if redis is None else RedisContextStore(redis)
