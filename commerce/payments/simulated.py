"""The embedded default's payments: Stripe's test mode, simulated in this process.

It keeps PaymentIntents in memory with Stripe's statuses, honours idempotency keys, and plays the
app's part too: a second or so after an intent is created it confirms it as a test card would
(``requires_capture``). Each change is sent to the hub as the signed webhook Stripe would send
(same event shapes, same ``Stripe-Signature`` scheme), through the hub's own webhook handler.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from commerce.payments.base import PaymentError, PaymentIntent, WebhookSink

log = logging.getLogger(__name__)


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    """A ``Stripe-Signature`` header value: HMAC-SHA256 of ``"<t>.<payload>"``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class SimulatedProvider:
    """In-memory PaymentIntents that confirm themselves and send signed webhooks."""

    name = "simulated"

    def __init__(self, webhook_secret: str | None = None, *, confirm_after_s: float = 1.0) -> None:
        self.webhook_secret = webhook_secret or f"whsec_sim_{secrets.token_hex(16)}"
        self._confirm_after = confirm_after_s
        self._intents: dict[str, PaymentIntent] = {}
        self._by_key: dict[str, str] = {}
        self._sink: WebhookSink | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.calls: list[tuple[str, str]] = []

    async def start(self, sink: WebhookSink) -> None:
        self._sink = sink

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks)
        self._tasks.clear()
        self._sink = None

    async def create_hold(
        self,
        *,
        amount_cents: int,
        currency: str,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> PaymentIntent:
        existing = self._by_key.get(idempotency_key)
        if existing is not None:
            return self._intents[existing]
        pi_id = f"pi_sim_{secrets.token_hex(12)}"
        pi = PaymentIntent(
            id=pi_id,
            status="requires_payment_method",
            amount=amount_cents,
            currency=currency.lower(),
            client_secret=f"{pi_id}_secret_{secrets.token_hex(12)}",
            metadata=dict(metadata),
        )
        self._intents[pi_id] = pi
        self._by_key[idempotency_key] = pi_id
        self.calls.append(("create", pi_id))
        self._spawn(self._confirm(pi_id))
        return pi

    async def retrieve(self, payment_intent_id: str) -> PaymentIntent:
        pi = self._intents.get(payment_intent_id)
        if pi is None:
            raise PaymentError(f"no such PaymentIntent: {payment_intent_id}")
        return pi

    async def capture(self, payment_intent_id: str, *, idempotency_key: str) -> PaymentIntent:
        pi = await self.retrieve(payment_intent_id)
        if pi.captured:
            return pi
        if not pi.held:
            raise PaymentError(f"cannot capture a PaymentIntent that is {pi.status}")
        self.calls.append(("capture", pi.id))
        return self._change(
            replace(pi, status="succeeded", amount_capturable=0), "payment_intent.succeeded"
        )

    async def cancel(self, payment_intent_id: str, *, idempotency_key: str) -> PaymentIntent:
        pi = await self.retrieve(payment_intent_id)
        if pi.canceled:
            return pi
        if pi.captured:
            raise PaymentError("cannot cancel a captured PaymentIntent; refund it")
        self.calls.append(("cancel", pi.id))
        return self._change(
            replace(pi, status="canceled", amount_capturable=0), "payment_intent.canceled"
        )

    async def refund(self, payment_intent_id: str, *, idempotency_key: str) -> None:
        pi = await self.retrieve(payment_intent_id)
        if not pi.captured:
            raise PaymentError(f"cannot refund a PaymentIntent that is {pi.status}")
        if ("refund", pi.id) in self.calls:
            return
        self.calls.append(("refund", pi.id))
        charge = {
            "id": f"ch_sim_{pi.id[7:]}",
            "object": "charge",
            "payment_intent": pi.id,
            "amount": pi.amount,
            "amount_refunded": pi.amount,
            "refunded": True,
            "metadata": dict(pi.metadata),
        }
        self._send("charge.refunded", charge)

    # -- the app's part, and the webhooks -----------------------------------------------------
    async def _confirm(self, pi_id: str) -> None:
        await asyncio.sleep(self._confirm_after)
        pi = self._intents[pi_id]
        if pi.status != "requires_payment_method":
            return
        held = replace(pi, status="requires_capture", amount_capturable=pi.amount)
        self._change(held, "payment_intent.amount_capturable_updated")

    def _change(self, pi: PaymentIntent, event_type: str) -> PaymentIntent:
        self._intents[pi.id] = pi
        self._send(event_type, _intent_json(pi))
        return pi

    def _send(self, event_type: str, obj: dict[str, Any]) -> None:
        event = {
            "id": f"evt_sim_{secrets.token_hex(12)}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": obj},
        }
        self._spawn(self._deliver(json.dumps(event).encode()))

    async def _deliver(self, payload: bytes, attempts: int = 5) -> None:
        """Send like Stripe: retried with backoff while the hub answers with an error."""
        for attempt in range(1, attempts + 1):
            if self._sink is None:
                return
            try:
                await self._sink(payload, sign(payload, self.webhook_secret, int(time.time())))
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning(
                    "simulated webhook delivery failed (attempt %d)", attempt, exc_info=True
                )
                await asyncio.sleep(0.2 * 2**attempt)
        log.error("simulated webhook dropped after %d attempts", attempts)

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _intent_json(pi: PaymentIntent) -> dict[str, Any]:
    return {
        "id": pi.id,
        "object": "payment_intent",
        "status": pi.status,
        "amount": pi.amount,
        "amount_capturable": pi.amount_capturable,
        "currency": pi.currency,
        "capture_method": "manual",
        "client_secret": pi.client_secret,
        "metadata": dict(pi.metadata),
    }
