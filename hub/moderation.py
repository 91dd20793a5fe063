"""Moderation in the chat path, the moderators' queue and decisions, and their live streams.

Every ``message.send`` runs the pipeline before anything is delivered (DESIGN.md section 6):
``allow`` delivers; ``warn`` delivers and adds an intervention (a stored message of kind
``intervention`` plus the ``intervention`` push); ``hold`` stores the message for its sender only
and queues it for moderators; ``block`` stores it for its sender only. Moderators on
``/moderation`` (room ``moderators``; fanned out across nodes by the gateway's manager) get
``flag``, ``queue.item``, ``queue.decided`` and, from each node every couple of seconds, ``stats``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from hub import wire
from hub.chat import ChatService
from hub.context_store import read_only
from hub.errors import ClientError, ErrorCode
from hub.gateway import Gateway
from hub.metrics import Metrics
from pipeline import Action, Audience, ModerationRunner, PipelineError, PipelineOverloaded, Verdict
from storage.engine import Database
from storage.errors import NotFound, StorageError
from storage.repositories import messages
from storage.repositories import moderation as queue
from storage.repositories.conversations import Conversation
from storage.repositories.messages import Message, NewMessage

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]

NAMESPACE = "/moderation"
MODERATORS = "moderators"
SYSTEM_SENDER = "system"
_STATUS = {Action.ALLOW: "delivered", Action.WARN: "delivered", Action.HOLD: "held"}
_DECIDED = {"approve": ("delivered", "approved"), "remove": ("removed", "removed")}


def moderator_view(m: Message) -> dict[str, Any]:
    """A message as moderators see it: everything, with the stored scores."""
    out = wire.message(m, None)
    out["visible_to"] = m.visible_to
    out["moderation"] = None if m.moderation is None else dict(m.moderation)
    return out


def _record(v: Verdict) -> dict[str, Any]:
    """What a message keeps of its verdict (the sender is shown action and reasons)."""
    out = v.to_dict()
    out.pop("intervention", None)
    out.update(model_ms=round(v.model_ms, 3), degraded=v.degraded)
    return out


class _Window:
    """Counts since the last ``stats`` tick on this node."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.messages = 0
        self.flagged: Counter[str] = Counter()
        self.actions: Counter[str] = Counter()

    def add(self, v: Verdict) -> None:
        self.messages += 1
        self.flagged.update(v.flagged)
        self.actions[v.action.value] += 1


class ModerationService:
    """The hub side of moderation; the pipeline's runner is attached once the model is up."""

    def __init__(
        self,
        db: Database,
        gateway: Gateway,
        chat: ChatService,
        metrics: Metrics,
        clock: Clock,
        node_id: str,
    ) -> None:
        self._db = db
        self._gw = gateway
        self._chat = chat
        self._metrics = metrics
        self._now = clock
        self.node_id = node_id
        self.runner: ModerationRunner | None = None
        self._window = _Window()

    # -- the chat path --------------------------------------------------------------------
    async def send(
        self, conv: Conversation, user_id: str, sid: str, client_msg_id: str, text: str
    ) -> dict[str, Any]:
        """``message.send`` with moderation; the ack's message carries status and action."""
        new = NewMessage(conv.id, user_id, "text", text, client_msg_id=client_msg_id)
        repeat = await self._chat.previous(new)
        if repeat is not None:
            return wire.message(repeat.message, user_id)
        verdict = await self.verdict(text, conv.id, user_id)
        status = _STATUS.get(verdict.action, "blocked")
        new = NewMessage(
            conv.id,
            user_id,
            "text",
            text,
            status=status,
            visible_to=None if status == "delivered" else user_id,
            client_msg_id=client_msg_id,
            moderation=_record(verdict),
        )

        async def extra(conn: AsyncConnection, msg: Message) -> list[Message]:
            return await self._store_extra(conn, conv, msg, verdict)

        sent = await self._chat.store(new, extra=extra, lookup=False)
        if not sent.duplicate:
            self._window.add(verdict)
            self._metrics.moderation.labels(verdict.action.value).inc()
            await self._chat.deliver(conv, sent.message, skip_sid=sid)
            await self._announce(conv, sent.message, sent.extra, verdict)
        return wire.message(sent.message, user_id)

    async def verdict(
        self, text: str, conversation_id: str | None, sender_id: str | None
    ) -> Verdict:
        """Run the pipeline; ``unavailable`` when it is down or its queue is full."""
        if self.runner is None:
            raise ClientError(ErrorCode.UNAVAILABLE, "moderation is starting; try again")
        started = time.perf_counter()
        try:
            verdict = await self.runner.moderate(
                text, conversation_id=conversation_id, sender_id=sender_id
            )
        except PipelineOverloaded as e:
            raise ClientError(ErrorCode.UNAVAILABLE, "moderation is overloaded; retry") from e
        except PipelineError as e:
            raise ClientError(ErrorCode.UNAVAILABLE, "moderation is unavailable") from e
        self._metrics.moderation_latency.observe(time.perf_counter() - started)
        return verdict

    async def score(self, text: str, conversation_id: str | None) -> Verdict:
        """A verdict without sending: the conversation's context (everyone's recent messages
        in it, as the scorer is no participant) is read, not added to."""
        with read_only():
            return await self.verdict(text, conversation_id, None)

    async def _store_extra(
        self, conn: AsyncConnection, conv: Conversation, msg: Message, verdict: Verdict
    ) -> list[Message]:
        """In the message's transaction: its intervention message and its queue item."""
        out = []
        tip = verdict.intervention
        if tip is not None:
            viewer = {
                Audience.SENDER: msg.sender_id,
                Audience.RECIPIENT: conv.other(msg.sender_id),
                Audience.BOTH: None,
            }[tip.audience]
            note = NewMessage(
                conv.id,
                SYSTEM_SENDER,
                "intervention",
                tip.text,
                visible_to=viewer,
                moderation={"intervention": tip.kind, "about": msg.id},
            )
            out.append(await messages.append(conn, note, msg.created_at))
        if msg.status == "held":
            await queue.enqueue(conn, queue.QueueItem(**_pending_fields(msg, conv)))
        return out

    async def _announce(
        self, conv: Conversation, msg: Message, tips: tuple[Message, ...], verdict: Verdict
    ) -> None:
        for tip in tips:
            body = {
                "conversation_id": conv.id,
                "message_id": tip.id,
                "kind": (tip.moderation or {}).get("intervention", "intervention"),
                "text": tip.text,
                "seq": tip.seq,
                "about_message_id": msg.id,
            }
            viewers = conv.participants() if tip.visible_to is None else (tip.visible_to,)
            await self._gw.emit_users("intervention", body, viewers)
        if verdict.flagged or verdict.action is not Action.ALLOW:
            flag = {**moderator_view(msg), "listing_id": conv.listing_id, "node_id": self.node_id}
            await self._to_moderators("flag", {"message": flag})
        if msg.status == "held":
            item = self._item(queue.QueueItem(**_pending_fields(msg, conv)), conv)
            await self._to_moderators("queue.item", {"item": item})

    async def _to_moderators(self, event: str, body: dict[str, Any]) -> None:
        await self._gw.emit(event, body, MODERATORS, namespace=NAMESPACE)

    # -- the moderators' queue ------------------------------------------------------------
    async def pending(self, limit: int) -> list[dict[str, Any]]:
        async with self._db.read() as conn:
            items = await queue.pending(conn, limit)
        return [self._item(i, await self._conversation(i)) for i in items]

    async def decide(
        self, moderator_id: str, message_id: str, action: str, note: str | None
    ) -> dict[str, Any]:
        """Approve or remove a held message; the loser of a race gets ``conflict``."""
        status, outcome = _DECIDED[action]
        now = self._now()

        async def work(conn: AsyncConnection) -> tuple[Message, queue.Decision]:
            try:
                item = await queue.get(conn, message_id)
            except NotFound as e:
                raise ClientError(ErrorCode.NOT_FOUND, "no such held message") from e
            visible = None if action == "approve" else item.sender_id
            won = await messages.set_status(
                conn, message_id, expect="held", status=status, visible_to=visible
            )
            if not won or not await queue.decide(
                conn, message_id, status=outcome, moderator_id=moderator_id, now=now
            ):
                raise ClientError(ErrorCode.CONFLICT, f"already decided ({item.status})")
            decision = await queue.record(conn, message_id, moderator_id, action, note, now)
            return await messages.get(conn, message_id), decision

        msg, decision = await self._db.run(work)
        await self._after_decision(msg, action)
        body = {
            "message_id": msg.id,
            "action": action,
            "moderator_id": moderator_id,
            "decided_at": wire.iso(decision.created_at),
        }
        await self._to_moderators("queue.decided", body)
        return {"message": moderator_view(msg), "decision": {**body, "note": note}}

    async def _after_decision(self, msg: Message, action: str) -> None:
        conv = await self._chat.conversation_for(msg.sender_id, msg.conversation_id)
        if action == "approve":
            recipient = conv.other(msg.sender_id)
            body = {"message": wire.message(msg, recipient)}
            await self._gw.emit_users("message.new", body, [recipient])
        body = {"message": wire.message(msg, msg.sender_id)}
        await self._gw.emit_users("message.updated", body, [msg.sender_id])

    async def context(self, message_id: str, span: int) -> dict[str, Any]:
        """The messages around one message, as moderators see them, and its queue item."""
        async with self._db.read() as conn:
            try:
                msg = await messages.get(conn, message_id)
            except NotFound as e:
                raise ClientError(ErrorCode.NOT_FOUND, "no such message") from e
            conv = await self._chat.conversation_for(msg.sender_id, msg.conversation_id)
            around: dict[str, Message] = {}
            # Every message is visible to one participant at least: the two views make the whole.
            for viewer in conv.participants():
                rows = await messages.history(
                    conn, conv.id, viewer, msg.seq + span + 1, 2 * span + 1
                )
                around.update((m.id, m) for m in rows if m.seq >= msg.seq - span)
            try:
                item = self._item(await queue.get(conn, message_id), conv)
            except NotFound:
                item = None
        ordered = sorted(around.values(), key=lambda m: m.seq)
        return {
            "conversation": wire.conversation(conv, 0),
            "messages": [moderator_view(m) for m in ordered],
            "item": item,
        }

    async def _conversation(self, item: queue.QueueItem) -> Conversation:
        return await self._chat.conversation_for(item.sender_id, item.conversation_id)

    @staticmethod
    def _item(i: queue.QueueItem, conv: Conversation) -> dict[str, Any]:
        v = dict(i.verdict)
        return {
            "message_id": i.message_id,
            "conversation_id": i.conversation_id,
            "listing_id": conv.listing_id,
            "sender_id": i.sender_id,
            "recipient_id": i.recipient_id,
            "text": i.text,
            "status": i.status,
            "action": v.get("action"),
            "flagged": v.get("flagged", []),
            "labels": v.get("labels", {}),
            "reasons": v.get("reasons", []),
            "created_at": wire.iso(i.created_at),
            "decided_by": i.decided_by,
            "decided_at": wire.iso(i.decided_at),
        }

    # -- stats ----------------------------------------------------------------------------
    async def stats(self) -> dict[str, Any]:
        """This node's numbers since the previous call, and the shared queue's depth."""
        window, self._window = self._window, _Window()
        elapsed = max(time.monotonic() - window.started, 1e-6)
        async with self._db.read() as conn:
            depth = await queue.depth(conn)
        runner = self.runner.stats() if self.runner is not None else {}
        n = window.messages
        return {
            "node_id": self.node_id,
            "at": wire.iso(self._now()),
            "interval_s": round(elapsed, 3),
            "messages": n,
            "messages_per_s": round(n / elapsed, 3),
            "flagged": dict(window.flagged),
            "flag_rate": {k: round(c / n, 4) for k, c in window.flagged.items()} if n else {},
            "actions": dict(window.actions),
            "latency_ms": runner.get("latency_ms"),
            "model_ms": runner.get("model_ms"),
            "pipeline_queue": runner.get("queue_depth", 0),
            "queue_depth": depth,
            "degraded": bool(runner.get("degraded", False)),
            "model_version": runner.get("model_version", ""),
            "enabled": self.runner is not None,
        }

    async def stream_stats(self, interval_s: float) -> None:
        """Emit ``stats`` to moderators every ``interval_s`` until cancelled."""
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self._to_moderators("stats", await self.stats())
            except (OSError, SQLAlchemyError, RedisError, StorageError):
                log.warning("stats tick failed", exc_info=True)


def _pending_fields(msg: Message, conv: Conversation) -> dict[str, Any]:
    return {
        "message_id": msg.id,
        "conversation_id": conv.id,
        "sender_id": msg.sender_id,
        "recipient_id": conv.other(msg.sender_id),
        "status": queue.PENDING,
        "verdict": dict(msg.moderation or {}),
        "created_at": msg.created_at,
        "decided_by": None,
        "decided_at": None,
        "text": msg.text,
    }
