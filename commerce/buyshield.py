"""BuyShield escrow: its states, and its transitions as pure functions (DESIGN.md section 7).

``requires_payment`` → ``funds_held`` → ``verified`` → ``released``; from ``requires_payment`` or
``funds_held``: ``cancelled`` (the buyer) or ``expired`` (the deadline passed); ``funds_held`` →
``disputed`` (either party, a locked escrow, a card dispute) → ``released`` or ``refunded``
(moderators). Provider events move the escrow only forward: an event that arrives late (after a
state it would lead past) is no transition, so duplicates and reordering end in the same state.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from commerce.errors import Conflict, Invalid


class Status(StrEnum):
    REQUIRES_PAYMENT = "requires_payment"
    FUNDS_HELD = "funds_held"
    VERIFIED = "verified"
    RELEASED = "released"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    DISPUTED = "disputed"
    REFUNDED = "refunded"


class Trigger(StrEnum):
    """What moves an escrow: a party, the scheduler, a moderator or the payment provider."""

    AUTHORIZED = "authorized"  # the provider holds the funds
    CANCEL = "cancel"  # the buyer
    EXPIRE = "expire"  # the scheduler, once the deadline passed
    VERIFY = "verify"  # the seller, with the right code
    LOCK = "lock"  # too many wrong codes: moderators decide
    DISPUTE = "dispute"  # either party
    CAPTURED = "captured"  # the provider captured the payment
    PROVIDER_CANCELED = "provider_canceled"  # the hold was cancelled at the provider
    PAYMENT_FAILED = "payment_failed"  # the buyer's payment attempt failed; they may retry
    CARD_DISPUTE = "card_dispute"  # the card holder disputed the charge with their bank
    REFUNDED = "refunded"  # the provider refunded the charge
    RESOLVE_RELEASE = "resolve_release"  # a moderator
    RESOLVE_REFUND = "resolve_refund"  # a moderator


S = Status
_RULES: dict[Trigger, tuple[frozenset[Status], Status | None]] = {
    Trigger.AUTHORIZED: (frozenset({S.REQUIRES_PAYMENT}), S.FUNDS_HELD),
    Trigger.CANCEL: (frozenset({S.REQUIRES_PAYMENT, S.FUNDS_HELD}), S.CANCELLED),
    Trigger.EXPIRE: (frozenset({S.REQUIRES_PAYMENT, S.FUNDS_HELD}), S.EXPIRED),
    Trigger.VERIFY: (frozenset({S.FUNDS_HELD}), S.VERIFIED),
    Trigger.LOCK: (frozenset({S.FUNDS_HELD}), S.DISPUTED),
    Trigger.DISPUTE: (frozenset({S.FUNDS_HELD}), S.DISPUTED),
    Trigger.CAPTURED: (
        frozenset({S.REQUIRES_PAYMENT, S.FUNDS_HELD, S.VERIFIED, S.DISPUTED}),
        S.RELEASED,
    ),
    Trigger.PROVIDER_CANCELED: (
        frozenset({S.REQUIRES_PAYMENT, S.FUNDS_HELD, S.VERIFIED, S.DISPUTED}),
        S.CANCELLED,
    ),
    # None: the status stays; the attempt is still stored and audited.
    Trigger.PAYMENT_FAILED: (frozenset({S.REQUIRES_PAYMENT}), None),
    Trigger.CARD_DISPUTE: (frozenset({S.FUNDS_HELD, S.VERIFIED, S.RELEASED}), S.DISPUTED),
    Trigger.REFUNDED: (frozenset({S.RELEASED, S.DISPUTED}), S.REFUNDED),
    Trigger.RESOLVE_RELEASE: (frozenset({S.DISPUTED}), S.RELEASED),
    Trigger.RESOLVE_REFUND: (frozenset({S.DISPUTED}), S.REFUNDED),
}
# States in which the buyer's money is (or was) held: the buyer is shown the release code.
_CODE_VISIBLE = frozenset({S.FUNDS_HELD, S.VERIFIED, S.DISPUTED})
# Stripe cancels an uncaptured card authorization after 7 days; holds must end well before.
STRIPE_AUTHORIZATION_LIMIT = timedelta(days=7)


class InvalidTransition(Conflict):
    """The escrow's state does not allow this trigger."""


@dataclass(frozen=True, slots=True)
class Escrow:
    transaction_id: str
    listing_id: str
    buyer_id: str
    seller_id: str
    amount_cents: int
    currency: str
    status: Status
    payment_intent_id: str | None
    release_code: str
    code_attempts: int
    deadline: datetime | None
    held_at: datetime | None
    dispute_reason: str | None
    disputed_by: str | None
    photo_key: str | None
    created_at: datetime
    updated_at: datetime

    def parties(self) -> tuple[str, str]:
        return (self.buyer_id, self.seller_id)

    def to_json(self, viewer: str | None) -> dict[str, Any]:
        """The contract's BuyShield object as ``viewer`` sees it: the code is the buyer's alone."""
        show_code = viewer is not None and viewer == self.buyer_id and code_visible(self.status)
        return {
            "transaction_id": self.transaction_id,
            "status": self.status.value,
            "deadline": iso(self.deadline),
            "updated_at": iso(self.updated_at),
            "release_code": self.release_code if show_code else None,
        }


@dataclass(frozen=True, slots=True)
class Transition:
    """One stored change: the escrow before and after, who did it and why."""

    before: Escrow
    after: Escrow
    trigger: Trigger
    actor: str
    reason: str | None

    @property
    def changed(self) -> bool:
        return self.before.status != self.after.status


def iso(t: datetime | None) -> str | None:
    return None if t is None else t.replace(tzinfo=None).isoformat() + "Z"


def new_release_code() -> str:
    """Six random digits, from the OS's CSPRNG."""
    return f"{secrets.randbelow(10**6):06d}"


def code_visible(status: Status) -> bool:
    """Whether the buyer is shown the release code in this state (funds held, or were)."""
    return status in _CODE_VISIBLE


def allowed(status: Status, trigger: Trigger) -> bool:
    return status in _RULES[trigger][0]


def apply(
    escrow: Escrow,
    trigger: Trigger,
    now: datetime,
    *,
    actor: str,
    reason: str | None = None,
    hold: timedelta | None = None,
) -> Transition:
    """The escrow after ``trigger`` at ``now``; :class:`InvalidTransition` when not allowed.

    ``hold`` is how long funds stay held (the deadline of ``authorized``); ``expire`` needs the
    deadline to have passed.
    """
    sources, target = _RULES[trigger]
    if escrow.status not in sources:
        raise InvalidTransition(f"BuyShield is {escrow.status.value}; cannot {trigger.value}")
    after = replace(escrow, status=target or escrow.status, updated_at=now)
    if trigger is Trigger.AUTHORIZED:
        if hold is None:
            raise Invalid("authorized needs the hold duration")
        after = replace(after, held_at=now, deadline=now + hold)
    elif trigger is Trigger.EXPIRE and (escrow.deadline is None or escrow.deadline > now):
        raise InvalidTransition("the deadline has not passed")
    elif trigger in (Trigger.DISPUTE, Trigger.LOCK, Trigger.CARD_DISPUTE):
        after = replace(after, dispute_reason=reason, disputed_by=actor)
    return Transition(escrow, after, trigger, actor, reason)


def validate_hold(hold: timedelta, sweep: timedelta) -> None:
    """A hold plus one sweep interval (and a day's margin) must end before Stripe's limit."""
    if hold <= timedelta(0):
        raise ValueError("the BuyShield hold must be positive")
    if hold + sweep + timedelta(days=1) > STRIPE_AUTHORIZATION_LIMIT:
        raise ValueError(
            "the BuyShield hold plus the sweep interval must leave a day before Stripe's "
            "7-day authorization limit"
        )


def from_row(m: Mapping[Any, Any]) -> Escrow:
    return Escrow(
        transaction_id=m["transaction_id"],
        listing_id=m["listing_id"],
        buyer_id=m["buyer_id"],
        seller_id=m["seller_id"],
        amount_cents=int(m["amount_cents"]),
        currency=m["currency"],
        status=Status(m["status"]),
        payment_intent_id=m["payment_intent_id"],
        release_code=m["release_code"],
        code_attempts=int(m["code_attempts"]),
        deadline=m["deadline"],
        held_at=m["held_at"],
        dispute_reason=m["dispute_reason"],
        disputed_by=m["disputed_by"],
        photo_key=m["photo_key"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )
