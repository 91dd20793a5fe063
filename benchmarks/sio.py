"""A lean Socket.IO v5 client over Engine.IO v4 WebSockets (aiohttp), for many connections.

python-socketio's AsyncClient costs several tasks and ~100 KB per connection; a load generator
holding 10,000 sockets, or pushing 2,000+ messages a second from one core, needs less. This
client speaks only what the suite uses: the WebSocket transport, text packets, events with acks.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import aiohttp
import orjson

EventHandler = Callable[[Any], None]
AckCallback = Callable[[Any], None]


class ConnectRefused(Exception):
    """The server answered the namespace connect with CONNECT_ERROR (``data`` is its payload)."""

    def __init__(self, data: Any) -> None:
        super().__init__(f"connect refused: {data}")
        self.data = data


def encode_event(event: str, data: Any, ack_id: int | None, namespace: str = "/") -> str:
    """An Engine.IO MESSAGE carrying a Socket.IO EVENT: ``42[/ns,][id]["event",data]``."""
    ns = "" if namespace == "/" else namespace + ","
    ident = "" if ack_id is None else str(ack_id)
    return "42" + ns + ident + orjson.dumps([event, data]).decode()


def decode_packet(text: str) -> tuple[str, str, int | None, Any]:
    """A Socket.IO packet (Engine.IO type '4' already stripped): (type, namespace, id, data)."""
    kind = text[:1]
    rest = text[1:]
    namespace = "/"
    if rest.startswith("/"):
        comma = rest.find(",")
        namespace, rest = (rest[:comma], rest[comma + 1 :]) if comma >= 0 else (rest, "")
    digits = 0
    while digits < len(rest) and rest[digits].isdigit():
        digits += 1
    ack_id = int(rest[:digits]) if digits else None
    body = rest[digits:]
    return kind, namespace, ack_id, (orjson.loads(body) if body else None)


class LeanClient:
    """One Socket.IO connection to one namespace; handlers are plain callbacks, never awaited."""

    def __init__(self, session: aiohttp.ClientSession, namespace: str = "/") -> None:
        self._session = session
        self.namespace = namespace
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._acks: dict[int, AckCallback] = {}
        self._next_id = 0
        self._handlers: dict[str, EventHandler] = {}
        self._connected: asyncio.Future[Any] | None = None
        self.sid: str | None = None
        self.closed = asyncio.Event()

    def on(self, event: str, handler: EventHandler) -> None:
        self._handlers[event] = handler

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed and not self.closed.is_set()

    async def connect(
        self, url: str, auth: dict[str, Any] | None, *, wait_s: float = 15.0, deflate: bool = False
    ) -> None:
        """Open the WebSocket, connect the namespace with ``auth``; raise ConnectRefused."""
        ws_url = url.rstrip("/") + "/socket.io/?EIO=4&transport=websocket"
        self.closed.clear()
        self._ws = await self._session.ws_connect(
            ws_url,
            compress=15 if deflate else 0,
            timeout=aiohttp.ClientWSTimeout(ws_close=2),
            autoping=False,
            max_msg_size=0,
        )
        self._connected = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read())
        try:
            async with asyncio.timeout(wait_s):
                await self._send_raw_when_open(auth)
                await asyncio.shield(self._connected)
        except BaseException:
            await self.close()
            raise

    async def _send_raw_when_open(self, auth: dict[str, Any] | None) -> None:
        assert self._ws is not None
        # The Engine.IO OPEN packet arrives first; the reader resolves nothing for it, so the
        # namespace CONNECT can be sent right away (the server queues it after its OPEN).
        ns = "" if self.namespace == "/" else self.namespace + ","
        body = orjson.dumps(auth).decode() if auth is not None else ""
        await self._ws.send_str("40" + ns + body)

    def emit(self, event: str, data: Any, ack: AckCallback | None = None) -> None:
        """Send an event now (the write is buffered by the transport); ``ack`` gets the reply."""
        ack_id: int | None = None
        if ack is not None:
            ack_id = self._next_id
            self._next_id += 1
            self._acks[ack_id] = ack
        assert self._ws is not None
        self._send_nowait(encode_event(event, data, ack_id, self.namespace))

    def _send_nowait(self, text: str) -> None:
        assert self._ws is not None
        # A task per frame: tasks start in FIFO order and an uncompressed frame is written in
        # the task's first step, so frames leave in the order emitted.
        task = asyncio.ensure_future(_send(self._ws, text))
        _PENDING.add(task)
        task.add_done_callback(_PENDING.discard)

    async def call(self, event: str, data: Any, wait_s: float = 15.0) -> Any:
        """Emit and wait for the ack."""
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def done(reply: Any) -> None:
            if not fut.done():
                fut.set_result(reply)

        self.emit(event, data, done)
        async with asyncio.timeout(wait_s):
            return await fut

    def pending_acks(self) -> int:
        return len(self._acks)

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for msg in self._ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                self._on_frame(msg.data)
        except (TimeoutError, aiohttp.ClientError, ConnectionError):
            pass
        finally:
            self.closed.set()
            if self._connected is not None and not self._connected.done():
                self._connected.set_exception(ConnectionError("closed before connect"))

    def _on_frame(self, text: str) -> None:
        kind = text[:1]
        if kind == "4":
            self._on_packet(text[1:])
        elif kind == "2":  # Engine.IO PING: answer PONG or the server drops us
            self._send_nowait("3")

    def _on_packet(self, text: str) -> None:
        kind, namespace, ack_id, data = decode_packet(text)
        if namespace != self.namespace:
            return
        if kind == "2" and isinstance(data, list) and data:
            handler = self._handlers.get(data[0])
            if handler is not None:
                handler(data[1] if len(data) > 1 else None)
        elif kind == "3" and ack_id is not None:
            cb = self._acks.pop(ack_id, None)
            if cb is not None:
                cb(data[0] if isinstance(data, list) and data else None)
        elif kind == "0" and self._connected is not None and not self._connected.done():
            self.sid = data.get("sid") if isinstance(data, dict) else None
            self._connected.set_result(data)
        elif kind == "4" and self._connected is not None and not self._connected.done():
            self._connected.set_exception(ConnectRefused(data))

    async def close(self) -> None:
        """Close the WebSocket (an abrupt drop, as a phone losing its network would)."""
        if self._ws is not None and not self._ws.closed:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            with contextlib.suppress(BaseException):
                await self._reader
        self.closed.set()


_PENDING: set[asyncio.Task[None]] = set()


async def _send(ws: aiohttp.ClientWebSocketResponse, text: str) -> None:
    with contextlib.suppress(ConnectionError, aiohttp.ClientError):
        await ws.send_str(text)
