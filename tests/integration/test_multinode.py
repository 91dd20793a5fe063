"""Two hub processes sharing MariaDB and Redis: cross-node chat, ordering, idempotency."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hub.settings import Settings
from tests.support import services
from tests.support.client import Client
from tests.support.harness import SECRET, HubHarness, uid
from tests.support.nodes import Node


@pytest.fixture
async def two_nodes(tmp_path: Path, mariadb: str) -> AsyncIterator[tuple[HubHarness, HubHarness]]:
    services.require("redis")
    env = {
        "HUB_DATABASE_URL": services.MARIADB_URL,
        "HUB_REDIS_URL": services.REDIS_URL,
        "HUB_JWT_SECRET": SECRET,
        "HUB_MODERATION_ENABLED": "false",
        "HUB_DATA_DIR": str(tmp_path),
        "HUB_SEED_DEMO": "false",
        "HUB_SHUTDOWN_GRACE_S": "1",
    }
    nodes = [Node(env, tmp_path / f"node{i}.log") for i in range(2)]
    try:
        for n in nodes:
            await n.start()
        await asyncio.gather(*(n.ready() for n in nodes))
        settings = Settings(jwt_secret=SECRET, database_url=services.MARIADB_URL, data_dir=tmp_path)
        harnesses = [HubHarness(n.url, None, settings) for n in nodes]
        yield harnesses[0], harnesses[1]
        for h in harnesses:
            await h.close()
    finally:
        for n in nodes:
            await n.stop()


async def test_users_on_different_nodes_chat(two_nodes: tuple[HubHarness, HubHarness]) -> None:
    a, b = two_nodes
    buyer_id, seller_id = uid("buyer"), uid("seller")
    listing = await a.put_listing(seller_id)
    buyer = await a.client(buyer_id)
    seller = await b.client(seller_id)
    seller_phone = await a.client(seller_id)
    conv = (await buyer.ok("conversation.open", {"listing_id": listing["id"]}))["conversation"]
    sent = (
        await buyer.ok(
            "message.send",
            {"conversation_id": conv["id"], "client_msg_id": "x1", "text": "hi from A"},
        )
    )["message"]
    assert (await seller.next("message.new"))["message"]["id"] == sent["id"]
    assert (await seller_phone.next("message.new"))["message"]["id"] == sent["id"]
    reply = (
        await seller.ok(
            "message.send",
            {"conversation_id": conv["id"], "client_msg_id": "y1", "text": "hi from B"},
        )
    )["message"]
    assert (await buyer.next("message.new"))["message"]["id"] == reply["id"]
    assert (await seller_phone.next("message.new"))["message"]["id"] == reply["id"]
    await seller.quiet("message.new")
    # typing and read receipts cross nodes too
    await seller.ok("typing", {"conversation_id": conv["id"], "typing": True})
    assert (await buyer.next("typing"))["user_id"] == seller_id
    # price updates reach a watcher on the other node
    watcher = await b.client(uid("watcher"))
    await watcher.ok("listing.watch", {"listing_id": listing["id"]})
    await a.put_listing(seller_id, listing_id=listing["id"], price_cents=9_000)
    assert (await watcher.next("listing.price_update"))["price_cents"] == 9_000


async def test_concurrent_sends_from_two_nodes_keep_seq_gap_free(
    two_nodes: tuple[HubHarness, HubHarness],
) -> None:
    a, b = two_nodes
    buyer_id, seller_id = uid("buyer"), uid("seller")
    listing = await a.put_listing(seller_id)
    on_a = await a.client(buyer_id)
    conv = (await on_a.ok("conversation.open", {"listing_id": listing["id"]}))["conversation"]
    senders: list[Client] = [
        on_a,
        await b.client(buyer_id),
        await a.client(seller_id),
        await b.client(seller_id),
    ]

    async def burst(c: Client, k: int) -> None:
        await asyncio.gather(
            *(
                c.ok(
                    "message.send",
                    {"conversation_id": conv["id"], "client_msg_id": f"n{k}-{i}", "text": str(i)},
                )
                for i in range(15)
            )
        )

    await asyncio.gather(*(burst(c, k) for k, c in enumerate(senders)))
    # the same client_msg_id sent to the other node is the same message
    dup = await b.client(buyer_id)
    again = (
        await dup.ok(
            "message.send", {"conversation_id": conv["id"], "client_msg_id": "n0-0", "text": "0"}
        )
    )["message"]
    hist = (await on_a.ok("conversation.history", {"conversation_id": conv["id"], "limit": 100}))[
        "messages"
    ]
    assert [m["seq"] for m in hist] == list(range(1, 61))
    assert again["id"] in {m["id"] for m in hist}
    synced = (await dup.ok("sync", {"cursors": {conv["id"]: 0}}))["messages"]
    assert [m["seq"] for m in synced] == list(range(1, 61))
