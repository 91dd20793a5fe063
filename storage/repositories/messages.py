"""Chat messages with a gap-free ``seq`` per conversation."""

from __future__ import annotations

import functools
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.engine import is_unique_violation
from storage.errors import Conflict, NotFound
from storage.tables import conversations, messages


class DuplicateMessage(Conflict):
    """A message with this (sender, client_msg_id) exists; the transaction must be rolled back."""


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    conversation_id: str
    seq: int
    sender_id: str
    kind: str
    text: str
    status: str
    visible_to: str | None
    client_msg_id: str | None
    offer_id: str | None
    moderation: Mapping[str, Any] | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewMessage:
    conversation_id: str
    sender_id: str
    kind: str
    text: str
    status: str = "delivered"
    visible_to: str | None = None
    client_msg_id: str | None = None
    offer_id: str | None = None
    moderation: Mapping[str, Any] | None = None


def _row(r: sa.Row[tuple[object, ...]]) -> Message:
    m = r._mapping
    return Message(
        id=m["id"],
        conversation_id=m["conversation_id"],
        seq=int(m["seq"]),
        sender_id=m["sender_id"],
        kind=m["kind"],
        text=m["text"],
        status=m["status"],
        visible_to=m["visible_to"],
        client_msg_id=m["client_msg_id"],
        offer_id=m["offer_id"],
        moderation=m["moderation"],
        created_at=m["created_at"],
    )


async def append(conn: AsyncConnection, new: NewMessage, now: datetime) -> Message:
    """Store ``new`` with the conversation's next seq (see :func:`append_many`)."""
    return (await append_many(conn, [new], now))[0]


async def append_many(
    conn: AsyncConnection, news: Sequence[NewMessage], now: datetime
) -> list[Message]:
    """Store ``news`` in order, each with its conversation's next seq; the stored messages.

    One UPDATE takes a block of seqs for every conversation involved and locks their rows, so
    concurrent appends from any number of hub nodes serialize per conversation: no seq is taken
    twice and a rolled-back append leaves no gap. One SELECT reads the blocks back and one
    INSERT stores every row. A repeated (sender, client_msg_id) raises DuplicateMessage, after
    which the transaction must be rolled back (the caller retries the messages one by one).
    """
    counts = Counter(n.conversation_id for n in news)
    ids = sorted(counts)  # one lock order for every writer
    bump, last = _seq_statements(len(ids))
    params: dict[str, Any] = {"now": now}
    for i, cid in enumerate(ids):
        params[f"c{i}"] = cid
        params[f"k{i}"] = counts[cid]
    res = await conn.execute(bump, params)
    if res.rowcount != len(ids):
        raise NotFound(f"conversation not found among {', '.join(ids)}")
    # The first seq of each conversation's block; the rows stay locked until commit.
    rows = (await conn.execute(last, params)).all()
    nxt = {cid: int(seq) - counts[cid] + 1 for cid, seq in rows}
    out = []
    for new in news:
        out.append(_stored(new, nxt[new.conversation_id], now))
        nxt[new.conversation_id] += 1
    try:
        await conn.execute(_INSERT, [_values(m) for m in out])
    except exc.IntegrityError as e:
        if is_unique_violation(e):
            raise DuplicateMessage("duplicate (sender_id, client_msg_id)") from e
        raise
    return out


_INSERT = sa.insert(messages)


@functools.lru_cache(maxsize=256)
def _seq_statements(k: int) -> tuple[sa.Update, sa.Select[str, int]]:
    """For ``k`` conversations (ids c0.., counts k0..): the UPDATE that takes each one's block
    of seqs and the SELECT that reads the blocks' ends. Built once per size: a statement used
    again skips SQLAlchemy's construction and cache-key work."""
    ids = [sa.bindparam(f"c{i}", type_=conversations.c.id.type) for i in range(k)]
    counts = [sa.bindparam(f"k{i}", type_=sa.BigInteger) for i in range(k)]
    bump = sa.case(*((conversations.c.id == c, n) for c, n in zip(ids, counts, strict=True)))
    update = (
        sa.update(conversations)
        .where(conversations.c.id.in_(ids))
        .values(
            last_seq=conversations.c.last_seq + bump,
            updated_at=sa.bindparam("now", type_=conversations.c.updated_at.type),
        )
    )
    select = sa.select(conversations.c.id, conversations.c.last_seq).where(
        conversations.c.id.in_(ids)
    )
    return update, select


def _stored(new: NewMessage, seq: int, now: datetime) -> Message:
    return Message(
        id=str(uuid.uuid4()),
        conversation_id=new.conversation_id,
        seq=seq,
        sender_id=new.sender_id,
        kind=new.kind,
        text=new.text,
        status=new.status,
        visible_to=new.visible_to,
        client_msg_id=new.client_msg_id,
        offer_id=new.offer_id,
        moderation=new.moderation,
        created_at=now,
    )


def _values(msg: Message) -> dict[str, Any]:
    return {f: getattr(msg, f) for f in Message.__slots__}


async def by_client_id(conn: AsyncConnection, sender_id: str, client_msg_id: str) -> Message | None:
    stmt = sa.select(messages).where(
        messages.c.sender_id == sender_id, messages.c.client_msg_id == client_msg_id
    )
    row = (await conn.execute(stmt)).first()
    return None if row is None else _row(row)


async def get(conn: AsyncConnection, message_id: str) -> Message:
    row = (await conn.execute(sa.select(messages).where(messages.c.id == message_id))).first()
    if row is None:
        raise NotFound(f"message {message_id} not found")
    return _row(row)


def _visible(viewer: str) -> sa.ColumnElement[bool]:
    return sa.or_(messages.c.visible_to.is_(None), messages.c.visible_to == viewer)


async def history(
    conn: AsyncConnection, conversation_id: str, viewer: str, before_seq: int | None, limit: int
) -> list[Message]:
    """Up to ``limit`` messages visible to ``viewer`` before ``before_seq``, oldest first."""
    stmt = sa.select(messages).where(
        messages.c.conversation_id == conversation_id, _visible(viewer)
    )
    if before_seq is not None:
        stmt = stmt.where(messages.c.seq < before_seq)
    stmt = stmt.order_by(messages.c.seq.desc()).limit(limit)
    rows = [_row(r) for r in await conn.execute(stmt)]
    rows.reverse()
    return rows


async def since(
    conn: AsyncConnection, conversation_id: str, viewer: str, after_seq: int, limit: int
) -> list[Message]:
    """Messages visible to ``viewer`` with seq > ``after_seq``, in order."""
    stmt = (
        sa.select(messages)
        .where(
            messages.c.conversation_id == conversation_id,
            messages.c.seq > after_seq,
            _visible(viewer),
        )
        .order_by(messages.c.seq)
        .limit(limit)
    )
    return [_row(r) for r in await conn.execute(stmt)]


async def last_visible(
    conn: AsyncConnection, conversation_ids: Sequence[str], viewer: str
) -> dict[str, Message]:
    """The newest message visible to ``viewer`` in each conversation."""
    if not conversation_ids:
        return {}
    inner = (
        sa.select(messages.c.conversation_id, sa.func.max(messages.c.seq).label("seq"))
        .where(messages.c.conversation_id.in_(conversation_ids), _visible(viewer))
        .group_by(messages.c.conversation_id)
        .subquery()
    )
    stmt = sa.select(messages).join(
        inner,
        sa.and_(
            messages.c.conversation_id == inner.c.conversation_id, messages.c.seq == inner.c.seq
        ),
    )
    return {m.conversation_id: m for m in (_row(r) for r in await conn.execute(stmt))}


async def set_status(
    conn: AsyncConnection,
    message_id: str,
    *,
    expect: str,
    status: str,
    visible_to: str | None,
) -> bool:
    """Compare-and-set a message's status; False when it was not ``expect`` (someone won)."""
    res = await conn.execute(
        sa.update(messages)
        .where(messages.c.id == message_id, messages.c.status == expect)
        .values(status=status, visible_to=visible_to)
    )
    return bool(res.rowcount)
