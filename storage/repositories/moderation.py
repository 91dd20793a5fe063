"""The moderators' queue of held messages, and the audit of their decisions."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.engine import is_unique_violation
from storage.errors import Conflict, NotFound
from storage.tables import messages, moderation_decisions, moderation_queue

PENDING = "pending"


@dataclass(frozen=True, slots=True)
class QueueItem:
    message_id: str
    conversation_id: str
    sender_id: str
    recipient_id: str
    status: str
    verdict: Mapping[str, Any]
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    # The held message's text (read from messages; not stored twice).
    text: str = ""


_COLUMNS = (
    "message_id",
    "conversation_id",
    "sender_id",
    "recipient_id",
    "status",
    "verdict",
    "created_at",
    "decided_by",
    "decided_at",
)


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    message_id: str
    moderator_id: str
    action: str
    note: str | None
    created_at: datetime


def _item(r: sa.Row[tuple[object, ...]]) -> QueueItem:
    m = r._mapping
    return QueueItem(
        message_id=m["message_id"],
        conversation_id=m["conversation_id"],
        sender_id=m["sender_id"],
        recipient_id=m["recipient_id"],
        status=m["status"],
        verdict=m["verdict"],
        created_at=m["created_at"],
        decided_by=m["decided_by"],
        decided_at=m["decided_at"],
        text=m.get("text") or "",
    )


def _select() -> sa.Select[tuple[object, ...]]:
    return sa.select(moderation_queue, messages.c.text).join(
        messages, messages.c.id == moderation_queue.c.message_id
    )


async def enqueue(conn: AsyncConnection, item: QueueItem) -> None:
    """Put a held message in the queue; a second enqueue of one message is a Conflict."""
    values = {f: getattr(item, f) for f in _COLUMNS}
    try:
        await conn.execute(sa.insert(moderation_queue).values(**values))
    except exc.IntegrityError as e:
        if is_unique_violation(e):
            raise Conflict(f"message {item.message_id} is already queued") from e
        raise


async def get(conn: AsyncConnection, message_id: str) -> QueueItem:
    stmt = _select().where(moderation_queue.c.message_id == message_id)
    row = (await conn.execute(stmt)).first()
    if row is None:
        raise NotFound(f"no queue item for message {message_id}")
    return _item(row)


async def pending(
    conn: AsyncConnection, limit: int, before: datetime | None = None
) -> list[QueueItem]:
    """Pending items, oldest first (``before``: only those queued before it)."""
    stmt = _select().where(moderation_queue.c.status == PENDING)
    if before is not None:
        stmt = stmt.where(moderation_queue.c.created_at < before)
    stmt = stmt.order_by(moderation_queue.c.created_at, moderation_queue.c.message_id).limit(limit)
    return [_item(r) for r in await conn.execute(stmt)]


async def depth(conn: AsyncConnection) -> int:
    stmt = sa.select(sa.func.count()).where(moderation_queue.c.status == PENDING)
    return int((await conn.execute(stmt)).scalar_one())


async def decide(
    conn: AsyncConnection, message_id: str, *, status: str, moderator_id: str, now: datetime
) -> bool:
    """Compare-and-set a pending item to ``status``; False when it was already decided."""
    res = await conn.execute(
        sa.update(moderation_queue)
        .where(moderation_queue.c.message_id == message_id, moderation_queue.c.status == PENDING)
        .values(status=status, decided_by=moderator_id, decided_at=now)
    )
    return bool(res.rowcount)


async def record(
    conn: AsyncConnection,
    message_id: str,
    moderator_id: str,
    action: str,
    note: str | None,
    now: datetime,
) -> Decision:
    """Append one decision to the audit."""
    decision = Decision(str(uuid.uuid4()), message_id, moderator_id, action, note, now)
    values = {f: getattr(decision, f) for f in Decision.__slots__}
    await conn.execute(sa.insert(moderation_decisions).values(**values))
    return decision


async def decisions_for(conn: AsyncConnection, message_id: str) -> list[Decision]:
    stmt = (
        sa.select(moderation_decisions)
        .where(moderation_decisions.c.message_id == message_id)
        .order_by(moderation_decisions.c.created_at)
    )
    return [Decision(**dict(r._mapping)) for r in await conn.execute(stmt)]


async def decided(
    conn: AsyncConnection,
    limit: int,
    *,
    since: datetime | None = None,
    after: tuple[datetime, str] | None = None,
) -> list[QueueItem]:
    """Decided items (approved or removed) with their text, in the order they were decided
    (``since``: decided at or after it; ``after``: the page after the item decided at that time
    with that message id). What the moderators' decisions teach the next model
    (`hub moderation-export`)."""
    q = moderation_queue.c
    stmt = _select().where(q.status != PENDING, q.decided_at.is_not(None))
    if since is not None:
        stmt = stmt.where(q.decided_at >= since)
    if after is not None:
        at, message_id = after
        stmt = stmt.where(
            sa.or_(q.decided_at > at, sa.and_(q.decided_at == at, q.message_id > message_id))
        )
    stmt = stmt.order_by(q.decided_at, q.message_id).limit(limit)
    return [_item(r) for r in await conn.execute(stmt)]
