"""The Socket.IO gateway: the only module that imports ``socketio``/``engineio``.

python-socketio has no type hints; its untyped surface stays here. Handlers elsewhere are plain
``async def handler(ctx, payload) -> dict`` functions registered with :meth:`Gateway.on`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import engineio
import orjson
import socketio
from aiohttp import web
from aiohttp.web import WebSocketResponse
from engineio.async_drivers import aiohttp as eio_aiohttp
from pydantic import BaseModel, ValidationError

from hub.auth import Principal, Role, TokenVerifier
from hub.errors import ClientError, ErrorCode
from hub.metrics import Metrics
from hub.packet_queue import PacketQueue
from hub.ratelimit import RateLimiter
from hub.settings import Settings
from hub.turns import TURN, Lanes

log = logging.getLogger(__name__)
P = TypeVar("P", bound=BaseModel)
Ack = dict[str, Any]
Handler = Callable[["EventContext", P], Awaitable[Ack]]
ConnectHook = Callable[[Principal, str, str], Awaitable[None]]

NAMESPACE_ROLES: dict[str, frozenset[Role]] = {
    "/": frozenset({Role.USER}),
    "/moderation": frozenset({Role.MODERATOR, Role.ADMIN}),
}


def user_room(user_id: str) -> str:
    return f"user:{user_id}"


def listing_room(listing_id: str) -> str:
    return f"listing:{listing_id}"


class _OrjsonModule:
    """The json module python-socketio uses for packets, backed by orjson."""

    @staticmethod
    def dumps(obj: Any, **_: Any) -> str:
        return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode()

    @staticmethod
    def loads(s: str | bytes, **_: Any) -> Any:
        return orjson.loads(s)


def _websocket_class(compress: bool) -> type:
    """engineio's aiohttp WebSocket wrapper, with permessage-deflate as a setting.

    aiohttp accepts compression by default and engineio offers no switch; the per-connection
    deflate state costs ~90 KB, so it is off unless HUB_WEBSOCKET_COMPRESSION is set.
    """

    class WebSocket(eio_aiohttp.WebSocket):  # type: ignore[misc]
        async def __call__(self, environ: dict[str, Any]) -> WebSocketResponse:
            request = environ["aiohttp.request"]
            self._sock = WebSocketResponse(
                max_msg_size=self.server.max_http_buffer_size, compress=compress
            )
            await self._sock.prepare(request)
            self.environ = environ
            await self.handler(self)
            return self._sock

    return WebSocket


class _DirectEmit(socketio.AsyncManager):  # type: ignore[misc]
    """Sends an emit's one encoded packet to each local recipient in turn.

    The stock manager starts a task per recipient and waits for them all; queueing a packet
    for a socket does not block, so that only adds a task each and a trip through the loop.
    Emits with a callback (none of ours) keep the stock path.
    """

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        if callback is not None or namespace not in self.rooms:
            await super().emit(event, data, namespace, room, skip_sid, callback, to, **kwargs)
            return
        args = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        encoded = self.server.packet_class(
            socketio.packet.EVENT, namespace=namespace, data=[event, *args]
        ).encode()
        frames = [
            engineio.packet.Packet(engineio.packet.MESSAGE, e)
            for e in (encoded if isinstance(encoded, list) else [encoded])
        ]
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        for sid, eio_sid in list(self.get_participants(namespace, to or room)):
            if sid not in skip:
                for frame in frames:
                    await self.server._send_eio_packet(eio_sid, frame)


class _RedisFanout(socketio.AsyncRedisManager, _DirectEmit):  # type: ignore[misc]
    """The Redis manager, with the emitting node's Redis work done once per batch.

    As the stock manager does, an emit goes to this node's sockets directly and is published for
    the others. Unlike it, the emitting handler does not wait for Redis: messages for the other
    nodes wait in one queue, and one owned task publishes all that are waiting as one
    ``batch`` message (one PUBLISH, in order). Every node receives its own batches back from
    the channel; it drops them by their prefix, before decoding. Single messages from stock
    managers (write-only emitters) are still handled.
    """

    def __init__(self, url: str, channel: str) -> None:
        super().__init__(url, channel=channel)
        self._own = b'{"host_id":"' + self.host_id.encode() + b'"'
        self._outbox: list[dict[str, Any]] = []
        self._sender: asyncio.Task[None] | None = None
        self._closing = False

    async def _publish(self, data: dict[str, Any]) -> None:
        self._outbox.append(data)
        if self._sender is None:
            self._sender = asyncio.get_running_loop().create_task(self._send(), name="fanout")

    async def _send(self) -> None:
        try:
            while self._outbox:
                batch, self._outbox = self._outbox, []
                # host_id first: the prefix that lets this node skip its own batches.
                await super()._publish(
                    {"host_id": self.host_id, "method": "batch", "messages": batch}
                )
        finally:
            self._sender = None

    async def flush(self) -> None:
        """Wait until every queued message is published."""
        while self._sender is not None:
            await asyncio.wait([self._sender])

    async def close(self) -> None:
        """Publish what is queued, stop the listener task, close the Redis connections."""
        await self.flush()
        self._closing = True
        listener = getattr(self, "thread", None)  # started by python-socketio on first use
        deadline = asyncio.get_running_loop().time() + 5.0
        while listener is not None and not listener.done():
            # redis-py can turn a cancellation that lands mid-read into a connection error (the
            # listener then stops, see `_redis_listen_with_retries`); cancel until it is done.
            listener.cancel()
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                log.warning("the Redis fan-out listener did not stop")
                break
            await asyncio.wait([listener], timeout=min(0.25, remaining))
        if self.pubsub is not None:
            await self.pubsub.aclose()
        if self.redis is not None:
            await self.redis.aclose()

    async def _redis_listen_with_retries(self) -> AsyncIterator[Any]:
        """Subscribe and yield what arrives; after a Redis error, connect again with a growing
        pause (1 s, doubling, at most 60 s), until `close` has begun. The stock loop retried
        forever, and redis-py can report a cancellation as a connection error: a listener
        cancelled at shutdown then went on reconnecting and the event loop never finished."""
        pause = 1.0
        while not self._closing:
            try:
                self._redis_connect()
                await self.pubsub.subscribe(self.channel)
                pause = 1.0
                async for message in self.pubsub.listen():
                    yield message
            except Exception:
                if self._closing:
                    return
                log.exception("cannot receive from Redis; retrying in %.0f s", pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2.0, 60.0)

    async def _listen(self) -> AsyncIterator[Any]:
        # Not the stock `_listen`: after its loop it unsubscribes, which fails on the broken
        # connection a stopped listener leaves, and python-socketio would then call it again.
        channel = self.channel.encode()
        async for message in self._redis_listen_with_retries():
            if message.get("type") != "message" or message.get("channel") != channel:
                continue
            raw = message.get("data")
            if isinstance(raw, bytes) and raw.startswith(self._own):
                continue
            try:
                data = self.json.loads(raw)
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("method") == "batch":
                for message in data.get("messages") or ():
                    yield message
            else:
                yield data


@dataclass(frozen=True, slots=True)
class EventContext:
    """Who sent an event, on which socket."""

    sid: str
    namespace: str
    principal: Principal
    correlation_id: str

    @property
    def user_id(self) -> str:
        return self.principal.user_id


class Gateway:
    """Owns the Socket.IO server: auth at the handshake, handler dispatch, rooms and emits."""

    def __init__(
        self, settings: Settings, verifier: TokenVerifier, metrics: Metrics, limiter: RateLimiter
    ) -> None:
        # Deliberate: the JS client's polling fallback may send more packets per request than
        # engineio's default of 16 (a burst of emits while upgrading).
        engineio.payload.Payload.max_decode_packets = settings.max_packets_per_payload
        manager: _DirectEmit = (
            _RedisFanout(settings.redis_url, channel="echolist-socketio")
            if settings.redis_url
            else _DirectEmit()
        )
        self._manager = manager
        self.sio = socketio.AsyncServer(
            async_mode="aiohttp",
            client_manager=manager,
            cors_allowed_origins=settings.allowed_origins or None,
            json=_OrjsonModule,
            max_http_buffer_size=settings.max_payload_bytes,
            ping_interval=settings.ping_interval_s,
            ping_timeout=settings.ping_timeout_s,
            # Each event runs in its own task; Turn keeps one socket's events in order.
            async_handlers=True,
            logger=False,
            engineio_logger=False,
        )
        self.sio.eio._async = dict(
            self.sio.eio._async, websocket=_websocket_class(settings.websocket_compression)
        )
        # engine.io's documented queue factory: every socket's outgoing packets (hub.packet_queue).
        self.sio.eio.create_queue = PacketQueue
        self._verifier = verifier
        self._metrics = metrics
        self._limiter = limiter
        self._principals: dict[tuple[str, str], Principal] = {}
        # Correlation ids: this process's random prefix and a counter (cheaper than a uuid4).
        self._cid_prefix = secrets.token_hex(3)
        self._cids = itertools.count()
        # A polling request may carry max_packets_per_payload events: never refuse one burst.
        self._lanes = Lanes(2 * max(settings.max_packets_per_payload, 128))
        self._connect_hooks: list[ConnectHook] = []
        self._accepting = True
        for ns in NAMESPACE_ROLES:
            self._register_namespace(ns)

    def attach(self, app: web.Application) -> None:
        self.sio.attach(app, socketio_path="socket.io")

    def on_connect(self, hook: ConnectHook) -> None:
        """Run ``hook(principal, sid, namespace)`` after each accepted handshake."""
        self._connect_hooks.append(hook)

    # -- handshake ------------------------------------------------------------------------
    def _register_namespace(self, ns: str) -> None:
        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
            await self._connect(ns, sid, auth)

        async def disconnect(sid: str, *_: Any) -> None:
            self._lanes.drop((ns, sid))
            if self._principals.pop((ns, sid), None) is not None:
                self._metrics.connections.labels(ns).dec()

        async def unknown(event: str, sid: str, *_: Any) -> Ack:
            self._metrics.events.labels("unknown", ErrorCode.INVALID).inc()
            return ClientError(ErrorCode.INVALID, f"unknown event {event!r}").ack()

        self.sio.on("connect", connect, namespace=ns)
        self.sio.on("disconnect", disconnect, namespace=ns)
        self.sio.on("*", unknown, namespace=ns)

    async def _connect(self, ns: str, sid: str, auth: Any) -> None:
        try:
            if not self._accepting:
                raise ClientError(ErrorCode.UNAVAILABLE, "hub is shutting down")
            token = auth.get("token") if isinstance(auth, dict) else None
            principal = self._verifier.verify(token)
            if principal.role not in NAMESPACE_ROLES[ns]:
                raise ClientError(ErrorCode.FORBIDDEN, f"role {principal.role} may not use {ns}")
        except ClientError as e:
            self._metrics.refused.labels(ns, e.code).inc()
            raise socketio.exceptions.ConnectionRefusedError(e.message, e.body()) from e
        self._principals[(ns, sid)] = principal
        await self.sio.enter_room(sid, user_room(principal.user_id), namespace=ns)
        self._metrics.connections.labels(ns).inc()
        for hook in self._connect_hooks:
            await hook(principal, sid, ns)

    # -- dispatch -------------------------------------------------------------------------
    def on(
        self,
        event: str,
        model: type[P],
        handler: Handler[P],
        *,
        namespace: str = "/",
        limited: bool = False,
        pipelined: bool = False,
        cost: Callable[[P], int] | None = None,
    ) -> None:
        """Register ``handler`` for ``event``: validate, rate-limit, call, always ack.

        A ``limited`` event counts as one event against the sender's rate limit, or as
        ``cost(payload)`` events where given (a long message costs more to moderate).

        A socket's events run one after another, in the order they arrived. A ``pipelined``
        event waits only until the events before it have fixed their order (called
        ``hub.turns.release_turn()``, or finished), and the next pipelined one may start once
        it calls ``release_turn()`` itself: a burst of sends is stored in the order sent while
        one send's commit and fan-out overlap the next one's checks. Other events wait until every
        event before them has finished, and hold the next ones until they finish.
        """

        async def dispatch(sid: str, data: Any = None, *_: Any) -> Ack:
            started = time.perf_counter()
            lane = (namespace, sid)
            turn = self._lanes.enter(lane)
            if turn is None:
                ack = ClientError(
                    ErrorCode.RATE_LIMITED, "too many events in flight", retry_after_ms=100
                ).ack()
            else:
                try:
                    await turn.wait(pipelined)
                    TURN.set(turn)
                    ack = await self._dispatch(
                        event, namespace, sid, data, model, handler, limited, cost
                    )
                finally:
                    self._lanes.leave(lane, turn)
            outcome = "ok" if ack.get("ok") else ack["error"]["code"]
            self._metrics.events.labels(event, outcome).inc()
            self._metrics.latency.labels(event).observe(time.perf_counter() - started)
            return ack

        self.sio.on(event, dispatch, namespace=namespace)

    async def _dispatch(
        self,
        event: str,
        ns: str,
        sid: str,
        data: Any,
        model: type[P],
        handler: Handler[P],
        limited: bool,
        cost: Callable[[P], int] | None = None,
    ) -> Ack:
        cid = f"{self._cid_prefix}{next(self._cids):06x}"
        principal = self._principals.get((ns, sid))
        try:
            if principal is None:
                raise ClientError(ErrorCode.UNAUTHORIZED, "not connected")
            payload = _validate(model, data)
            if limited:
                weight = 1 if cost is None else max(1, cost(payload))
                retry = await self._limiter.hit(principal.user_id, weight)
                if retry is not None:
                    raise ClientError(ErrorCode.RATE_LIMITED, "slow down", retry_after_ms=retry)
            result = await handler(EventContext(sid, ns, principal, cid), payload)
        except ClientError as e:
            return e.ack()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("handler %s failed [correlation_id=%s]", event, cid)
            return ClientError(ErrorCode.INTERNAL, f"internal error (correlation id {cid})").ack()
        return {"ok": True, **result}

    # -- rooms and emits ------------------------------------------------------------------
    async def enter_room(self, sid: str, room: str, namespace: str = "/") -> None:
        await self.sio.enter_room(sid, room, namespace=namespace)

    async def leave_room(self, sid: str, room: str, namespace: str = "/") -> None:
        await self.sio.leave_room(sid, room, namespace=namespace)

    async def emit(
        self,
        event: str,
        data: Any,
        rooms: str | Iterable[str],
        *,
        namespace: str = "/",
        skip_sid: str | None = None,
        local: bool = False,
    ) -> None:
        """Emit to rooms on every node (``local=True``: only the sockets this node holds)."""
        to = rooms if isinstance(rooms, str) else list(rooms)
        if not to:
            return
        kwargs: dict[str, Any] = {"ignore_queue": True} if local else {}
        await self.sio.emit(event, data, to=to, namespace=namespace, skip_sid=skip_sid, **kwargs)

    async def emit_users(
        self,
        event: str,
        data: Any,
        user_ids: Iterable[str],
        *,
        skip_sid: str | None = None,
        local: bool = False,
    ) -> None:
        await self.emit(
            event, data, [user_room(u) for u in user_ids], skip_sid=skip_sid, local=local
        )

    def connection_count(self) -> int:
        return len(self._principals)

    async def drain(self) -> None:
        """Refuse new handshakes, disconnect every socket this node holds, then publish what
        is queued for other nodes and stop listening to them."""
        self._accepting = False
        for ns, sid in list(self._principals):
            await self.sio.disconnect(sid, namespace=ns)
        if isinstance(self._manager, _RedisFanout):
            await self._manager.close()


def _validate(model: type[P], data: Any) -> P:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ClientError(ErrorCode.INVALID, "payload must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "payload"
        too_long = first["type"] == "string_too_long" and first["loc"][:1] == ("text",)
        code = ErrorCode.TOO_LARGE if too_long else ErrorCode.INVALID
        raise ClientError(code, f"{where}: {first['msg']}") from e
