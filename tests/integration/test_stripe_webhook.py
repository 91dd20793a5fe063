"""POST /api/stripe/webhook: signatures on the raw body, replays, and reordered events.

The hub runs with the simulated provider told to wait (it does not confirm payments itself
here), so each test decides which signed events arrive, and in what order.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from hub.settings import Settings
from tests.support.buyshield import (
    audit,
    delete_buyshield_rows,
    event,
    post_webhook,
    signed,
    status,
    transaction,
)
from tests.support.commerce import delete_commerce_rows
from tests.support.harness import HubHarness, uid

SECRET = "whsec_test_echolist_webhooks_0123456789"


@pytest.fixture
async def hub(
    hub_factory: Any, settings_factory: Callable[..., Settings]
) -> AsyncIterator[HubHarness]:
    namespace = uid("t")
    settings = settings_factory(
        amqp_namespace=namespace,
        stripe_webhook_secret=SECRET,
        buyshield_simulated_confirm_s=3600,
    )
    harness: HubHarness = await hub_factory(settings)
    harness.txns = []  # type: ignore[attr-defined]
    yield harness
    if harness.hub.db.dialect == "mysql":
        await delete_buyshield_rows(harness.hub.db, harness.txns)  # type: ignore[attr-defined]
        await delete_commerce_rows(harness.hub.db, namespace, list(harness._listings))
    await harness.close()


async def started(hub: HubHarness) -> tuple[dict[str, Any], dict[str, Any]]:
    """A started BuyShield and its PaymentIntent as Stripe would show it in an event."""
    d = await transaction(hub)
    tid = d["txn"]["id"]
    hub.txns.append(tid)  # type: ignore[attr-defined]
    await d["buyer"].ok("buyshield.start", {"transaction_id": tid})
    escrow = await hub.hub.buyshield.svc.get(tid)
    pi = {
        "id": escrow.payment_intent_id,
        "object": "payment_intent",
        "amount": 9000,
        "currency": "usd",
        "metadata": {"transaction_id": tid},
    }
    return d, pi


def held(pi: dict[str, Any]) -> dict[str, Any]:
    return event(
        "payment_intent.amount_capturable_updated",
        {**pi, "status": "requires_capture", "amount_capturable": pi["amount"]},
    )


def captured(pi: dict[str, Any]) -> dict[str, Any]:
    return event("payment_intent.succeeded", {**pi, "status": "succeeded"})


def canceled(pi: dict[str, Any]) -> dict[str, Any]:
    return event("payment_intent.canceled", {**pi, "status": "canceled"})


async def current(hub: HubHarness, tid: str) -> str:
    return str((await hub.hub.buyshield.svc.get(tid)).status)


async def test_signature_is_checked_on_the_raw_body(hub: HubHarness) -> None:
    d, pi = await started(hub)
    tid = d["txn"]["id"]
    payload, header = signed(held(pi), SECRET)
    refused = [
        (payload.replace(b"9000", b"9001"), header),  # tampered body
        signed(held(pi), "whsec_someone_else"),  # wrong secret
        signed(held(pi), SECRET, at=int(time.time()) - 400),  # older than 300 s
        (payload, None),  # no signature
        (payload, "t=abc,v1=zz"),  # malformed
    ]
    for body, sig in refused:
        code, answer = await post_webhook(hub, body, sig)
        assert (code, answer["error"]["code"]) == (400, "invalid")
    assert await current(hub, tid) == "requires_payment"
    code, answer = await post_webhook(hub, payload, header)
    assert (code, answer["changed"]) == (200, True)
    assert (await status(d["buyer"], tid, "funds_held"))["release_code"]


async def test_a_replayed_event_is_ignored(hub: HubHarness) -> None:
    d, pi = await started(hub)
    tid = d["txn"]["id"]
    payload, header = signed(held(pi), SECRET)
    first = await post_webhook(hub, payload, header)
    again = await post_webhook(hub, payload, header)
    assert first == (200, {"received": True, "changed": True})
    assert again == (200, {"received": True, "changed": False})
    trail = [r["to_status"] for r in await audit(hub.hub.db, tid)]
    assert trail == ["requires_payment", "funds_held"]


@pytest.mark.parametrize(
    ("order", "final"),
    [
        (("held", "captured"), "released"),
        (("captured", "held"), "released"),
        (("held", "canceled"), "cancelled"),
        (("canceled", "held"), "cancelled"),
        (("held", "held", "canceled", "held"), "cancelled"),
    ],
)
async def test_reordered_and_repeated_events_end_in_the_same_state(
    hub: HubHarness, order: tuple[str, ...], final: str
) -> None:
    d, pi = await started(hub)
    tid = d["txn"]["id"]
    make = {"held": held, "captured": captured, "canceled": canceled}
    for name in order:
        code, _ = await post_webhook(hub, *signed(make[name](pi), SECRET))
        assert code == 200
    assert await current(hub, tid) == final
    await status(d["seller"], tid, final)


async def test_events_of_unknown_intents_and_types_are_acknowledged(hub: HubHarness) -> None:
    stray = {"id": "pi_unknown", "object": "payment_intent", "amount": 1, "currency": "usd"}
    code, answer = await post_webhook(hub, *signed(held(stray), SECRET))
    assert (code, answer["changed"]) == (200, False)
    other = event("customer.created", {"id": "cus_1", "object": "customer"})
    code, answer = await post_webhook(hub, *signed(other, SECRET))
    assert (code, answer["changed"]) == (200, False)
    code, answer = await post_webhook(hub, *signed({"id": "evt_x"}, SECRET))
    assert (code, answer["error"]["code"]) == (400, "invalid")
