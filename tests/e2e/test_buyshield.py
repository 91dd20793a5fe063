"""BuyShield end to end with the simulated provider (the embedded default's payments).

Real hub, real Socket.IO clients, on the embedded default and on MariaDB + Redis. The simulated
provider confirms each payment itself shortly after ``buyshield.start`` and sends the hub signed
webhooks, as Stripe's test mode and the app would. tests/integration/test_stripe_localstripe.py
runs the same flow against a Stripe API emulator.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from hub.settings import Settings
from tests.support.buyshield import (
    GIF,
    JPEG,
    audit,
    delete_buyshield_rows,
    status,
    transaction,
    verify,
)
from tests.support.commerce import FakeClock, delete_commerce_rows
from tests.support.harness import HubHarness, uid

HOLD_HOURS = 72


class Shield:
    """A hub with the simulated provider, and the transactions a test made (for cleanup)."""

    def __init__(self, hub: HubHarness, clock: FakeClock) -> None:
        self.hub = hub
        self.clock = clock
        self.txns: list[str] = []

    async def deal(self, **kw: Any) -> dict[str, Any]:
        d = await transaction(self.hub, **kw)
        self.txns.append(d["txn"]["id"])
        return d

    async def held(self) -> dict[str, Any]:
        """A deal whose funds are held; ``code`` is the buyer's release code."""
        d = await self.deal()
        tid = d["txn"]["id"]
        await d["buyer"].ok("buyshield.start", {"transaction_id": tid})
        d["code"] = (await status(d["buyer"], tid, "funds_held"))["release_code"]
        await status(d["seller"], tid, "funds_held")
        return d

    @property
    def provider(self) -> Any:
        return self.hub.hub.buyshield.provider


@pytest.fixture
async def shield(
    hub_factory: Any, settings_factory: Callable[..., Settings]
) -> AsyncIterator[Shield]:
    clock = FakeClock()
    namespace = uid("t")
    settings = settings_factory(
        amqp_namespace=namespace,
        buyshield_simulated_confirm_s=0.1,
        buyshield_sweep_s=0.2,
        buyshield_hold_hours=HOLD_HOURS,
    )
    harness: HubHarness = await hub_factory(settings, clock=clock)
    s = Shield(harness, clock)
    yield s
    if harness.hub.db.dialect == "mysql":
        await delete_buyshield_rows(harness.hub.db, s.txns)
        await delete_commerce_rows(harness.hub.db, namespace, list(harness._listings))
    await harness.close()


async def test_start_hold_verify_release(shield: Shield, tmp_path: Path) -> None:
    d = await shield.deal()
    buyer, seller, tid = d["buyer"], d["seller"], d["txn"]["id"]
    ack = await buyer.ok("buyshield.start", {"transaction_id": tid})
    assert ack["client_secret"].startswith("pi_sim_")
    assert set(ack["buyshield"]) == {
        "transaction_id",
        "status",
        "deadline",
        "updated_at",
        "release_code",
    }
    assert ack["buyshield"]["status"] == "requires_payment"
    assert ack["buyshield"]["release_code"] is None
    for c in (buyer, seller):
        txn = await c.next_where("transaction.update", lambda e: e["transaction"]["id"] == tid)
        assert txn["transaction"]["status"] in ("open", "buyshield")
    held_buyer = await status(buyer, tid, "funds_held")
    held_seller = await status(seller, tid, "funds_held")
    assert re.fullmatch(r"\d{6}", held_buyer["release_code"])
    assert held_seller["release_code"] is None
    assert held_buyer["deadline"] is not None

    code, body = await verify(shield.hub, d["seller_id"], tid, held_buyer["release_code"])
    assert code == 200, body
    assert body["buyshield"]["status"] == "verified"
    assert body["buyshield"]["release_code"] is None
    for c in (buyer, seller):
        await status(c, tid, "verified")
        released = await status(c, tid, "released")
        assert released["release_code"] is None  # the code is spent
        done = await c.next_where(
            "transaction.update",
            lambda e: e["transaction"]["id"] == tid and e["transaction"]["status"] == "completed",
        )
        assert done["transaction"]["amount_cents"] == 9000
    pi = await shield.provider.retrieve(
        (await shield.hub.hub.buyshield.svc.get(tid)).payment_intent_id
    )
    assert pi.status == "succeeded"
    assert [k for k, _ in shield.provider.calls if _ == pi.id] == ["create", "capture"]
    photos = list((shield.hub.settings.data_dir / "photos").iterdir())
    assert [p.name for p in photos] == [f"{tid}-meetup.png"]
    trail = [(r["from_status"], r["to_status"]) for r in await audit(shield.hub.hub.db, tid)]
    assert trail == [
        ("new", "requires_payment"),
        ("requires_payment", "funds_held"),
        ("funds_held", "verified"),
        ("verified", "released"),
    ]


async def test_start_twice_gives_one_payment_intent(shield: Shield) -> None:
    d = await shield.deal()
    tid = d["txn"]["id"]
    first = await d["buyer"].ok("buyshield.start", {"transaction_id": tid})
    again = await d["buyer"].ok("buyshield.start", {"transaction_id": tid})
    assert again["client_secret"] == first["client_secret"]
    creates = [c for c in shield.provider.calls if c[0] == "create"]
    assert len(creates) == 1


async def test_only_the_parties_read_or_act(shield: Shield) -> None:
    d = await shield.held()
    buyer, seller, tid = d["buyer"], d["seller"], d["txn"]["id"]
    stranger_id = uid("stranger")
    stranger = await shield.hub.client(stranger_id)
    for event in ("buyshield.start", "buyshield.cancel", "buyshield.get"):
        await stranger.error(event, {"transaction_id": tid}, "forbidden")
    await stranger.error("buyshield.dispute", {"transaction_id": tid, "reason": "x"}, "forbidden")
    await seller.error("buyshield.start", {"transaction_id": tid}, "forbidden")
    await seller.error("buyshield.cancel", {"transaction_id": tid}, "forbidden")
    await buyer.error("buyshield.get", {"transaction_id": "no-such-txn"}, "not_found")
    await buyer.error("buyshield.start", {"transaction_id": ""}, "invalid")
    assert (await seller.ok("buyshield.get", {"transaction_id": tid}))["buyshield"][
        "release_code"
    ] is None
    mine = await buyer.ok("buyshield.get", {"transaction_id": tid})
    assert mine["buyshield"]["release_code"] == d["code"]
    for who in (stranger_id, d["buyer_id"]):
        code, body = await verify(shield.hub, who, tid, d["code"])
        assert code == 403, body
        assert body["error"]["code"] == "forbidden"
    await stranger.quiet("buyshield.status")


async def test_wrong_codes_lock_the_escrow_for_moderators(shield: Shield) -> None:
    moderator = await shield.hub.client(uid("mod"), role="moderator", namespace="/moderation")
    d = await shield.held()
    tid = d["txn"]["id"]
    wrong = f"{(int(d['code']) + 1) % 10**6:06d}"
    for _ in range(5):
        code, body = await verify(shield.hub, d["seller_id"], tid, wrong)
        assert code == 403, body
    item = await moderator.next("dispute.item")
    assert item["transaction_id"] == tid
    assert item["locked"] is True
    assert item["release_code"] is None
    code, body = await verify(shield.hub, d["seller_id"], tid, d["code"])
    assert code == 409, body
    assert body["error"]["code"] == "conflict"
    listed = await moderator.ok("dispute.list", {})
    assert tid in [i["transaction_id"] for i in listed["items"]]


async def test_photo_type_and_size_are_checked(shield: Shield) -> None:
    d = await shield.held()
    tid = d["txn"]["id"]
    code, body = await verify(shield.hub, d["seller_id"], tid, d["code"], GIF)
    assert (code, body["error"]["code"]) == (400, "invalid")
    big = JPEG + b"\x00" * (10 * 1024 * 1024)
    code, body = await verify(shield.hub, d["seller_id"], tid, d["code"], big)
    assert (code, body["error"]["code"]) == (413, "too_large")
    code, body = await verify(shield.hub, d["seller_id"], tid, "12ab56")
    assert (code, body["error"]["code"]) == (400, "invalid")
    code, body = await verify(shield.hub, d["seller_id"], tid, d["code"], JPEG)
    assert code == 200, body


async def test_buyer_cancels_and_the_hold_is_released(shield: Shield) -> None:
    d = await shield.held()
    buyer, seller, tid = d["buyer"], d["seller"], d["txn"]["id"]
    ack = await buyer.ok("buyshield.cancel", {"transaction_id": tid})
    assert ack["buyshield"]["status"] == "cancelled"
    await status(seller, tid, "cancelled")
    await seller.next_where(
        "transaction.update",
        lambda e: e["transaction"]["id"] == tid and e["transaction"]["status"] == "cancelled",
    )
    await buyer.error("buyshield.cancel", {"transaction_id": tid}, "conflict")
    pi_id = (await shield.hub.hub.buyshield.svc.get(tid)).payment_intent_id
    await _eventually(lambda: ("cancel", pi_id) in shield.provider.calls)
    assert (await shield.provider.retrieve(pi_id)).status == "canceled"


async def test_hold_expires_at_the_deadline(shield: Shield) -> None:
    d = await shield.held()
    buyer, seller, tid = d["buyer"], d["seller"], d["txn"]["id"]
    shield.clock.advance(HOLD_HOURS * 3600 - 60)
    await buyer.quiet("buyshield.status", within=0.6)
    shield.clock.advance(120)
    for c in (buyer, seller):
        expired = await status(c, tid, "expired")
        assert expired["release_code"] is None
    pi_id = (await shield.hub.hub.buyshield.svc.get(tid)).payment_intent_id
    await _eventually(lambda: ("cancel", pi_id) in shield.provider.calls)
    assert [c for c in shield.provider.calls if c == ("cancel", pi_id)] == [("cancel", pi_id)]


async def test_dispute_resolved_by_a_moderator(shield: Shield) -> None:
    moderator_id = uid("mod")
    moderator = await shield.hub.client(moderator_id, role="moderator", namespace="/moderation")
    d = await shield.held()
    buyer, seller, tid = d["buyer"], d["seller"], d["txn"]["id"]
    ack = await seller.ok("buyshield.dispute", {"transaction_id": tid, "reason": "no show"})
    assert ack["buyshield"]["status"] == "disputed"
    item = await moderator.next("dispute.item")
    assert (item["transaction_id"], item["reason"], item["locked"]) == (tid, "no show", False)
    await status(buyer, tid, "disputed")
    resolve = {"transaction_id": tid, "action": "refund", "note": "seller did not come"}
    out = await moderator.ok("dispute.resolve", resolve)
    assert out["buyshield"]["status"] == "refunded"
    await moderator.error("dispute.resolve", resolve, "conflict")
    await status(buyer, tid, "refunded")
    last = (await audit(shield.hub.hub.db, tid))[-1]
    assert (last["to_status"], last["actor"], last["reason"]) == (
        "refunded",
        moderator_id,
        "seller did not come",
    )
    pi_id = (await shield.hub.hub.buyshield.svc.get(tid)).payment_intent_id
    await _eventually(lambda: ("cancel", pi_id) in shield.provider.calls)


async def test_start_needs_local_pickup(shield: Shield) -> None:
    d = await shield.deal(local_pickup=False)
    await d["buyer"].error("buyshield.start", {"transaction_id": d["txn"]["id"]}, "conflict")


async def _eventually(pred: Callable[[], bool], within: float = 10) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not pred():
        assert loop.time() < end, "condition never became true"
        await asyncio.sleep(0.05)
