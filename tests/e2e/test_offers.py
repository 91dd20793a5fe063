"""Offers over real Socket.IO clients, on the embedded default and on MariaDB + Redis.

The commerce services run in the hub process here (no HUB_AMQP_URL): the in-process bus with the
same outbox and relay. tests/integration/test_bus_rabbitmq.py runs them against RabbitMQ.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import sqlalchemy as sa

from hub.settings import Settings
from storage.tables import listing_holds, transactions
from tests.support.client import Client
from tests.support.commerce import FakeClock, delete_commerce_rows
from tests.support.harness import HubHarness, uid

TTL_S = 3600.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def hub(
    hub_factory: Any, settings_factory: Callable[..., Settings], clock: FakeClock
) -> AsyncIterator[HubHarness]:
    namespace = uid("t")
    settings = settings_factory(amqp_namespace=namespace, offer_ttl_s=TTL_S, offer_sweep_s=3600)
    harness: HubHarness = await hub_factory(settings, clock=clock)
    yield harness
    if harness.hub.db.dialect == "mysql":
        await delete_commerce_rows(harness.hub.db, namespace, list(harness._listings))
    await harness.close()


async def make(buyer: Client, conv: dict[str, Any], amount: int, **kw: Any) -> dict[str, Any]:
    body = {"conversation_id": conv["id"], "amount_cents": amount, "client_msg_id": uid("m"), **kw}
    offer: dict[str, Any] = (await buyer.ok("offer.make", body))["offer"]
    return offer


async def updated(c: Client, offer_id: str, status: str) -> dict[str, Any]:
    pushed = await c.next_where(
        "offer.updated", lambda e: e["offer"]["id"] == offer_id and e["offer"]["status"] == status
    )
    offer: dict[str, Any] = pushed["offer"]
    return offer


async def test_make_counter_counter_accept_creates_a_transaction(hub: HubHarness) -> None:
    buyer, seller, listing, conv = await hub.pair()
    first = await make(buyer, conv, 8000)
    assert first["status"] == "pending"
    assert first["made_by"] == conv["buyer_id"]
    assert first["currency"] == listing["currency"]
    assert first["parent_id"] is None
    assert set(first) == {
        "id",
        "conversation_id",
        "listing_id",
        "buyer_id",
        "seller_id",
        "made_by",
        "amount_cents",
        "currency",
        "status",
        "parent_id",
        "expires_at",
        "created_at",
    }
    for c in (buyer, seller):
        assert (await updated(c, first["id"], "pending"))["amount_cents"] == 8000
    line = (await seller.next("message.new"))["message"]
    assert line["kind"] == "offer"
    assert line["offer_id"] == first["id"]
    assert line["text"] == "Offer: $80.00"

    second = (await seller.ok("offer.counter", {"offer_id": first["id"], "amount_cents": 9500}))[
        "offer"
    ]
    assert second["parent_id"] == first["id"]
    assert second["made_by"] == conv["seller_id"]
    await updated(buyer, first["id"], "countered")
    await updated(buyer, second["id"], "pending")

    third = (await buyer.ok("offer.counter", {"offer_id": second["id"], "amount_cents": 9000}))[
        "offer"
    ]
    assert third["status"] == "pending"
    assert third["amount_cents"] == 9000

    ack = await seller.ok("offer.accept", {"offer_id": third["id"]})
    assert ack["offer"]["status"] == "accepted"
    txn = ack["transaction"]
    assert txn["status"] == "open"
    assert txn["offer_id"] == third["id"]
    assert txn["amount_cents"] == 9000
    for c in (buyer, seller):
        await updated(c, third["id"], "accepted")
        pushed = await c.next_where(
            "transaction.update", lambda e: e["transaction"]["id"] == txn["id"]
        )
        assert pushed["transaction"] == txn
    await buyer.quiet("transaction.update")

    history = (await buyer.ok("conversation.history", {"conversation_id": conv["id"]}))["messages"]
    assert [m["text"] for m in history] == [
        "Offer: $80.00",
        "Countered: $95.00",
        "Countered: $90.00",
        "Accepted: $90.00",
    ]
    assert all(m["kind"] == "offer" for m in history)
    synced = (await seller.ok("sync", {"cursors": {conv["id"]: 1}}))["messages"]
    assert [m["seq"] for m in synced] == [2, 3, 4]
    async with hub.hub.db.read() as conn:
        holds = (
            (
                await conn.execute(
                    sa.select(listing_holds.c.transaction_id).where(
                        listing_holds.c.listing_id == listing["id"]
                    )
                )
            )
            .scalars()
            .all()
        )
    assert holds == [txn["id"]]
    # the listing now has a sale in progress: no more offers on it
    await buyer.error(
        "offer.make",
        {"conversation_id": conv["id"], "amount_cents": 100, "client_msg_id": uid("m")},
        "conflict",
    )


async def test_decline(hub: HubHarness) -> None:
    buyer, seller, _, conv = await hub.pair()
    offer = await make(buyer, conv, 5000)
    ack = await seller.ok("offer.decline", {"offer_id": offer["id"]})
    assert ack["offer"]["status"] == "declined"
    await updated(buyer, offer["id"], "declined")
    await updated(seller, offer["id"], "declined")
    await buyer.error("offer.accept", {"offer_id": offer["id"]}, "forbidden")
    await seller.error("offer.accept", {"offer_id": offer["id"]}, "conflict")
    again = await make(buyer, conv, 5500)  # a decided offer frees the conversation
    assert again["status"] == "pending"


async def test_withdraw(hub: HubHarness) -> None:
    buyer, seller, _, conv = await hub.pair()
    offer = await make(buyer, conv, 5000)
    await seller.error("offer.withdraw", {"offer_id": offer["id"]}, "forbidden")
    ack = await buyer.ok("offer.withdraw", {"offer_id": offer["id"]})
    assert ack["offer"]["status"] == "withdrawn"
    await updated(seller, offer["id"], "withdrawn")
    await buyer.error("offer.withdraw", {"offer_id": offer["id"]}, "conflict")
    history = (await seller.ok("conversation.history", {"conversation_id": conv["id"]}))["messages"]
    assert [m["text"] for m in history] == ["Offer: $50.00", "Withdrawn: $50.00"]


async def test_expiry_with_a_controlled_clock(hub: HubHarness, clock: FakeClock) -> None:
    buyer, seller, _, conv = await hub.pair()
    offer = await make(buyer, conv, 5000)
    assert await hub.hub.commerce.offers.sweep() == 0
    clock.advance(TTL_S - 1)
    assert await hub.hub.commerce.offers.sweep() == 0
    clock.advance(2)
    # the sweep has not run yet, but an expired offer can no longer be accepted
    await seller.error("offer.accept", {"offer_id": offer["id"]}, "conflict")
    assert await hub.hub.commerce.offers.sweep() == 1
    for c in (buyer, seller):
        assert (await updated(c, offer["id"], "expired"))["amount_cents"] == 5000
    assert await hub.hub.commerce.offers.sweep() == 0
    history = (await buyer.ok("conversation.history", {"conversation_id": conv["id"]}))["messages"]
    assert history[-1]["text"] == "Expired: $50.00"
    assert history[-1]["offer_id"] == offer["id"]


async def test_refusals(hub: HubHarness) -> None:
    buyer, seller, listing, conv = await hub.pair()
    stranger = await hub.client(uid("stranger"))

    def body(amount: Any, **kw: Any) -> dict[str, Any]:
        return {
            "conversation_id": conv["id"],
            "amount_cents": amount,
            "client_msg_id": uid("m"),
            **kw,
        }

    await seller.error("offer.make", body(5000), "forbidden")
    await stranger.error("offer.make", body(5000), "forbidden")
    for bad in (0, -100, "ten", 10.5, None):
        await buyer.error("offer.make", body(bad), "invalid")
    await buyer.error("offer.make", body(5000, currency="EUR"), "invalid")
    await buyer.error(
        "offer.make",
        {"conversation_id": uid("c"), "amount_cents": 5, "client_msg_id": uid("m")},
        "not_found",
    )
    offer = await make(buyer, conv, 5000, currency="USD")
    await buyer.error("offer.make", body(6000), "conflict")  # one pending offer per conversation
    await buyer.error("offer.accept", {"offer_id": offer["id"]}, "forbidden")  # its own
    await buyer.error("offer.counter", {"offer_id": offer["id"], "amount_cents": 1}, "forbidden")
    await stranger.error("offer.decline", {"offer_id": offer["id"]}, "forbidden")
    await seller.error("offer.counter", {"offer_id": offer["id"], "amount_cents": 0}, "invalid")
    await seller.error("offer.accept", {"offer_id": uid("o")}, "not_found")
    await seller.error("offer.accept", {}, "invalid")
    await seller.error("offer.accept", {"offer_id": offer["id"], "extra": 1}, "invalid")

    await hub.put_listing(conv["seller_id"], listing_id=listing["id"], status="sold")
    await seller.error("offer.accept", {"offer_id": offer["id"]}, "conflict")
    await seller.error("offer.counter", {"offer_id": offer["id"], "amount_cents": 4000}, "conflict")
    await buyer.ok("offer.withdraw", {"offer_id": offer["id"]})
    await buyer.error("offer.make", body(5000), "conflict")  # sold listing
    await hub.put_listing(conv["seller_id"], listing_id=listing["id"], status="removed")
    await buyer.error("offer.make", body(5000), "conflict")


async def test_offer_make_is_idempotent_per_client_msg_id(hub: HubHarness) -> None:
    buyer, seller, _, conv = await hub.pair()
    body = {"conversation_id": conv["id"], "amount_cents": 7000, "client_msg_id": uid("m")}
    first = (await buyer.ok("offer.make", body))["offer"]
    again = (await buyer.ok("offer.make", body))["offer"]
    assert again == first
    await updated(seller, first["id"], "pending")
    await seller.quiet("offer.updated")


async def test_two_accepts_at_once_give_one_transaction(hub: HubHarness) -> None:
    buyer, seller, _, conv = await hub.pair()
    seller2 = await hub.client(conv["seller_id"])
    offer = await make(buyer, conv, 6000)
    acks = await asyncio.gather(
        seller.call("offer.accept", {"offer_id": offer["id"]}),
        seller2.call("offer.accept", {"offer_id": offer["id"]}),
    )
    assert sorted(a["ok"] for a in acks) == [False, True], acks
    loser = next(a for a in acks if not a["ok"])
    assert loser["error"]["code"] == "conflict"
    async with hub.hub.db.read() as conn:
        count = (
            await conn.execute(
                sa.select(sa.func.count())
                .select_from(transactions)
                .where(transactions.c.offer_id == offer["id"])
            )
        ).scalar_one()
    assert count == 1
    await buyer.next("transaction.update")
    await buyer.quiet("transaction.update")
