"""The payment provider seam: what BuyShield needs from Stripe, or from its simulation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from commerce.errors import CommerceError

# Delivers a signed webhook (raw body, Stripe-Signature header) to the hub's webhook handler.
WebhookSink = Callable[[bytes, str], Awaitable[None]]


class PaymentError(CommerceError):
    """The provider refused or failed a call (retry later, or look at it)."""


class InvalidSignature(CommerceError):
    """A webhook whose signature, timestamp or body does not check out."""


@dataclass(frozen=True, slots=True)
class PaymentIntent:
    """The part of a Stripe PaymentIntent BuyShield reads."""

    id: str
    status: str
    amount: int
    currency: str
    client_secret: str | None
    amount_capturable: int = 0
    metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def held(self) -> bool:
        return self.status == "requires_capture"

    @property
    def captured(self) -> bool:
        return self.status == "succeeded"

    @property
    def canceled(self) -> bool:
        return self.status == "canceled"


class PaymentProvider(Protocol):
    """Manual-capture card payments. Every mutating call takes an idempotency key."""

    name: str
    webhook_secret: str

    async def start(self, sink: WebhookSink) -> None:
        """Open clients; ``sink`` is where a provider that sends itself webhooks sends them."""

    async def close(self) -> None: ...

    async def create_hold(
        self,
        *,
        amount_cents: int,
        currency: str,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> PaymentIntent:
        """A PaymentIntent with ``capture_method=manual`` (the same one again for the same key)."""

    async def retrieve(self, payment_intent_id: str) -> PaymentIntent: ...

    async def capture(self, payment_intent_id: str, *, idempotency_key: str) -> PaymentIntent:
        """Capture the held amount; a captured intent is returned as it is."""

    async def cancel(self, payment_intent_id: str, *, idempotency_key: str) -> PaymentIntent:
        """Release the hold; a cancelled intent is returned as it is."""

    async def refund(self, payment_intent_id: str, *, idempotency_key: str) -> None:
        """Refund a captured payment in full."""


def parse_intent(obj: Mapping[str, Any]) -> PaymentIntent:
    """A PaymentIntent from Stripe's JSON (an API answer or an event's ``data.object``)."""
    try:
        return PaymentIntent(
            id=str(obj["id"]),
            status=str(obj["status"]),
            amount=int(obj["amount"]),
            currency=str(obj["currency"]),
            client_secret=obj.get("client_secret"),
            amount_capturable=int(obj.get("amount_capturable") or 0),
            metadata={str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
        )
    except (KeyError, TypeError, ValueError) as e:
        raise PaymentError(f"not a PaymentIntent: {e}") from e
