"""The commerce flow against real RabbitMQ and MariaDB: hub nodes, worker processes, the DLQ."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aio_pika
import orjson
import pytest
import sqlalchemy as sa

from commerce.bus.base import Envelope, Topology
from commerce.bus.rabbitmq import RabbitBus
from commerce.transactions import TransactionService
from storage.tables import listings
from tests.conftest import migrate_mariadb
from tests.support import services
from tests.support.commerce import Cluster, FakeClock, commerce_counts, dead_letters, pair_across

pytestmark = pytest.mark.services


@pytest.fixture
def broker_and_db() -> None:
    for name in ("mariadb", "redis", "rabbitmq"):
        services.require(name)
    migrate_mariadb()


@pytest.fixture
async def cluster(broker_and_db: None, hub_factory: Any, tmp_path: Path) -> AsyncIterator[Cluster]:
    c = Cluster(hub_factory, tmp_path)
    yield c
    await c.close()


async def test_accepts_reach_the_workers_and_both_parties_two_nodes_two_workers(
    cluster: Cluster,
) -> None:
    await asyncio.gather(cluster.worker(), cluster.worker())
    a, b = await cluster.node(), await cluster.node()
    pairs = [await pair_across(a, b) for _ in range(4)]
    txns = {}
    for buyer, seller, _, conv in pairs:
        body = {
            "conversation_id": conv["id"],
            "amount_cents": 4200,
            "client_msg_id": uuid.uuid4().hex,
        }
        offer = (await buyer.ok("offer.make", body))["offer"]
        ack = await seller.ok("offer.accept", {"offer_id": offer["id"]})
        txns[conv["id"]] = ack["transaction"]
    for buyer, seller, _, conv in pairs:
        expected = txns[conv["id"]]
        for c in (buyer, seller):
            pushed = await c.next("transaction.update", timeout=20)
            assert pushed["transaction"] == expected
    for buyer, seller, _, _ in pairs:  # once each, though both nodes consume every event
        await buyer.quiet("transaction.update")
        await seller.quiet("transaction.update", within=0.05)
    counts = await commerce_counts(a.hub.db, cluster.namespace, [p[2]["id"] for p in pairs])
    assert counts["transactions"] == counts["holds"] == counts["processed"] == 4
    assert counts["updated_events"] == 4
    for worker in cluster.workers:  # SIGTERM: a graceful exit
        assert await worker.stop() == 0
        assert any("worker stopped" in line for line in worker.lines)


async def test_listing_updated_from_another_service_reaches_watchers_once(cluster: Cluster) -> None:
    a, b = await cluster.node(), await cluster.node()
    seller_id = f"seller-{uuid.uuid4().hex[:8]}"
    listing = await a.put_listing(seller_id, price_cents=10_000)
    watcher = await b.client(f"watcher-{uuid.uuid4().hex[:8]}")
    await watcher.ok("listing.watch", {"listing_id": listing["id"]})

    conn = await aio_pika.connect(services.AMQP_URL)
    try:
        channel = await conn.channel(publisher_confirms=True)
        events = await channel.get_exchange(f"{cluster.namespace}.events")
        message = aio_pika.Message(
            orjson.dumps({"listing_id": listing["id"], "price_cents": 8_500}),
            message_id=str(uuid.uuid4()),
            type="listing.updated",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        await events.publish(message, "listing.updated")
        pushed = await watcher.next("listing.price_update", timeout=20)
        assert pushed == {
            "listing_id": listing["id"],
            "old_price_cents": 10_000,
            "price_cents": 8_500,
            "currency": "USD",
        }
        await events.publish(message, "listing.updated")  # the same message_id again
        await watcher.quiet("listing.price_update", within=1.0)
    finally:
        await conn.close()
    async with a.hub.db.read() as db:
        price = (
            await db.execute(
                sa.select(listings.c.price_cents).where(listings.c.id == listing["id"])
            )
        ).scalar_one()
    assert price == 8_500


async def test_poison_messages_end_in_the_dead_letter_queue(
    cluster: Cluster, caplog: pytest.LogCaptureFixture
) -> None:
    node = await cluster.node()  # for its database
    topology = Topology(cluster.namespace)
    bus = RabbitBus(services.AMQP_URL, topology, max_deliveries=3)
    await bus.start()
    service = TransactionService(node.hub.db, topology, FakeClock(), lambda: None)
    try:
        for sub in service.subscriptions():
            await bus.subscribe(sub)
        poison = Envelope(
            str(uuid.uuid4()),
            topology.commands,
            "transaction.create",
            {"transaction_id": str(uuid.uuid4())},
        )
        await bus.publish(poison)
        conn = await aio_pika.connect(services.AMQP_URL)
        try:
            channel = await conn.channel(publisher_confirms=True)
            commands = await channel.get_exchange(topology.commands)
            junk_id = str(uuid.uuid4())
            await commands.publish(
                aio_pika.Message(b"{not json", message_id=junk_id, type="transaction.create"),
                "transaction.create",
            )
        finally:
            await conn.close()
        dead = await dead_letters(cluster.namespace, 2)
    finally:
        await bus.stop_consuming(1)
        await bus.close()
    assert {m.message_id for m in dead} == {poison.message_id, junk_id}
    by_id = {m.message_id: m for m in dead}
    death = by_id[poison.message_id].headers["x-death"][0]
    assert death["reason"] == "rejected"
    assert death["queue"] == f"{cluster.namespace}.transactions"
    failures = [
        r
        for r in caplog.records
        if poison.message_id in r.getMessage() and "failed" in r.getMessage()
    ]
    assert len(failures) == 3  # delivered max_deliveries times, then dead-lettered
    assert orjson.loads(by_id[poison.message_id].body) == dict(poison.body)
    assert service.handled == 0
