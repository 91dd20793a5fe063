"""Helpers for commerce tests: a controllable clock, row cleanup, a namespace per test."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aio_pika
import sqlalchemy as sa

from storage.engine import Database
from storage.tables import listing_holds, offers, outbox, processed_messages, transactions
from tests.support import services


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


# -- RabbitMQ: worker processes, the broker's queues, stopping and restarting it --------------
REPO = Path(__file__).resolve().parents[2]


class WorkerProcess:
    """``python -m hub worker`` as a subprocess, its log collected line by line."""

    def __init__(self, namespace: str, **env: str) -> None:
        self.env = {
            **os.environ,
            "HUB_DATABASE_URL": services.MARIADB_URL,
            "HUB_AMQP_URL": services.AMQP_URL,
            "HUB_AMQP_NAMESPACE": namespace,
            "HUB_OUTBOX_POLL_S": "0.2",
            "HUB_LOG_LEVEL": "INFO",
            **env,
        }
        self.lines: list[str] = []
        self.proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._new_line = asyncio.Event()

    async def start(self, within_s: float = 30) -> WorkerProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "hub",
            "worker",
            cwd=REPO,
            env=self.env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        self._reader = asyncio.create_task(self._read())
        await self.wait_for("worker ready", within_s)
        return self

    async def _read(self) -> None:
        assert self.proc is not None
        assert self.proc.stderr is not None
        async for raw in self.proc.stderr:
            self.lines.append(raw.decode(errors="replace").rstrip())
            self._new_line.set()

    async def wait_for(self, text: str, within_s: float = 30) -> str:
        deadline = asyncio.get_running_loop().time() + within_s
        while True:
            for line in self.lines:
                if text in line:
                    return line
            if self.proc is not None and self.proc.returncode is not None:
                raise AssertionError(f"worker exited: {self.lines[-20:]}")
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"worker never logged {text!r}: {self.lines[-20:]}")
            self._new_line.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_line.wait(), min(left, 0.5))

    def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()

    async def stop(self) -> int | None:
        """SIGTERM, and wait for the graceful exit (SIGKILL after 15 s)."""
        if self.proc is None:
            return None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        if self._reader is not None:
            await asyncio.wait([self._reader], timeout=5)
        return self.proc.returncode


async def delete_broker_namespace(namespace: str) -> None:
    """Delete a test's queues and exchanges from the shared broker."""
    conn = await aio_pika.connect(services.AMQP_URL)
    try:
        for name in ("transactions", "dead", "hub.listings"):
            channel = await conn.channel()
            with contextlib.suppress(aio_pika.exceptions.AMQPError):
                await channel.queue_delete(f"{namespace}.{name}")
        channel = await conn.channel()
        for name in ("commands", "events", "dlx"):
            with contextlib.suppress(aio_pika.exceptions.AMQPError):
                await channel.exchange_delete(f"{namespace}.{name}")
    finally:
        await conn.close()


async def dead_letters(namespace: str, count: int, within_s: float = 30) -> list[Any]:
    """Take ``count`` messages from the namespace's dead-letter queue (acked)."""
    got: list[Any] = []
    conn = await aio_pika.connect(services.AMQP_URL)
    try:
        channel = await conn.channel()
        queue = await channel.get_queue(f"{namespace}.dead", ensure=False)
        deadline = asyncio.get_running_loop().time() + within_s
        while len(got) < count and asyncio.get_running_loop().time() < deadline:
            msg = await queue.get(fail=False)
            if msg is None:
                await asyncio.sleep(0.1)
                continue
            await msg.ack()
            got.append(msg)
    finally:
        await conn.close()
    return got


async def rabbitmqctl(*args: str, within_s: float = 120) -> None:
    proc = await asyncio.create_subprocess_exec(
        "rabbitmqctl", *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(proc.communicate(), within_s)
    assert proc.returncode == 0, f"rabbitmqctl {' '.join(args)}: {err.decode()}"


@contextlib.asynccontextmanager
async def broker_stopped() -> AsyncIterator[None]:
    """Stop the RabbitMQ application; always start it again and wait until it is up."""
    await rabbitmqctl("stop_app")
    try:
        yield
    finally:
        await rabbitmqctl("start_app")
        await rabbitmqctl("await_startup")


class Cluster:
    """Hub nodes and worker processes on MariaDB + Redis + RabbitMQ, in one namespace."""

    def __init__(self, hub_factory: Any, tmp_path: Path) -> None:
        self.namespace = f"t-{os.urandom(5).hex()}"
        self._factory = hub_factory
        self._tmp = tmp_path
        self.nodes: list[Any] = []
        self.workers: list[WorkerProcess] = []

    async def node(self, **overrides: Any) -> Any:
        from tests.conftest import make_settings

        settings = make_settings(
            "production",
            self._tmp,
            amqp_url=services.AMQP_URL,
            amqp_namespace=self.namespace,
            outbox_poll_s=0.2,
            **overrides,
        )
        harness = await self._factory(settings)
        self.nodes.append(harness)
        return harness

    async def worker(self, **env: str) -> WorkerProcess:
        w = WorkerProcess(self.namespace, **env)
        self.workers.append(w)
        return await w.start()

    async def close(self) -> None:
        for w in self.workers:
            await w.stop()
        listing_ids = [lid for n in self.nodes for lid in n._listings]
        if self.nodes:
            await delete_commerce_rows(self.nodes[0].hub.db, self.namespace, listing_ids)
        for n in self.nodes:
            await n.close()
            # Disconnect now: a robust channel would declare the queues again after the delete.
            await n.hub.commerce.bus.stop_consuming(1)
            await n.hub.commerce.bus.close()
        await delete_broker_namespace(self.namespace)


async def pair_across(a: Any, b: Any) -> tuple[Any, Any, dict[str, Any], dict[str, Any]]:
    """A buyer on node ``a``, the seller on node ``b``, a listing and their conversation."""
    buyer_id, seller_id = f"buyer-{os.urandom(6).hex()}", f"seller-{os.urandom(6).hex()}"
    seller = await b.client(seller_id)
    buyer = await a.client(buyer_id)
    listing = await a.put_listing(seller_id)
    conv = (await buyer.ok("conversation.open", {"listing_id": listing["id"]}))["conversation"]
    return buyer, seller, listing, conv


async def commerce_counts(db: Database, namespace: str, listing_ids: list[str]) -> dict[str, int]:
    """Rows the commerce flow wrote for these listings, to check nothing is lost or doubled."""
    async with db.read() as conn:

        async def count(stmt: Any) -> int:
            return int((await conn.execute(stmt)).scalar_one())

        n = sa.func.count()
        return {
            "transactions": await count(
                sa.select(n)
                .select_from(transactions)
                .where(transactions.c.listing_id.in_(listing_ids))
            ),
            "holds": await count(
                sa.select(n)
                .select_from(listing_holds)
                .where(listing_holds.c.listing_id.in_(listing_ids))
            ),
            "processed": await count(
                sa.select(n)
                .select_from(processed_messages)
                .where(processed_messages.c.consumer == f"{namespace}.transactions")
            ),
            "updated_events": await count(
                sa.select(n)
                .select_from(outbox)
                .where(
                    outbox.c.exchange == f"{namespace}.events",
                    outbox.c.routing_key == "transaction.updated",
                )
            ),
            "unsent": await count(
                sa.select(n)
                .select_from(outbox)
                .where(outbox.c.exchange.like(f"{namespace}.%"), outbox.c.sent_at.is_(None))
            ),
        }
