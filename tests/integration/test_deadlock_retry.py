"""Database.run retries a transaction that InnoDB chose as a deadlock victim, savepoint or not."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.engine import Database
from storage.tables import listings


@pytest.mark.parametrize("in_savepoint", [False, True])
async def test_deadlock_victim_is_retried(mariadb: str, in_savepoint: bool) -> None:
    db = Database(mariadb, pool_size=4)
    a, b = f"dl-{uuid.uuid4().hex[:8]}", f"dl-{uuid.uuid4().hex[:8]}"
    try:
        async with db.transaction() as conn:
            for lid in (a, b):
                await conn.execute(
                    sa.insert(listings).values(
                        id=lid,
                        seller_id="s",
                        title="t",
                        price_cents=1,
                        currency="USD",
                        status="active",
                        local_pickup=False,
                        updated_at=sa.func.now(),
                    )
                )
        both_locked_first = asyncio.Barrier(2)
        attempts = {a: 0, b: 0}

        def worker(first: str, second: str):
            async def work(conn: AsyncConnection) -> None:
                attempts[first] += 1
                await _touch(conn, first)
                if attempts[first] == 1:
                    await both_locked_first.wait()
                if in_savepoint:
                    async with conn.begin_nested():
                        await _touch(conn, second)
                else:
                    await _touch(conn, second)

            return work

        await asyncio.wait_for(asyncio.gather(db.run(worker(a, b)), db.run(worker(b, a))), 60)
        # exactly one of the two was the victim and ran again; both committed in the end
        assert sorted(attempts.values()) == [1, 2]
        async with db.read() as conn:
            prices = (
                (
                    await conn.execute(
                        sa.select(listings.c.price_cents).where(listings.c.id.in_([a, b]))
                    )
                )
                .scalars()
                .all()
            )
        assert sorted(prices) == [3, 3]
    finally:
        async with db.transaction() as conn:
            await conn.execute(sa.delete(listings).where(listings.c.id.in_([a, b])))
        await db.dispose()


async def _touch(conn: AsyncConnection, listing_id: str) -> None:
    await conn.execute(
        sa.update(listings)
        .where(listings.c.id == listing_id)
        .values(price_cents=listings.c.price_cents + 1)
    )
