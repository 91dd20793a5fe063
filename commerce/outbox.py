"""The transactional outbox, its relay to the bus, and the consumers' processed-message inbox.

A change and the messages it causes are written in one database transaction (:func:`enqueue`);
the :class:`Relay` publishes unsent rows with publisher confirms and marks them sent. Several
relays (hub nodes and workers) may run at once: on MariaDB each claims rows with
``FOR UPDATE SKIP LOCKED``; SQLite has one process. A row confirmed but not yet marked (a crash
in between) is published again: consumers drop what :func:`first_time` has seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from commerce.bus.base import Bus, Envelope
from storage.engine import Database
from storage.repositories.writes import insert_new
from storage.tables import outbox, processed_messages

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


async def enqueue(
    conn: AsyncConnection,
    exchange: str,
    routing_key: str,
    body: Mapping[str, Any],
    now: datetime,
    *,
    correlation_id: str | None = None,
) -> str:
    """Write a message to the outbox inside the caller's transaction; returns its message_id."""
    message_id = str(uuid.uuid4())
    await conn.execute(
        sa.insert(outbox).values(
            message_id=message_id,
            exchange=exchange,
            routing_key=routing_key,
            correlation_id=correlation_id,
            body=dict(body),
            created_at=now,
            sent_at=None,
        )
    )
    return message_id


async def first_time(conn: AsyncConnection, consumer: str, message_id: str, now: datetime) -> bool:
    """Record that ``consumer`` processed ``message_id``; False when it already had.

    Call it first in the transaction that holds the handler's effects: a concurrent duplicate
    waits on the key and then sees it, and a rollback forgets both.
    """
    values = {"consumer": consumer, "message_id": message_id, "processed_at": now}
    return await insert_new(conn, processed_messages, values)


class Relay:
    """Publishes the outbox of some exchanges; woken on new rows, polling as a backstop."""

    def __init__(
        self,
        db: Database,
        bus: Bus,
        exchanges: Collection[str],
        clock: Clock,
        *,
        poll_s: float = 0.5,
        batch: int = 100,
        keep_sent: timedelta = timedelta(days=1),
    ) -> None:
        self._db = db
        self._bus = bus
        self._exchanges = sorted(exchanges)
        self._now = clock
        self._poll = poll_s
        self._batch = batch
        self._keep = keep_sent
        self._wake = asyncio.Event()
        self.published = 0

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Drain forever; a failure (broker away) backs off and tries again."""
        failures = 0
        rounds = 0
        while True:
            try:
                sent = await self.drain_once()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as e:
                failures += 1
                delay = min(self._poll * 2**failures, 5.0)
                log.warning("outbox relay: %s; retrying in %.1fs", e, delay)
                await asyncio.sleep(delay)
                continue
            rounds += 1
            if rounds % 1000 == 0:
                await self._purge()
            if sent < self._batch:
                await self._sleep()

    async def _sleep(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self._poll)
        self._wake.clear()

    async def drain_once(self) -> int:
        """Publish one batch; returns how many were sent. Raises when a publish failed."""
        if self._db.dialect == "mysql":
            return await self._drain_locked()
        return await self._drain_single()

    async def _drain_locked(self) -> int:
        failure: BaseException | None = None
        async with self._db.transaction() as conn:
            rows = await self._unsent(conn, lock=True)
            sent, failure = await self._publish(rows)
            await self._mark(conn, sent)
        if failure is not None:
            raise failure
        return len(sent)

    async def _drain_single(self) -> int:
        async with self._db.read() as conn:
            rows = await self._unsent(conn, lock=False)
        sent, failure = await self._publish(rows)
        if sent:
            async with self._db.transaction() as conn:
                await self._mark(conn, sent)
        if failure is not None:
            raise failure
        return len(sent)

    async def _unsent(self, conn: AsyncConnection, *, lock: bool) -> list[sa.Row[Any]]:
        stmt = (
            sa.select(outbox)
            .where(outbox.c.sent_at.is_(None), outbox.c.exchange.in_(self._exchanges))
            .order_by(outbox.c.id)
            .limit(self._batch)
        )
        if lock:
            stmt = stmt.with_for_update(skip_locked=True)
        return list(await conn.execute(stmt))

    async def _publish(self, rows: list[sa.Row[Any]]) -> tuple[list[int], BaseException | None]:
        """Publish in order; stop at the first failure so later rows keep their place."""
        sent: list[int] = []
        for row in rows:
            m = row._mapping
            env = Envelope(
                m["message_id"], m["exchange"], m["routing_key"], m["body"], m["correlation_id"]
            )
            try:
                await self._bus.publish(env)
            except asyncio.CancelledError:
                raise
            except Exception as e:
                return sent, e
            sent.append(int(m["id"]))
        return sent, None

    async def _mark(self, conn: AsyncConnection, ids: list[int]) -> None:
        if ids:
            await conn.execute(
                sa.update(outbox).where(outbox.c.id.in_(ids)).values(sent_at=self._now())
            )
            self.published += len(ids)

    async def _purge(self) -> None:
        cutoff = self._now() - self._keep
        async with self._db.transaction() as conn:
            await conn.execute(
                sa.delete(outbox).where(outbox.c.sent_at.is_not(None), outbox.c.sent_at < cutoff)
            )

    async def unsent(self) -> int:
        """How many rows of this relay's exchanges wait to be published."""
        async with self._db.read() as conn:
            stmt = (
                sa.select(sa.func.count())
                .select_from(outbox)
                .where(outbox.c.sent_at.is_(None), outbox.c.exchange.in_(self._exchanges))
            )
            return int((await conn.execute(stmt)).scalar_one())
