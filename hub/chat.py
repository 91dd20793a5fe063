"""Chat: conversations, messages, read state, typing and sync (DESIGN.md section 5)."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from hub import wire
from hub.errors import ClientError, ErrorCode
from hub.gateway import Gateway
from hub.metrics import Metrics
from hub.turns import release_turn
from storage.engine import Database
from storage.errors import NotFound
from storage.repositories import conversations as convs
from storage.repositories import listings, messages
from storage.repositories.conversations import Conversation
from storage.repositories.message_batch import AppendBatcher, Extra
from storage.repositories.messages import DuplicateMessage, Message, NewMessage

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Sent:
    message: Message
    duplicate: bool
    # Messages stored in the same transaction by ``store(..., extra=...)`` (interventions).
    extra: tuple[Message, ...] = ()


# How many (sender, client_msg_id) keys this node remembers having stored (see ``previous``).
RECENT_KEYS = 20_000


class ModeratedSend(Protocol):
    """The moderation service's send path (hub.moderation); None when moderation is off."""

    async def send(
        self, conv: Conversation, user_id: str, sid: str, client_msg_id: str, text: str
    ) -> dict[str, Any]: ...


class ChatService:
    """The chat's rules; storage is the source of truth, the gateway fans out."""

    def __init__(
        self, db: Database, gateway: Gateway, metrics: Metrics, clock: Clock, sync_max: int
    ) -> None:
        self._db = db
        self._gw = gateway
        self._metrics = metrics
        self._now = clock
        self._sync_max = sync_max
        # Set by the composition root when moderation is on: every message.send goes through it.
        self.moderation: ModeratedSend | None = None
        # Participants never change, so a conversation read once can authorize later events.
        self._known: OrderedDict[str, Conversation] = OrderedDict()
        self._appends = AppendBatcher(db, clock)
        self._recent: OrderedDict[tuple[str, str], None] = OrderedDict()

    async def lifecycle(self, _app: web.Application) -> AsyncIterator[None]:
        """Cleanup context: at shutdown, store the appends still waiting for their batch."""
        yield
        await self._appends.close()

    # -- access ---------------------------------------------------------------------------
    async def conversation_for(self, user_id: str, conversation_id: str) -> Conversation:
        """The conversation if ``user_id`` takes part in it; not_found / forbidden otherwise."""
        conv = self._known.get(conversation_id)
        if conv is None:
            try:
                async with self._db.read() as conn:
                    conv = await convs.get(conn, conversation_id)
            except NotFound as e:
                raise ClientError(ErrorCode.NOT_FOUND, "no such conversation") from e
            self._remember(conv)
        if user_id not in conv.participants():
            raise ClientError(ErrorCode.FORBIDDEN, "not a participant of this conversation")
        return conv

    def _remember(self, conv: Conversation) -> None:
        self._known[conv.id] = conv
        self._known.move_to_end(conv.id)
        if len(self._known) > 50_000:
            self._known.popitem(last=False)

    # -- conversations --------------------------------------------------------------------
    async def open(self, user_id: str, listing_id: str) -> dict[str, Any]:
        async def work(conn: AsyncConnection) -> Conversation:
            try:
                lst = await listings.get(conn, listing_id)
            except NotFound as e:
                raise ClientError(ErrorCode.NOT_FOUND, "no such listing") from e
            if lst.seller_id == user_id:
                raise ClientError(
                    ErrorCode.FORBIDDEN, "you cannot open a conversation on your own listing"
                )
            existing = await convs.find_for(conn, listing_id, user_id)
            if existing is not None:
                return existing
            if lst.status != "active":
                raise ClientError(ErrorCode.CONFLICT, f"listing is {lst.status}")
            created = await convs.create(conn, listing_id, user_id, lst.seller_id, self._now())
            if created is not None:
                return created
            return await _must(convs.find_for(conn, listing_id, user_id))

        conv = await self._db.run(work)
        self._remember(conv)
        async with self._db.read() as conn:
            unread = (await convs.unread_counts(conn, user_id, [conv.id]))[conv.id]
        return wire.conversation(conv, unread)

    async def conversations(self, user_id: str) -> list[dict[str, Any]]:
        async with self._db.read() as conn:
            found = await convs.for_user(conn, user_id)
            ids = [c.id for c in found]
            unread = await convs.unread_counts(conn, user_id, ids)
            last = await messages.last_visible(conn, ids, user_id)
        return [wire.conversation(c, unread[c.id], last.get(c.id), viewer=user_id) for c in found]

    async def history(
        self, user_id: str, conversation_id: str, before_seq: int | None, limit: int
    ) -> list[dict[str, Any]]:
        await self.conversation_for(user_id, conversation_id)
        async with self._db.read() as conn:
            rows = await messages.history(conn, conversation_id, user_id, before_seq, limit)
        return [wire.message(m, user_id) for m in rows]

    # -- messages -------------------------------------------------------------------------
    async def send(
        self, user_id: str, sid: str, conversation_id: str, client_msg_id: str, text: str
    ) -> dict[str, Any]:
        conv = await self.conversation_for(user_id, conversation_id)
        if self.moderation is not None:
            return await self.moderation.send(conv, user_id, sid, client_msg_id, text)
        new = NewMessage(conversation_id, user_id, "text", text, client_msg_id=client_msg_id)
        sent = await self.store(new)
        if not sent.duplicate:
            await self.deliver(conv, sent.message, skip_sid=sid)
        return wire.message(sent.message, user_id)

    async def previous(self, new: NewMessage) -> Sent | None:
        """The message already stored for ``new``'s (sender, client_msg_id), if this node
        stored it recently.

        Only a key this node remembers costs a read: a first send (nearly all of them) goes
        straight to the append, and a repeat this node does not remember (sent first through
        another node, or long ago) is caught exactly by the unique key in :meth:`store`.
        """
        if new.client_msg_id is None or (new.sender_id, new.client_msg_id) not in self._recent:
            return None
        async with self._db.read() as conn:
            found = await messages.by_client_id(conn, new.sender_id, new.client_msg_id)
        return None if found is None else self._same_send(found, new)

    async def store(
        self, new: NewMessage, *, extra: Extra | None = None, lookup: bool = True
    ) -> Sent:
        """Append a message; a repeated (sender, client_msg_id) returns the stored one.

        ``extra`` stores more rows in the same transaction; ``lookup=False`` skips the first
        look for a repeat when the caller has just made it (a race is still caught). Appends
        from concurrent sends share transactions (storage.repositories.message_batch).
        """
        repeat = await self.previous(new) if lookup else None
        if repeat is not None:
            return repeat
        queued = self._appends.submit(new, extra)
        release_turn()  # its seq order is fixed: the socket's next send may go on
        try:
            stored = await queued
        except DuplicateMessage:
            assert new.client_msg_id is not None
            self._remember_key(new.sender_id, new.client_msg_id)
            async with self._db.read() as conn:
                found = await _must(messages.by_client_id(conn, new.sender_id, new.client_msg_id))
            return self._same_send(found, new)
        if new.client_msg_id is not None:
            self._remember_key(new.sender_id, new.client_msg_id)
        self._metrics.messages.labels(stored.message.status).inc()
        return Sent(stored.message, duplicate=False, extra=stored.extra)

    def _remember_key(self, sender_id: str, client_msg_id: str) -> None:
        self._recent[(sender_id, client_msg_id)] = None
        if len(self._recent) > RECENT_KEYS:
            self._recent.popitem(last=False)

    @staticmethod
    def _same_send(found: Message, new: NewMessage) -> Sent:
        if found.conversation_id != new.conversation_id:
            raise ClientError(
                ErrorCode.CONFLICT, "client_msg_id already used in another conversation"
            )
        return Sent(found, duplicate=True)

    async def deliver(
        self, conv: Conversation, msg: Message, *, skip_sid: str | None = None
    ) -> None:
        """Push ``message.new`` to whoever may see ``msg`` (the sender's other devices too)."""
        viewers = conv.participants() if msg.visible_to is None else (msg.visible_to,)
        views = [(viewer, {"message": wire.message(msg, viewer)}) for viewer in viewers]
        if all(body == views[0][1] for _, body in views):
            # Everyone sees the same: one emit (and one publish to the other nodes) for all.
            await self._gw.emit_users("message.new", views[0][1], viewers, skip_sid=skip_sid)
            return
        for viewer, body in views:
            await self._gw.emit_users("message.new", body, [viewer], skip_sid=skip_sid)

    async def read(self, user_id: str, conversation_id: str, seq: int) -> None:
        conv = await self.conversation_for(user_id, conversation_id)
        async with self._db.read() as conn:
            current = await convs.get(conn, conversation_id)
        if seq > current.last_seq:
            raise ClientError(ErrorCode.INVALID, f"seq {seq} is beyond the last message")
        await self._db.run(lambda c: convs.mark_read(c, conversation_id, user_id, seq, self._now()))
        body = {"conversation_id": conversation_id, "user_id": user_id, "seq": seq}
        await self._gw.emit_users("message.read", body, conv.participants())

    async def typing(self, user_id: str, conversation_id: str, typing: bool) -> None:
        conv = await self.conversation_for(user_id, conversation_id)
        body = {"conversation_id": conversation_id, "user_id": user_id, "typing": typing}
        await self._gw.emit_users("typing", body, [conv.other(user_id)])

    async def sync(
        self, user_id: str, cursors: dict[str, int]
    ) -> tuple[list[dict[str, Any]], bool]:
        """Every message after each cursor, per conversation in order; (messages, has_more)."""
        for cid in cursors:
            await self.conversation_for(user_id, cid)
        out: list[dict[str, Any]] = []
        budget = self._sync_max
        async with self._db.read() as conn:
            for cid, after in cursors.items():
                rows = await messages.since(conn, cid, user_id, after, budget + 1)
                if len(rows) > budget:
                    out.extend(wire.message(m, user_id) for m in rows[:budget])
                    return out, True
                out.extend(wire.message(m, user_id) for m in rows)
                budget -= len(rows)
        return out, False


async def _must(aw: Awaitable[T | None]) -> T:
    value = await aw
    if value is None:
        raise ClientError(ErrorCode.INTERNAL, "row vanished during the transaction")
    return value
