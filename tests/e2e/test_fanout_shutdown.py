"""Shutting down the Redis fan-out (real Redis): its listener must stop.

redis-py can report a cancellation that lands in the middle of a read as a connection error.
python-socketio's listener loop retried such errors forever, so a listener cancelled at
shutdown went on reconnecting and the event loop never finished (seen once in CI: a test's
teardown hung with "Cannot receive from redis... retrying in 1 secs").
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError

from hub.gateway import _RedisFanout
from tests.support import services
from tests.support.harness import uid


async def _consume(fanout: _RedisFanout, into: list[Any]) -> None:
    async for message in fanout._listen():
        into.append(message)


async def test_a_cancellation_reported_as_a_connection_error_still_stops_the_listener() -> None:
    fanout = _RedisFanout(services.REDIS_URL, channel=f"test-{uid()}")
    connect = fanout._redis_connect
    connects = 0

    def connect_once_broken() -> None:
        nonlocal connects
        connect()
        connects += 1
        if connects > 1:
            return
        listen = fanout.pubsub.listen

        async def listen_as_redis_py_may() -> AsyncIterator[Any]:
            try:
                async for message in listen():
                    yield message
            except asyncio.CancelledError:
                raise RedisConnectionError("Connection closed by server.") from None

        fanout.pubsub.listen = listen_as_redis_py_may

    fanout._redis_connect = connect_once_broken  # type: ignore[method-assign]
    received: list[Any] = []
    fanout.thread = asyncio.create_task(_consume(fanout, received))
    await asyncio.sleep(0.3)  # subscribed and reading
    await asyncio.wait_for(fanout.close(), timeout=3)
    assert fanout.thread.done()
    assert connects == 1  # it did not reconnect


async def test_the_listener_receives_other_nodes_messages_until_closed() -> None:
    channel = f"test-{uid()}"
    fanout = _RedisFanout(services.REDIS_URL, channel=channel)
    other = _RedisFanout(services.REDIS_URL, channel=channel)
    received: list[Any] = []
    fanout.thread = asyncio.create_task(_consume(fanout, received))
    await asyncio.sleep(0.3)
    await other._publish({"method": "emit", "event": "x", "data": 1, "host_id": other.host_id})
    await other.flush()
    for _ in range(50):
        if received:
            break
        await asyncio.sleep(0.05)
    assert [m["event"] for m in received] == ["x"]
    await asyncio.wait_for(fanout.close(), timeout=3)
    await other.close()
    assert fanout.thread.done()
