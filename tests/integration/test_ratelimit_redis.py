"""The Redis-shared rate limiter: decided on each node, counts synced through real Redis.

Hour-long windows: a test never straddles a window's end in practice."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from hub.ratelimit import RedisRateLimiter
from tests.support import services


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    services.require("redis")
    client = Redis.from_url(services.REDIS_URL)
    yield client
    await client.aclose()


async def test_one_node_is_exact_and_says_when(redis: Redis) -> None:
    rl = RedisRateLimiter(redis, limit=3, window_s=3600)
    key = f"t-{uuid.uuid4().hex}"
    try:
        assert [await rl.hit(key) for _ in range(3)] == [None, None, None]
        retry = await rl.hit(key)
        assert retry is not None
        assert 0 < retry <= 3_600_000
        assert await rl.hit(f"{key}-other") is None
    finally:
        await rl.close()
    keys = [k async for k in redis.scan_iter(match=f"rl:{key}:*")]
    assert len(keys) == 1
    assert int(await redis.get(keys[0])) == 4  # every event counted, refused ones too
    assert 0 < await redis.pttl(keys[0]) <= 7_200_000
    await redis.delete(*keys)


async def test_nodes_share_the_window_after_a_sync(redis: Redis) -> None:
    a = RedisRateLimiter(redis, limit=5, window_s=3600, sync_s=3600)
    b = RedisRateLimiter(redis, limit=5, window_s=3600, sync_s=3600)
    key = f"t-{uuid.uuid4().hex}"
    try:
        assert [await a.hit(key) for _ in range(4)] == [None] * 4
        await a.sync()
        assert await b.hit(key) is None  # 4 from a, 1 from b: at the limit
        await b.sync()
        assert await b.hit(key) is not None  # b learnt a's four
        assert await a.hit(key) is None  # a has not synced since: allowed locally (6 of 5)
        await a.sync()
        assert await a.hit(key) is not None  # now a knows the shared count too
    finally:
        await a.close()
        await b.close()
    await redis.delete(*[k async for k in redis.scan_iter(match=f"rl:{key}:*")])
