"""Per-user event rate limits: in process on the embedded default, shared through Redis
across nodes (decided locally, synced in batches: see RedisRateLimiter)."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class RateLimiter(Protocol):
    async def hit(self, key: str, cost: int = 1) -> int | None:
        """Count ``cost`` events for ``key``; None if allowed, else milliseconds until allowed."""

    async def close(self) -> None:
        """Finish what is owed to shared state (nothing for a node-local limiter)."""


class LocalRateLimiter:
    """Fixed windows kept in a dict; stale windows are dropped as the dict is swept."""

    def __init__(self, limit: int, window_s: float) -> None:
        self._limit = limit
        self._window = window_s
        self._counts: dict[str, tuple[float, int]] = {}

    async def hit(self, key: str, cost: int = 1) -> int | None:
        now = time.monotonic()
        start, count = self._counts.get(key, (now, 0))
        if now - start >= self._window:
            start, count = now, 0
        count += cost
        self._counts[key] = (start, count)
        if len(self._counts) > 100_000:
            self._sweep(now)
        if count <= self._limit:
            return None
        return max(1, math.ceil((start + self._window - now) * 1000))

    async def close(self) -> None:
        return None

    def _sweep(self, now: float) -> None:
        self._counts = {k: v for k, v in self._counts.items() if now - v[0] < self._window}


class _Window:
    """One key's fixed window: its count in Redis at the last sync, and this node's since."""

    __slots__ = ("index", "shared", "unsynced")

    def __init__(self, index: int) -> None:
        self.index = index
        self.shared = 0
        self.unsynced = 0


class RedisRateLimiter:
    """Fixed windows aligned to the clock, decided on each node, shared through Redis.

    ``hit`` answers at once, without a Redis round trip: an event is allowed while the window's
    count as Redis last reported it plus this node's events since stays within the limit.
    Within ``sync_s`` of a key's first unsynced event, one background sync adds every key's new
    events to Redis (an INCRBY and a PEXPIRE per key, pipelined: one round trip for all keys)
    and learns the counts that every node has added.

    Semantics: on one node the limit is exact. With several nodes a user can get beyond the
    limit what the other nodes admitted since their last sync (about (nodes - 1) x their event
    rate x ``sync_s``), then is refused on every node until the window ends. Windows start at
    multiples of ``window_s`` since the epoch, so every node agrees on them; retry_after_ms is
    the time to the window's end. If Redis cannot be reached, each node limits with its own
    counts and adds them to Redis at the next sync that succeeds.
    """

    def __init__(self, redis: Redis, limit: int, window_s: float, *, sync_s: float = 0.05) -> None:
        self._redis = redis
        self._limit = limit
        self._window_s = window_s
        self._ttl_ms = int(window_s * 2000)
        self._sync_s = sync_s
        self._windows: dict[str, _Window] = {}
        self._swept = -1
        self._dirty: dict[str, _Window] = {}
        self._sync: asyncio.Task[None] | None = None
        self._closed = False

    async def hit(self, key: str, cost: int = 1) -> int | None:
        now = time.time()
        index = int(now // self._window_s)
        w = self._windows.get(key)
        if w is None or w.index != index:
            if index != self._swept and len(self._windows) > 100_000:
                # At most once per window: drop the keys whose window has ended.
                self._swept = index
                self._windows = {k: v for k, v in self._windows.items() if v.index >= index}
            w = self._windows[key] = _Window(index)
        w.unsynced += cost
        self._dirty[key] = w
        if self._sync is None and not self._closed:
            self._sync = asyncio.get_running_loop().create_task(self._later(), name="rate-sync")
        if w.shared + w.unsynced <= self._limit:
            return None
        return max(1, math.ceil(((index + 1) * self._window_s - now) * 1000))

    async def close(self) -> None:
        """Stop syncing; what is counted but not yet synced is added to Redis now."""
        self._closed = True
        if self._sync is not None:
            self._sync.cancel()
            await asyncio.wait([self._sync])
        await self.sync()

    async def _later(self) -> None:
        try:
            await asyncio.sleep(self._sync_s)
            await self.sync()
        finally:
            self._sync = None
        if self._dirty and not self._closed:  # events counted while syncing
            self._sync = asyncio.get_running_loop().create_task(self._later(), name="rate-sync")

    async def sync(self) -> None:
        """Add this node's unsynced events to Redis and learn the shared counts."""
        if not self._dirty:
            return
        batch = [(key, w, w.unsynced) for key, w in self._dirty.items()]
        self._dirty = {}
        pipe = self._redis.pipeline(transaction=False)
        for key, w, n in batch:
            name = f"rl:{key}:{w.index}"
            pipe.incrby(name, n)
            pipe.pexpire(name, self._ttl_ms)
        try:
            replies = await pipe.execute()
        except (RedisError, OSError):
            log.warning("rate limit sync failed; limiting on this node's counts", exc_info=True)
            for key, w, _n in batch:
                self._dirty.setdefault(key, w)
            return
        for (_key, w, n), total in zip(batch, replies[::2], strict=True):
            w.unsynced -= n
            w.shared = int(total)
