"""Helpers for commerce tests: a controllable clock, row cleanup, a namespace per test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from storage.engine import Database
from storage.tables import listing_holds, offers, outbox, processed_messages, transactions


class FakeClock:
    """Naive-UTC clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(tzinfo=None)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def delete_commerce_rows(db: Database, namespace: str, listing_ids: list[str]) -> None:
    """Remove what a test wrote to the shared MariaDB (its namespace's messages, its listings)."""
    async with db.transaction() as conn:
        if listing_ids:
            await conn.execute(sa.delete(offers).where(offers.c.listing_id.in_(listing_ids)))
            await conn.execute(
                sa.delete(transactions).where(transactions.c.listing_id.in_(listing_ids))
            )
            await conn.execute(
                sa.delete(listing_holds).where(listing_holds.c.listing_id.in_(listing_ids))
            )
        await conn.execute(sa.delete(outbox).where(outbox.c.exchange.like(f"{namespace}.%")))
        await conn.execute(
            sa.delete(processed_messages).where(
                processed_messages.c.consumer.like(f"{namespace}.%")
            )
        )
