"""BuyShield against localstripe, a stateful Stripe API emulator run as a local process.

The hub talks to it with the official SDK's async client (``HUB_STRIPE_API_BASE``), and
localstripe sends the hub signed webhooks. Where localstripe lacks what Stripe does (see
tests/support/localstripe.py), the test plays Stripe's part and says so:
- no ``payment_intent.amount_capturable_updated``: once the card is confirmed at localstripe
  (the intent really is ``requires_capture`` there), the test signs and sends that event with
  the intent exactly as localstripe returns it;
- no ``charge.dispute.created``: the test sends it the same way;
- ``Idempotency-Key`` is ignored, so "one PaymentIntent" here shows the hub's own guarantee
  (it reuses the stored intent); Stripe's replay of a key is not exercised.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from commerce.bus.base import Envelope
from hub.settings import Settings
from tests.support.buyshield import (
    audit,
    delete_buyshield_rows,
    event,
    post_webhook,
    signed,
    status,
    transaction,
    verify,
)
from tests.support.commerce import FakeClock, delete_commerce_rows
from tests.support.harness import HubHarness, uid
from tests.support.localstripe import API_KEY, LocalStripe, running

SECRET = "whsec_test_localstripe_0123456789abcdef"
HOLD_HOURS = 72


@pytest.fixture(scope="module")
def localstripe_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running(tmp_path_factory.mktemp("localstripe") / "localstripe.log") as url:
        yield url


class Stripe:
    def __init__(self, hub: HubHarness, ls: LocalStripe, clock: FakeClock) -> None:
        self.hub = hub
        self.ls = ls
        self.clock = clock
        self.txns: list[str] = []

    async def started(self) -> tuple[dict[str, Any], str]:
        d = await transaction(self.hub)
        tid = d["txn"]["id"]
        self.txns.append(tid)
        ack = await d["buyer"].ok("buyshield.start", {"transaction_id": tid})
        assert ack["client_secret"].startswith("pi_")
        return d, ack["client_secret"].split("_secret_")[0]

    async def held(self) -> tuple[dict[str, Any], str, str]:
        """Started, confirmed with a test card at localstripe, and the hold reported."""
        d, pi_id = await self.started()
        await self.ls.confirm_with_card(pi_id)
        intent = await self.ls.intent(pi_id)
        assert intent["status"] == "requires_capture"
        # localstripe sends no amount_capturable_updated: send Stripe's event for it.
        payload, header = signed(event("payment_intent.amount_capturable_updated", intent), SECRET)
        assert (await post_webhook(self.hub, payload, header))[0] == 200
        code = (await status(d["buyer"], d["txn"]["id"], "funds_held"))["release_code"]
        return d, pi_id, code

    async def intent_becomes(self, pi_id: str, wanted: str, within: float = 15) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        end = loop.time() + within
        while True:
            intent = await self.ls.intent(pi_id)
            if intent["status"] == wanted or loop.time() > end:
                assert intent["status"] == wanted, intent
                return intent
            await asyncio.sleep(0.1)


@pytest.fixture
async def stripe(
    hub_factory: Any, settings_factory: Callable[..., Settings], localstripe_url: str
) -> AsyncIterator[Stripe]:
    clock = FakeClock()
    namespace = uid("t")
    settings = settings_factory(
        amqp_namespace=namespace,
        stripe_api_key=API_KEY,
        stripe_webhook_secret=SECRET,
        stripe_api_base=localstripe_url,
        buyshield_sweep_s=0.2,
        buyshield_hold_hours=HOLD_HOURS,
    )
    harness: HubHarness = await hub_factory(settings, clock=clock)
    ls = LocalStripe(localstripe_url)
    # One registration name: each test's hub replaces the previous one's.
    await ls.register_webhook("hub", f"{harness.url}/api/stripe/webhook", SECRET)
    s = Stripe(harness, ls, clock)
    yield s
    if harness.hub.db.dialect == "mysql":
        await delete_buyshield_rows(harness.hub.db, s.txns)
        await delete_commerce_rows(harness.hub.db, namespace, list(harness._listings))
    await harness.close()


async def test_start_hold_verify_capture(stripe: Stripe) -> None:
    d, pi_id = await stripe.started()
    tid = d["txn"]["id"]
    again = await d["buyer"].ok("buyshield.start", {"transaction_id": tid})
    assert again["client_secret"].startswith(pi_id)
    intents = await stripe.ls.intents_for(tid)
    assert [(i["id"], i["capture_method"], i["amount"]) for i in intents] == [
        (pi_id, "manual", 9000)
    ]
    await stripe.ls.confirm_with_card(pi_id)
    intent = await stripe.ls.intent(pi_id)
    await post_webhook(
        stripe.hub, *signed(event("payment_intent.amount_capturable_updated", intent), SECRET)
    )
    code = (await status(d["buyer"], tid, "funds_held"))["release_code"]
    assert (await status(d["seller"], tid, "funds_held"))["release_code"] is None

    answer = await verify(stripe.hub, d["seller_id"], tid, code)
    assert answer[0] == 200, answer
    captured = await stripe.intent_becomes(pi_id, "succeeded")
    assert captured["latest_charge"]
    for c in (d["buyer"], d["seller"]):
        await status(c, tid, "released")
        await c.next_where(
            "transaction.update",
            lambda e: e["transaction"]["id"] == tid and e["transaction"]["status"] == "completed",
        )
    # A redelivered capture command: the provider looks first and does not capture again.
    worker = stripe.hub.hub.buyshield.worker
    body = {"transaction_id": tid, "payment_intent_id": pi_id}
    await worker.handle(Envelope(uid("m"), "x", "buyshield.capture", body))
    assert (await stripe.ls.intent(pi_id))["status"] == "succeeded"
    trail = [r["to_status"] for r in await audit(stripe.hub.hub.db, tid)]
    assert trail.count("released") == 1


async def test_buyer_cancels_the_hold(stripe: Stripe) -> None:
    d, pi_id, _ = await stripe.held()
    tid = d["txn"]["id"]
    ack = await d["buyer"].ok("buyshield.cancel", {"transaction_id": tid})
    assert ack["buyshield"]["status"] == "cancelled"
    await stripe.intent_becomes(pi_id, "canceled")
    await status(d["seller"], tid, "cancelled")


async def test_hold_expires_and_is_cancelled_at_stripe(stripe: Stripe) -> None:
    d, pi_id, _ = await stripe.held()
    tid = d["txn"]["id"]
    stripe.clock.advance(HOLD_HOURS * 3600 + 1)
    await status(d["buyer"], tid, "expired")
    await stripe.intent_becomes(pi_id, "canceled")


async def test_dispute_refunded_by_a_moderator_cancels_the_hold(stripe: Stripe) -> None:
    moderator = await stripe.hub.client(uid("mod"), role="moderator", namespace="/moderation")
    d, pi_id, _ = await stripe.held()
    tid = d["txn"]["id"]
    await d["buyer"].ok("buyshield.dispute", {"transaction_id": tid, "reason": "item broken"})
    await moderator.next("dispute.item")
    out = await moderator.ok("dispute.resolve", {"transaction_id": tid, "action": "refund"})
    assert out["buyshield"]["status"] == "refunded"
    await stripe.intent_becomes(pi_id, "canceled")


async def test_card_dispute_after_capture_is_refunded(stripe: Stripe) -> None:
    moderator = await stripe.hub.client(uid("mod"), role="moderator", namespace="/moderation")
    d, pi_id, code = await stripe.held()
    tid = d["txn"]["id"]
    assert (await verify(stripe.hub, d["seller_id"], tid, code))[0] == 200
    latest = (await stripe.intent_becomes(pi_id, "succeeded"))["latest_charge"]
    charge_id = latest["id"] if isinstance(latest, dict) else latest  # localstripe expands it
    await status(d["seller"], tid, "released")
    # localstripe has no disputes: send Stripe's charge.dispute.created for the real charge.
    dispute = {"id": "dp_test", "object": "dispute", "charge": charge_id, "payment_intent": pi_id}
    await post_webhook(stripe.hub, *signed(event("charge.dispute.created", dispute), SECRET))
    item = await moderator.next("dispute.item")
    assert (item["transaction_id"], item["status"]) == (tid, "disputed")
    await moderator.ok("dispute.resolve", {"transaction_id": tid, "action": "refund"})
    await status(d["buyer"], tid, "refunded")
    loop = asyncio.get_running_loop()
    end = loop.time() + 15
    while not (charge := await stripe.ls.charge(charge_id))["refunded"]:
        assert loop.time() < end, charge
        await asyncio.sleep(0.1)
    assert charge["amount_refunded"] == 9000
