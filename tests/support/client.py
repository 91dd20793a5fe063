"""A real python-socketio client with helpers for acks and pushed events."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import socketio


class Client:
    """One connected device of one user."""

    def __init__(
        self, url: str, token: str, *, namespace: str = "/", transports: list[str] | None = None
    ) -> None:
        self.url = url
        self.token = token
        self.namespace = namespace
        self.transports = transports or ["websocket"]
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: dict[str, asyncio.Queue[Any]] = defaultdict(asyncio.Queue)
        self.connect_error: Any = None
        self.sio.on("*", self._on_any, namespace=namespace)
        self.sio.on("connect_error", self._on_connect_error, namespace=namespace)

    async def _on_any(self, event: str, data: Any = None) -> None:
        self.events[event].put_nowait(data)

    async def _on_connect_error(self, data: Any) -> None:
        self.connect_error = data

    async def connect(self) -> Client:
        await self.sio.connect(
            self.url,
            auth={"token": self.token},
            namespaces=[self.namespace],
            transports=self.transports,
            wait_timeout=10,
        )
        return self

    async def call(self, event: str, data: Any = None, timeout: float = 10) -> dict[str, Any]:
        ack = await self.sio.call(
            event, data if data is not None else {}, namespace=self.namespace, timeout=timeout
        )
        assert isinstance(ack, dict), ack
        return ack

    async def ok(self, event: str, data: Any = None) -> dict[str, Any]:
        ack = await self.call(event, data)
        assert ack.get("ok") is True, f"{event} failed: {ack}"
        return ack

    async def error(self, event: str, data: Any, code: str) -> dict[str, Any]:
        ack = await self.call(event, data)
        assert ack.get("ok") is False, f"{event} unexpectedly succeeded: {ack}"
        assert ack["error"]["code"] == code, ack
        assert ack["error"]["message"]
        return ack

    async def next(self, event: str, timeout: float = 10) -> Any:
        return await asyncio.wait_for(self.events[event].get(), timeout)

    async def next_where(self, event: str, pred: Any, timeout: float = 10) -> Any:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            item = await asyncio.wait_for(self.events[event].get(), max(left, 0.01))
            if pred(item):
                return item

    async def quiet(self, event: str, within: float = 0.3) -> None:
        """Assert that ``event`` does not arrive within ``within`` seconds."""
        try:
            item = await asyncio.wait_for(self.events[event].get(), within)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected {event}: {item}")

    def drain(self, event: str) -> list[Any]:
        out = []
        q = self.events[event]
        while not q.empty():
            out.append(q.get_nowait())
        return out

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
