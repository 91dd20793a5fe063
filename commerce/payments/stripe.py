"""Stripe: the only module that imports ``stripe`` (its async client, and webhook signatures).

Every mutating call carries an idempotency key derived from the escrow, so a retry never creates
a second PaymentIntent or captures twice. ``capture`` and ``cancel`` look at the intent first and
return it unchanged when it is already where they would take it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import stripe

from commerce.payments.base import (
    InvalidSignature,
    PaymentError,
    PaymentIntent,
    WebhookSink,
    parse_intent,
)

log = logging.getLogger(__name__)
TOLERANCE_S = 300


def verify_webhook(payload: bytes, header: str | None, secret: str) -> dict[str, Any]:
    """The event of a signed webhook; :class:`InvalidSignature` unless it checks out.

    The signature is over the raw body; a timestamp older than five minutes is refused.
    """
    try:
        stripe.WebhookSignature.verify_header(payload, header, secret, tolerance=TOLERANCE_S)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as e:
        raise InvalidSignature(str(e).split("\n")[0][:200]) from e
    if not isinstance(event, dict):
        raise InvalidSignature("the event is not a JSON object")
    return event


def _intent(obj: Any) -> PaymentIntent:
    return parse_intent(obj.to_dict() if hasattr(obj, "to_dict") else obj)


class StripeProvider:
    """Stripe's API through the SDK's async client (aiohttp transport)."""

    name = "stripe"

    def __init__(self, api_key: str, webhook_secret: str, api_base: str | None = None) -> None:
        self.webhook_secret = webhook_secret
        self._api_key = api_key
        self._api_base = api_base
        self._http: Any = None
        self._client: Any = None

    async def start(self, sink: WebhookSink) -> None:
        """Stripe sends its webhooks over HTTP; ``sink`` is not used."""
        self._http = stripe.AIOHTTPClient()
        bases: Any = {"api": self._api_base} if self._api_base else None
        self._client = stripe.StripeClient(
            self._api_key, http_client=self._http, base_addresses=bases, max_network_retries=2
        )

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close_async()
        self._http = self._client = None

    @property
    def _intents(self) -> Any:
        if self._client is None:
            raise PaymentError("the Stripe provider is not started")
        return self._client.v1.payment_intents

    async def create_hold(
        self,
        *,
        amount_cents: int,
        currency: str,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> PaymentIntent:
        params = {
            "amount": amount_cents,
            "currency": currency.lower(),
            "capture_method": "manual",
            "metadata": dict(metadata),
        }
        try:
            pi = await self._intents.create_async(params, {"idempotency_key": idempotency_key})
        except stripe.StripeError as e:
            raise PaymentError(f"stripe: creating the PaymentIntent failed: {e}") from e
        return _intent(pi)

    async def retrieve(self, payment_intent_id: str) -> PaymentIntent:
        try:
            return _intent(await self._intents.retrieve_async(payment_intent_id))
        except stripe.StripeError as e:
            raise PaymentError(f"stripe: retrieving {payment_intent_id} failed: {e}") from e

    async def capture(self, payment_intent_id: str, *, idempotency_key: str) -> PaymentIntent:
        current = await self.retrieve(payment_intent_id)
        if current.captured:
            return current
        try:
            pi = await self._intents.capture_async(
                payment_intent_id, None, {"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as e:
            raise PaymentError(f"stripe: capturing {payment_intent_id} failed: {e}") from e
        return _intent(pi)

    async def cancel(self, payment_intent_id: str, *, idempotency_key: str) -> PaymentIntent:
        current = await self.retrieve(payment_intent_id)
        if current.canceled:
            return current
        try:
            pi = await self._intents.cancel_async(
                payment_intent_id, None, {"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as e:
            raise PaymentError(f"stripe: cancelling {payment_intent_id} failed: {e}") from e
        return _intent(pi)

    async def refund(self, payment_intent_id: str, *, idempotency_key: str) -> None:
        if self._client is None:
            raise PaymentError("the Stripe provider is not started")
        try:
            await self._client.v1.refunds.create_async(
                {"payment_intent": payment_intent_id}, {"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as e:
            raise PaymentError(f"stripe: refunding {payment_intent_id} failed: {e}") from e
