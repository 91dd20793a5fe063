"""BuyShield's storage: escrows, their audited transitions, and the provider events seen."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from commerce.buyshield import Escrow, Status, Transition, from_row
from commerce.errors import NotFound
from storage.repositories.writes import insert_new
from storage.tables import escrow_transitions, escrows, payment_events

# The columns a transition may change.
_MUTABLE = ("status", "deadline", "held_at", "dispute_reason", "disputed_by", "updated_at")


async def insert(conn: AsyncConnection, escrow: Escrow) -> bool:
    """Store a new escrow; False when the transaction already has one."""
    values: dict[str, Any] = asdict(escrow)
    values["status"] = escrow.status.value
    return await insert_new(conn, escrows, values)


async def find(conn: AsyncConnection, transaction_id: str, *, lock: bool = False) -> Escrow | None:
    stmt = sa.select(escrows).where(escrows.c.transaction_id == transaction_id)
    if lock and conn.dialect.name == "mysql":
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return None if row is None else from_row(row._mapping)


async def get(conn: AsyncConnection, transaction_id: str, *, lock: bool = False) -> Escrow:
    escrow = await find(conn, transaction_id, lock=lock)
    if escrow is None:
        raise NotFound("no BuyShield for this transaction")
    return escrow


async def by_payment_intent(
    conn: AsyncConnection, payment_intent_id: str, *, lock: bool = False
) -> Escrow | None:
    stmt = sa.select(escrows).where(escrows.c.payment_intent_id == payment_intent_id)
    if lock and conn.dialect.name == "mysql":
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return None if row is None else from_row(row._mapping)


async def write(conn: AsyncConnection, t: Transition) -> bool:
    """Store a transition as a compare-and-set on the status, with its audit row."""
    values = {c: getattr(t.after, c) for c in _MUTABLE}
    values["status"] = t.after.status.value
    res = await conn.execute(
        sa.update(escrows)
        .where(
            escrows.c.transaction_id == t.before.transaction_id,
            escrows.c.status == t.before.status.value,
        )
        .values(**values)
    )
    if not res.rowcount:
        return False
    await audit(conn, t.before.transaction_id, t.before.status.value, t, t.after.updated_at)
    return True


async def audit(
    conn: AsyncConnection, transaction_id: str, from_status: str, t: Transition, now: datetime
) -> None:
    await conn.execute(
        sa.insert(escrow_transitions).values(
            transaction_id=transaction_id,
            from_status=from_status,
            to_status=t.after.status.value,
            trigger=t.trigger.value,
            actor=t.actor,
            reason=t.reason,
            created_at=now,
        )
    )


async def count_wrong_code(conn: AsyncConnection, transaction_id: str, now: datetime) -> int:
    """One more wrong code; returns how many there have been."""
    await conn.execute(
        sa.update(escrows)
        .where(escrows.c.transaction_id == transaction_id)
        .values(code_attempts=escrows.c.code_attempts + 1, updated_at=now)
    )
    stmt = sa.select(escrows.c.code_attempts).where(escrows.c.transaction_id == transaction_id)
    return int((await conn.execute(stmt)).scalar_one())


async def set_photo(conn: AsyncConnection, transaction_id: str, key: str) -> None:
    await conn.execute(
        sa.update(escrows).where(escrows.c.transaction_id == transaction_id).values(photo_key=key)
    )


async def first_event(
    conn: AsyncConnection, event_id: str, event_type: str, pi_id: str | None, now: datetime
) -> bool:
    """Record a provider event id; False when it was seen before (a replay)."""
    values = {"id": event_id, "type": event_type, "payment_intent_id": pi_id, "received_at": now}
    return await insert_new(conn, payment_events, values)


async def due(conn: AsyncConnection, now: datetime, limit: int) -> list[str]:
    """Escrows past their deadline that may still expire; locked and skipped by other workers."""
    stmt = (
        sa.select(escrows.c.transaction_id)
        .where(
            escrows.c.status.in_([Status.REQUIRES_PAYMENT.value, Status.FUNDS_HELD.value]),
            escrows.c.deadline <= now,
        )
        .order_by(escrows.c.deadline)
        .limit(limit)
    )
    if conn.dialect.name == "mysql":
        stmt = stmt.with_for_update(skip_locked=True)
    return [r[0] for r in await conn.execute(stmt)]


async def with_status(conn: AsyncConnection, status: Status, limit: int) -> list[Escrow]:
    stmt = (
        sa.select(escrows)
        .where(escrows.c.status == status.value)
        .order_by(escrows.c.updated_at)
        .limit(limit)
    )
    return [from_row(r._mapping) for r in await conn.execute(stmt)]


async def history(conn: AsyncConnection, transaction_id: str) -> list[dict[str, Any]]:
    """The audit trail, oldest first."""
    stmt = (
        sa.select(escrow_transitions)
        .where(escrow_transitions.c.transaction_id == transaction_id)
        .order_by(escrow_transitions.c.id)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]
