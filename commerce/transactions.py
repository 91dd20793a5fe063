"""Transactions: created when an offer is accepted, handled by the transaction service.

The service consumes ``transaction.create``: it puts a hold on the listing (the listing's sale is
pending; one hold per listing, so a second accepted offer on the same listing is cancelled) and
emits ``transaction.updated``. Both happen in one database transaction with the dedupe record.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from commerce import outbox
from commerce.bus.base import Envelope, Subscription, Topology
from commerce.errors import BadMessage, NotFound
from storage.engine import Database
from storage.repositories.writes import insert_new
from storage.tables import listing_holds, transactions

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]

CREATE = "transaction.create"
UPDATED = "transaction.updated"


class TransactionStatus(StrEnum):
    OPEN = "open"
    BUYSHIELD = "buyshield"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Transaction:
    id: str
    offer_id: str
    listing_id: str
    buyer_id: str
    seller_id: str
    amount_cents: int
    currency: str
    status: str

    def to_json(self) -> dict[str, Any]:
        """The contract's Transaction object (DESIGN.md section 4), also the events' payload."""
        return {
            "id": self.id,
            "offer_id": self.offer_id,
            "listing_id": self.listing_id,
            "buyer_id": self.buyer_id,
            "seller_id": self.seller_id,
            "amount_cents": self.amount_cents,
            "currency": self.currency,
            "status": self.status,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Transaction:
        """Read an event's transaction; BadMessage when it is not one."""
        try:
            txn = cls(
                id=str(data["id"]),
                offer_id=str(data["offer_id"]),
                listing_id=str(data["listing_id"]),
                buyer_id=str(data["buyer_id"]),
                seller_id=str(data["seller_id"]),
                amount_cents=int(data["amount_cents"]),
                currency=str(data["currency"]),
                status=str(TransactionStatus(data["status"])),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise BadMessage(f"not a transaction: {e}") from e
        return txn


def _row(r: sa.Row[Any]) -> Transaction:
    m = r._mapping
    return Transaction(
        m["id"],
        m["offer_id"],
        m["listing_id"],
        m["buyer_id"],
        m["seller_id"],
        int(m["amount_cents"]),
        m["currency"],
        m["status"],
    )


async def create(
    conn: AsyncConnection,
    *,
    offer_id: str,
    listing_id: str,
    buyer_id: str,
    seller_id: str,
    amount_cents: int,
    currency: str,
    now: datetime,
) -> Transaction:
    txn = Transaction(
        str(uuid.uuid4()),
        offer_id,
        listing_id,
        buyer_id,
        seller_id,
        amount_cents,
        currency,
        TransactionStatus.OPEN.value,
    )
    values = txn.to_json()
    await conn.execute(sa.insert(transactions).values(**values, created_at=now, updated_at=now))
    return txn


async def get(conn: AsyncConnection, transaction_id: str) -> Transaction:
    row = (
        await conn.execute(sa.select(transactions).where(transactions.c.id == transaction_id))
    ).first()
    if row is None:
        raise NotFound(f"transaction {transaction_id} not found")
    return _row(row)


async def set_status(
    conn: AsyncConnection, transaction_id: str, *, expect: str, status: str, now: datetime
) -> bool:
    """Compare-and-set the status; False when it was not ``expect``."""
    res = await conn.execute(
        sa.update(transactions)
        .where(transactions.c.id == transaction_id, transactions.c.status == expect)
        .values(status=status, updated_at=now)
    )
    return bool(res.rowcount)


async def hold_listing(
    conn: AsyncConnection, listing_id: str, transaction_id: str, now: datetime
) -> bool:
    """Mark the listing's sale as pending for this transaction; False if another holds it."""
    stmt = sa.select(listing_holds.c.transaction_id).where(listing_holds.c.listing_id == listing_id)
    holder = (await conn.execute(stmt)).scalar_one_or_none()
    if holder is not None:
        return bool(holder == transaction_id)
    values = {"listing_id": listing_id, "transaction_id": transaction_id, "created_at": now}
    return await insert_new(conn, listing_holds, values)


async def listing_held(conn: AsyncConnection, listing_id: str) -> bool:
    stmt = sa.select(listing_holds.c.listing_id).where(listing_holds.c.listing_id == listing_id)
    return (await conn.execute(stmt)).first() is not None


class TransactionService:
    """Consumes ``transaction.create`` on the shared queue ``<ns>.transactions``."""

    def __init__(
        self,
        db: Database,
        topology: Topology,
        clock: Clock,
        wake_relay: Callable[[], None],
        *,
        handler_delay_s: float = 0.0,
    ) -> None:
        self._db = db
        self._topology = topology
        self._now = clock
        self._wake = wake_relay
        # Test-only: sleep inside the handler, before its commit, so a test can kill the worker
        # with the message in flight. 0 (off) unless HUB_TESTING_COMMERCE_HANDLER_DELAY_S.
        self._delay = handler_delay_s
        self.queue = topology.queue("transactions")
        self.handled = 0

    def subscriptions(self) -> list[Subscription]:
        return [Subscription(self.queue, self._topology.commands, (CREATE,), self.handle)]

    async def handle(self, env: Envelope) -> None:
        if env.type != CREATE:
            raise BadMessage(f"{self.queue} does not handle {env.type}")
        transaction_id = env.body.get("transaction_id")
        if not isinstance(transaction_id, str):
            raise BadMessage("transaction.create needs a transaction_id")
        log.info(
            "%s %s: transaction %s (delivery %d)",
            env.type,
            env.message_id,
            transaction_id,
            env.delivery,
        )
        if self._delay > 0:
            await asyncio.sleep(self._delay)

        async def work(conn: AsyncConnection) -> bool:
            now = self._now()
            if not await outbox.first_time(conn, self.queue, env.message_id, now):
                return False
            txn = await get(conn, transaction_id)
            if not await hold_listing(conn, txn.listing_id, txn.id, now):
                await set_status(
                    conn, txn.id, expect=txn.status, status=TransactionStatus.CANCELLED, now=now
                )
                txn = await get(conn, txn.id)
            await outbox.enqueue(
                conn,
                self._topology.events,
                UPDATED,
                {"transaction": txn.to_json()},
                now,
                correlation_id=env.correlation_id or env.message_id,
            )
            return True

        if await self._db.run(work):
            self.handled += 1
            self._wake()
        else:
            log.info("%s %s already processed; acking", env.type, env.message_id)
