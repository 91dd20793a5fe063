"""The order of one socket's events while several are in flight (see ``Gateway.on``)."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar

Lane = tuple[str, str]  # (namespace, sid)


class Turn:
    """One event's place among its socket's events in flight."""

    __slots__ = ("done", "ordered", "prev")

    def __init__(self, prev: Turn | None) -> None:
        loop = asyncio.get_running_loop()
        self.prev = prev
        # Set once this event's effects are ordered (e.g. its message is queued for storage).
        self.ordered: asyncio.Future[None] = loop.create_future()
        # Set once this event and every one before it have finished.
        self.done: asyncio.Future[None] = loop.create_future()

    async def wait(self, pipelined: bool) -> None:
        prev = self.prev
        if prev is not None:
            await (prev.ordered if pipelined else prev.done)

    def release(self) -> None:
        if not self.ordered.done():
            self.ordered.set_result(None)

    def finish(self, lanes: dict[Lane, Turn], lane: Lane) -> None:
        self.release()
        prev, self.prev = self.prev, None  # no chain of finished events is kept alive

        def close(_: object = None) -> None:
            if not self.done.done():
                self.done.set_result(None)
            if lanes.get(lane) is self:
                del lanes[lane]

        if prev is None or prev.done.done():
            close()
        else:
            prev.done.add_done_callback(close)


class Lanes:
    """Every socket's events in flight: their order, and how many there are."""

    def __init__(self, max_in_flight: int) -> None:
        self._max = max_in_flight
        self._last: dict[Lane, Turn] = {}
        self._busy: dict[Lane, int] = {}

    def enter(self, lane: Lane) -> Turn | None:
        """The turn of an event that has just arrived; None when the socket has too many in
        flight (each is a task: a flood is refused rather than queued). Called as the event's
        task starts: tasks start in the order their events arrived."""
        busy = self._busy.get(lane, 0)
        if busy >= self._max:
            return None
        self._busy[lane] = busy + 1
        turn = self._last[lane] = Turn(self._last.get(lane))
        return turn

    def leave(self, lane: Lane, turn: Turn) -> None:
        """The event has finished (whatever its outcome)."""
        turn.finish(self._last, lane)
        busy = self._busy.pop(lane, 1) - 1
        if busy > 0:
            self._busy[lane] = busy

    def drop(self, lane: Lane) -> None:
        """The socket is gone."""
        self._last.pop(lane, None)


TURN: ContextVar[Turn | None] = ContextVar("echolist_turn", default=None)


def release_turn() -> None:
    """Let the socket's next pipelined event start: this event's order is fixed now."""
    turn = TURN.get()
    if turn is not None:
        turn.release()
