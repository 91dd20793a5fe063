"""The in-process rate limiter (the Redis one is exercised by the production e2e tests)."""

from __future__ import annotations

from hub.ratelimit import LocalRateLimiter


async def test_local_limiter_allows_up_to_limit_then_says_when() -> None:
    rl = LocalRateLimiter(limit=3, window_s=60)
    assert [await rl.hit("u") for _ in range(3)] == [None, None, None]
    retry = await rl.hit("u")
    assert retry is not None
    assert 0 < retry <= 60_000
    assert await rl.hit("other") is None
