"""The Redis-backed moderation context store on real Redis: batched round trips, read-your-writes,
two nodes sharing a conversation, trimming, expiry, close() and Redis being unreachable."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from hub.context_store import RedisContextStore, read_only
from pipeline import ContextEntry
from tests.support import services


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    services.require("redis")
    client = Redis.from_url(services.REDIS_URL)
    yield client
    await client.aclose()


@pytest.fixture
async def prefix(redis: Redis) -> AsyncIterator[str]:
    name = f"modctx-test-{uuid.uuid4().hex}"
    yield name
    keys = [k async for k in redis.scan_iter(match=f"{name}:*")]
    if keys:
        await redis.delete(*keys)


def entry(sender: str, n: int, at: float | None = None) -> ContextEntry:
    return ContextEntry(sender, {"scam": n / 100}, (f"rule{n}",), time.time() if at is None else at)


def hits(entries: list[ContextEntry]) -> list[str]:
    return [e.rule_hits[0] for e in entries]


async def connections_named(redis: Redis, name: str) -> int:
    return sum(1 for c in await redis.client_list() if c.get("name") == name)


async def test_concurrent_reads_and_pushes_share_one_round_trip(redis: Redis, prefix: str) -> None:
    writer = RedisContextStore(redis, prefix=prefix)
    for cid in ("c0", "c1", "c2"):
        await writer.push(cid, entry("u", int(cid[1])))
    await writer.close()
    name = f"ctx-{uuid.uuid4().hex[:12]}"
    node = Redis.from_url(services.REDIS_URL, client_name=name)
    store = RedisContextStore(node, prefix=prefix)
    try:
        pushes = [asyncio.ensure_future(store.push("c3", entry("u", 3))) for _ in range(5)]
        results = await asyncio.gather(*(store.recent(f"c{i % 4}") for i in range(20)))
        await asyncio.gather(*pushes)
        # One pipeline carried every read and write: the pool never needed a second connection
        # (twenty LRANGEs sent one by one, concurrently, would each take a connection).
        assert await connections_named(redis, name) == 1
    finally:
        await store.close()
        await node.aclose()
    for i, got in enumerate(results):
        expected = ["rule3"] * 5 if i % 4 == 3 else [f"rule{i % 4}"]
        assert hits(got) == expected


async def test_a_node_sees_its_own_pushes_and_the_other_node_after_a_flush(
    redis: Redis, prefix: str
) -> None:
    a = RedisContextStore(redis, prefix=prefix)
    b = RedisContextStore(redis, prefix=prefix)
    try:

        async def send(n: int) -> list[str]:
            await a.push("conv", entry("seller", n))
            return hits(await a.recent("conv"))

        seen = await asyncio.gather(*(send(n) for n in range(6)))
        for n, got in enumerate(seen):
            assert f"rule{n}" in got  # each push is visible to the read that follows it
        assert hits(await b.recent("conv")) == [f"rule{n}" for n in range(6)]
        await b.push("conv", entry("buyer", 6))
        assert hits(await b.recent("conv"))[-1] == "rule6"
        assert hits(await a.recent("conv"))[-1] == "rule6"
    finally:
        await a.close()
        await b.close()


async def test_lists_are_trimmed_and_expire(redis: Redis, prefix: str) -> None:
    store = RedisContextStore(redis, prefix=prefix, max_entries=4, ttl_s=60)
    try:
        for n in range(10):
            await store.push("conv", entry("u", n))
        assert hits(await store.recent("conv")) == ["rule6", "rule7", "rule8", "rule9"]
    finally:
        await store.close()
    key = f"{prefix}:conv"
    assert await redis.llen(key) == 4
    assert 0 < await redis.ttl(key) <= 61


async def test_expired_and_malformed_entries_are_not_context(redis: Redis, prefix: str) -> None:
    store = RedisContextStore(redis, prefix=prefix, ttl_s=60)
    try:
        await store.push("conv", entry("u", 1, at=time.time() - 120))
        await redis.rpush(f"{prefix}:conv", b"not json", b'{"s": "u"}')
        await store.push("conv", entry("u", 2))
        assert hits(await store.recent("conv")) == ["rule2"]
        other = RedisContextStore(redis, prefix=prefix, ttl_s=60)  # parses what it reads
        assert hits(await other.recent("conv")) == ["rule2"]
        await other.close()
    finally:
        await store.close()
    assert await redis.llen(f"{prefix}:conv") == 4  # Redis keeps them; the reads drop them


async def test_close_writes_what_is_buffered(redis: Redis, prefix: str) -> None:
    store = RedisContextStore(redis, prefix=prefix)
    await store.push("conv", entry("u", 1))
    await store.push("other", entry("u", 2))
    await store.close()
    assert [
        ContextEntry.from_json(r).rule_hits for r in await redis.lrange(f"{prefix}:conv", 0, -1)
    ] == [("rule1",)]
    assert await redis.llen(f"{prefix}:other") == 1
    # After close the store still works, straight to Redis.
    await store.push("conv", entry("u", 3))
    assert hits(await store.recent("conv")) == ["rule1", "rule3"]


async def test_read_only_reads_without_pushing(redis: Redis, prefix: str) -> None:
    store = RedisContextStore(redis, prefix=prefix)
    try:
        await store.push("conv", entry("u", 1))
        with read_only():
            await store.push("conv", entry("u", 2))
            assert hits(await store.recent("conv")) == ["rule1"]
    finally:
        await store.close()
    assert await redis.llen(f"{prefix}:conv") == 1


async def test_unreachable_redis_costs_only_the_context(
    caplog: pytest.LogCaptureFixture,
) -> None:
    down = Redis.from_url("redis://127.0.0.1:1/0")
    store = RedisContextStore(down, prefix=f"modctx-test-{uuid.uuid4().hex}")
    try:
        await store.push("conv", entry("u", 1))
        assert await store.recent("conv") == []
        assert await asyncio.gather(*(store.recent("conv") for _ in range(3))) == [[], [], []]
    finally:
        await store.close()
        await down.aclose()
    warnings = [r for r in caplog.records if "context store unreachable" in r.getMessage()]
    assert len(warnings) == 1  # rate-limited: one warning for several failed flushes
