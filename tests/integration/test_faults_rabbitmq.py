"""Faults against the real broker: RabbitMQ stopped during a burst, a worker killed mid-message.

These stop the shared RabbitMQ application for a few seconds (and always start it again).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from storage.tables import outbox, processed_messages
from tests.conftest import migrate_mariadb
from tests.support import services
from tests.support.commerce import Cluster, broker_stopped, commerce_counts, pair_across

pytestmark = [pytest.mark.services, pytest.mark.slow]


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


async def offer(buyer: Any, conv: dict[str, Any]) -> dict[str, Any]:
    body = {"conversation_id": conv["id"], "amount_cents": 3100, "client_msg_id": uuid.uuid4().hex}
    made: dict[str, Any] = (await buyer.ok("offer.make", body))["offer"]
    return made


async def test_broker_down_during_a_burst_of_accepts_loses_and_doubles_nothing(
    cluster: Cluster,
) -> None:
    await cluster.worker()
    node = await cluster.node()
    pairs = [await pair_across(node, node) for _ in range(8)]
    offers = [await offer(buyer, conv) for buyer, _, _, conv in pairs]
    txns: dict[str, dict[str, Any]] = {}
    async with broker_stopped():
        acks = await asyncio.gather(
            *(
                seller.ok("offer.accept", {"offer_id": o["id"]})
                for (_, seller, _, _), o in zip(pairs, offers, strict=True)
            )
        )
        txns = {a["transaction"]["offer_id"]: a["transaction"] for a in acks}
        listing_ids = [p[2]["id"] for p in pairs]
        during = await commerce_counts(node.hub.db, cluster.namespace, listing_ids)
        assert during["unsent"] >= 8  # the commands wait in the outbox
        await asyncio.sleep(3)
    for (buyer, seller, _, _), o in zip(pairs, offers, strict=True):
        for c in (buyer, seller):
            pushed = await c.next("transaction.update", timeout=60)
            assert pushed["transaction"] == txns[o["id"]]
    for buyer, _, _, _ in pairs:
        await buyer.quiet("transaction.update", within=0.2)
    after = await commerce_counts(node.hub.db, cluster.namespace, listing_ids)
    assert after["transactions"] == after["holds"] == after["processed"] == 8
    assert after["updated_events"] == 8
    assert after["unsent"] == 0  # the outbox drained after the restart


async def test_worker_killed_mid_message_is_redelivered_and_processed_once(
    cluster: Cluster,
) -> None:
    slow = await cluster.worker(HUB_TESTING_COMMERCE_HANDLER_DELAY_S="60")
    node = await cluster.node()
    buyer, seller, listing, conv = await pair_across(node, node)
    made = await offer(buyer, conv)
    txn = (await seller.ok("offer.accept", {"offer_id": made["id"]}))["transaction"]
    await slow.wait_for(f"transaction {txn['id']} (delivery 1)", 20)
    slow.kill()
    await slow.stop()
    fresh = await cluster.worker()
    await fresh.wait_for(f"transaction {txn['id']} (delivery 2)", 30)
    for c in (buyer, seller):
        pushed = await c.next("transaction.update", timeout=30)
        assert pushed["transaction"] == txn
    await buyer.quiet("transaction.update", within=0.5)
    counts = await commerce_counts(node.hub.db, cluster.namespace, [listing["id"]])
    assert counts["transactions"] == counts["holds"] == counts["processed"] == 1
    assert counts["updated_events"] == 1
    async with node.hub.db.read() as conn:
        command = (
            await conn.execute(
                sa.select(outbox.c.message_id).where(
                    outbox.c.exchange == f"{cluster.namespace}.commands"
                )
            )
        ).scalar_one()
        seen = (
            await conn.execute(
                sa.select(sa.func.count())
                .select_from(processed_messages)
                .where(processed_messages.c.message_id == command)
            )
        ).scalar_one()
    assert seen == 1
