"""The hub's read model of listings (the listing service owns the truth)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.errors import NotFound
from storage.tables import listings


@dataclass(frozen=True, slots=True)
class Listing:
    id: str
    seller_id: str
    title: str
    price_cents: int
    currency: str
    status: str
    local_pickup: bool
    updated_at: datetime


def _row(r: sa.Row[tuple[object, ...]]) -> Listing:
    m = r._mapping
    return Listing(
        id=m["id"],
        seller_id=m["seller_id"],
        title=m["title"],
        price_cents=int(m["price_cents"]),
        currency=m["currency"],
        status=m["status"],
        local_pickup=bool(m["local_pickup"]),
        updated_at=m["updated_at"],
    )


async def get(conn: AsyncConnection, listing_id: str, *, for_update: bool = False) -> Listing:
    stmt = sa.select(listings).where(listings.c.id == listing_id)
    if for_update and conn.dialect.name == "mysql":
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    if row is None:
        raise NotFound(f"listing {listing_id} not found")
    return _row(row)


async def find(conn: AsyncConnection, listing_id: str) -> Listing | None:
    row = (await conn.execute(sa.select(listings).where(listings.c.id == listing_id))).first()
    return None if row is None else _row(row)


async def put(conn: AsyncConnection, listing: Listing) -> bool:
    """Create or replace ``listing``. Returns True when it was created."""
    values = {
        "seller_id": listing.seller_id,
        "title": listing.title,
        "price_cents": listing.price_cents,
        "currency": listing.currency,
        "status": listing.status,
        "local_pickup": listing.local_pickup,
        "updated_at": listing.updated_at,
    }
    res = await conn.execute(
        sa.update(listings).where(listings.c.id == listing.id).values(**values)
    )
    if res.rowcount:
        return False
    existing = await find(conn, listing.id)
    if existing is not None:  # MySQL reports 0 rows when nothing changed
        return False
    await conn.execute(sa.insert(listings).values(id=listing.id, **values))
    return True


async def update_fields(
    conn: AsyncConnection, listing_id: str, now: datetime, **fields: object
) -> tuple[Listing, Listing]:
    """Change some fields of a listing; returns (before, after)."""
    before = await get(conn, listing_id, for_update=True)
    await conn.execute(
        sa.update(listings).where(listings.c.id == listing_id).values(updated_at=now, **fields)
    )
    return before, await get(conn, listing_id)
