"""The order of one socket's events in flight (hub.turns), without a server."""

from __future__ import annotations

import asyncio

from hub.turns import TURN, Lanes, release_turn


async def test_lane_refuses_beyond_its_limit_and_frees_on_leave() -> None:
    lanes = Lanes(max_in_flight=2)
    a, b = lanes.enter(("/", "s")), lanes.enter(("/", "s"))
    assert a is not None
    assert b is not None
    assert lanes.enter(("/", "s")) is None  # a third in flight is refused
    assert lanes.enter(("/", "other")) is not None  # other sockets are not affected
    lanes.leave(("/", "s"), a)
    assert lanes.enter(("/", "s")) is not None


async def test_pipelined_waits_for_release_others_for_every_earlier_finish() -> None:
    lanes = Lanes(max_in_flight=8)
    lane = ("/", "s")
    first, second, third = (lanes.enter(lane) for _ in range(3))
    assert first is not None
    assert second is not None
    assert third is not None
    log: list[str] = []

    async def run(name: str, turn: object, pipelined: bool) -> None:
        await turn.wait(pipelined)  # type: ignore[attr-defined]
        log.append(name)

    second_task = asyncio.create_task(run("second", second, True))
    third_task = asyncio.create_task(run("third", third, False))
    await asyncio.sleep(0)
    assert log == []  # nothing before the first fixes its order
    token = TURN.set(first)
    release_turn()
    TURN.reset(token)
    await asyncio.wait_for(second_task, 1)
    assert log == ["second"]  # the pipelined one goes on once the first released
    lanes.leave(lane, second)
    await asyncio.sleep(0)
    assert log == ["second"]  # the ordinary one still waits: the first has not finished
    lanes.leave(lane, first)
    await asyncio.wait_for(third_task, 1)
    assert log == ["second", "third"]
    lanes.leave(lane, third)
