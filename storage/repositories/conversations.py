"""Conversations (one per listing and buyer) and their read cursors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.errors import NotFound
from storage.repositories.writes import MAX, PROPOSED, insert_new, upsert
from storage.tables import conversations, messages, read_cursors


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    listing_id: str
    buyer_id: str
    seller_id: str
    last_seq: int
    created_at: datetime

    def participants(self) -> tuple[str, str]:
        return (self.buyer_id, self.seller_id)

    def other(self, user_id: str) -> str:
        return self.seller_id if user_id == self.buyer_id else self.buyer_id


def _row(r: sa.Row[tuple[object, ...]]) -> Conversation:
    m = r._mapping
    return Conversation(
        id=m["id"],
        listing_id=m["listing_id"],
        buyer_id=m["buyer_id"],
        seller_id=m["seller_id"],
        last_seq=int(m["last_seq"]),
        created_at=m["created_at"],
    )


async def get(conn: AsyncConnection, conversation_id: str) -> Conversation:
    stmt = sa.select(conversations).where(conversations.c.id == conversation_id)
    row = (await conn.execute(stmt)).first()
    if row is None:
        raise NotFound(f"conversation {conversation_id} not found")
    return _row(row)


async def find_for(conn: AsyncConnection, listing_id: str, buyer_id: str) -> Conversation | None:
    stmt = sa.select(conversations).where(
        conversations.c.listing_id == listing_id, conversations.c.buyer_id == buyer_id
    )
    row = (await conn.execute(stmt)).first()
    return None if row is None else _row(row)


async def create(
    conn: AsyncConnection, listing_id: str, buyer_id: str, seller_id: str, now: datetime
) -> Conversation | None:
    """Create the conversation; None when one already exists for (listing, buyer)."""
    conv = Conversation(str(uuid.uuid4()), listing_id, buyer_id, seller_id, 0, now)
    values = {
        "id": conv.id,
        "listing_id": listing_id,
        "buyer_id": buyer_id,
        "seller_id": seller_id,
        "last_seq": 0,
        "created_at": now,
        "updated_at": now,
    }
    if not await insert_new(conn, conversations, values):
        return None
    return conv


async def for_user(conn: AsyncConnection, user_id: str, limit: int = 200) -> list[Conversation]:
    """The user's conversations, most recently active first."""
    stmt = (
        sa.select(conversations)
        .where(sa.or_(conversations.c.buyer_id == user_id, conversations.c.seller_id == user_id))
        .order_by(conversations.c.updated_at.desc())
        .limit(limit)
    )
    return [_row(r) for r in await conn.execute(stmt)]


async def for_listing(conn: AsyncConnection, listing_id: str) -> list[Conversation]:
    stmt = sa.select(conversations).where(conversations.c.listing_id == listing_id)
    return [_row(r) for r in await conn.execute(stmt)]


async def mark_read(
    conn: AsyncConnection, conversation_id: str, user_id: str, seq: int, now: datetime
) -> None:
    """Move the user's read cursor forward (never back)."""
    await upsert(
        conn,
        read_cursors,
        {"conversation_id": conversation_id, "user_id": user_id, "seq": seq, "updated_at": now},
        keys=["conversation_id", "user_id"],
        update={"seq": MAX, "updated_at": PROPOSED},
    )


async def unread_counts(
    conn: AsyncConnection, user_id: str, conversation_ids: list[str]
) -> dict[str, int]:
    """Messages from the other party, visible to ``user_id``, after the user's read cursor."""
    if not conversation_ids:
        return {}
    cursor = (
        sa.select(read_cursors.c.seq)
        .where(
            read_cursors.c.conversation_id == messages.c.conversation_id,
            read_cursors.c.user_id == user_id,
        )
        .scalar_subquery()
    )
    stmt = (
        sa.select(messages.c.conversation_id, sa.func.count())
        .where(
            messages.c.conversation_id.in_(conversation_ids),
            messages.c.sender_id != user_id,
            sa.or_(messages.c.visible_to.is_(None), messages.c.visible_to == user_id),
            messages.c.seq > sa.func.coalesce(cursor, 0),
        )
        .group_by(messages.c.conversation_id)
    )
    counts = {cid: 0 for cid in conversation_ids}
    for cid, n in await conn.execute(stmt):
        counts[cid] = int(n)
    return counts
