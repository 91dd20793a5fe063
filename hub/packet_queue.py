"""A lighter stand-in for the ``asyncio.Queue`` that engine.io keeps for every socket.

engine.io queues each socket's outgoing packets and one writer (or one long-polling request at
a time) drains them. ``asyncio.Queue`` allocates four deques and an ``Event`` up front (~3 KB),
for every connection, idle or not. This queue allocates its deque only while packets wait and
keeps waiters in a list, which is all engine.io needs: ``put``/``put_nowait``, ``get`` (with a
timeout around it), ``get_nowait`` (raising ``asyncio.QueueEmpty``), ``task_done``, ``join``,
``empty`` and ``qsize``. It is unbounded, as engine.io's is. An item goes to the waiting
``get`` that asked first, else to the deque, so items leave in the order they came.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any


class PacketQueue:
    __slots__ = ("_getters", "_items", "_joiners", "_unfinished")

    def __init__(self) -> None:
        self._items: deque[Any] | None = None
        self._getters: list[asyncio.Future[None]] = []
        self._joiners: list[asyncio.Future[None]] = []
        self._unfinished = 0

    def qsize(self) -> int:
        return 0 if self._items is None else len(self._items)

    def empty(self) -> bool:
        return not self._items

    def put_nowait(self, item: Any) -> None:
        self._unfinished += 1
        while self._getters:  # a waiting get takes the item directly
            waiter = self._getters.pop(0)
            if not waiter.done():
                waiter.set_result(item)
                return
        if self._items is None:
            self._items = deque()
        self._items.append(item)

    async def put(self, item: Any) -> None:
        self.put_nowait(item)

    def get_nowait(self) -> Any:
        if not self._items:
            raise asyncio.QueueEmpty
        item = self._items.popleft()
        if not self._items:
            self._items = None  # an idle socket keeps no deque
        return item

    def get(self) -> asyncio.Future[Any]:
        """A future of the next item. A future, not a coroutine: ``asyncio.wait_for`` (which
        engine.io puts around it) then needs no task of its own for each wait."""
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self._items:
            waiter.set_result(self.get_nowait())
        else:
            # A waiter cancelled by its timeout is skipped by put_nowait, and dropped here.
            self._getters = [g for g in self._getters if not g.done()]
            self._getters.append(waiter)
        return waiter

    def task_done(self) -> None:
        if self._unfinished <= 0:
            raise ValueError("task_done() called too many times")
        self._unfinished -= 1
        if self._unfinished == 0:
            joiners, self._joiners = self._joiners, []
            for joiner in joiners:
                if not joiner.done():
                    joiner.set_result(None)

    async def join(self) -> None:
        if self._unfinished:
            joiner = asyncio.get_running_loop().create_future()
            self._joiners.append(joiner)
            await joiner
