"""The per-socket packet queue that replaces asyncio.Queue in engine.io (hub.packet_queue)."""

from __future__ import annotations

import asyncio

import pytest

from hub.packet_queue import PacketQueue


async def test_fifo_nowait_and_empty() -> None:
    q = PacketQueue()
    assert q.empty()
    with pytest.raises(asyncio.QueueEmpty):
        q.get_nowait()
    await q.put(1)
    q.put_nowait(2)
    assert q.qsize() == 2
    assert await q.get() == 1
    assert q.get_nowait() == 2
    assert q.empty()


async def test_a_waiting_get_is_woken_and_a_timed_out_one_loses_nothing() -> None:
    q = PacketQueue()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(q.get(), 0.01)
    getter = q.get()
    q.put_nowait("a")  # handed to the waiting get
    q.put_nowait("b")
    assert await asyncio.wait_for(getter, 1) == "a"
    assert await asyncio.wait_for(q.get(), 1) == "b"
    assert q.empty()


async def test_join_waits_for_every_task_done() -> None:
    q = PacketQueue()
    await q.join()  # nothing queued: returns at once
    q.put_nowait("x")
    q.put_nowait("y")
    joined = asyncio.create_task(q.join())
    q.get_nowait()
    q.task_done()
    await asyncio.sleep(0)
    assert not joined.done()
    q.get_nowait()
    q.task_done()
    await asyncio.wait_for(joined, 1)
    with pytest.raises(ValueError, match="too many"):
        q.task_done()
