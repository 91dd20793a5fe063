"""Per-user event rate limits: in process on the embedded default, in Redis across nodes."""

from __future__ import annotations

import math
import time
from typing import Protocol

from redis.asyncio import Redis


class RateLimiter(Protocol):
    async def hit(self, key: str) -> int | None:
        """Count one event for ``key``; None if allowed, else milliseconds until allowed."""


class LocalRateLimiter:
    """Fixed windows kept in a dict; stale windows are dropped as the dict is swept."""

    def __init__(self, limit: int, window_s: float) -> None:
        self._limit = limit
        self._window = window_s
        self._counts: dict[str, tuple[float, int]] = {}

    async def hit(self, key: str) -> int | None:
        now = time.monotonic()
        start, count = self._counts.get(key, (now, 0))
        if now - start >= self._window:
            start, count = now, 0
        count += 1
        self._counts[key] = (start, count)
        if len(self._counts) > 100_000:
            self._sweep(now)
        if count <= self._limit:
            return None
        return max(1, math.ceil((start + self._window - now) * 1000))

    def _sweep(self, now: float) -> None:
        self._counts = {k: v for k, v in self._counts.items() if now - v[0] < self._window}


_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n > tonumber(ARGV[2]) then return redis.call('PTTL', KEYS[1]) end
return -1
"""


class RedisRateLimiter:
    """One atomic script call per event; the window is shared by every hub node."""

    def __init__(self, redis: Redis, limit: int, window_s: float) -> None:
        self._redis = redis
        self._limit = limit
        self._window_ms = int(window_s * 1000)
        self._script = redis.register_script(_SCRIPT)

    async def hit(self, key: str) -> int | None:
        ttl = int(await self._script(keys=[f"rl:{key}"], args=[self._window_ms, self._limit]))
        if ttl < 0:
            return None
        return max(1, ttl)
