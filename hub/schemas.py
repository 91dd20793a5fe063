"""Wire payloads (pydantic): every client event's payload is validated by one of these."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Cents = Annotated[int, Field(gt=0, le=10**11)]
MAX_TEXT = 2000


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Empty(Payload):
    pass


class ConversationOpen(Payload):
    listing_id: Id


class ConversationHistory(Payload):
    conversation_id: Id
    before_seq: Annotated[int, Field(gt=0)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 50


class MessageSend(Payload):
    conversation_id: Id
    client_msg_id: Id
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]


class MessageRead(Payload):
    conversation_id: Id
    seq: Annotated[int, Field(ge=0)]


class Typing(Payload):
    conversation_id: Id
    typing: bool


class Sync(Payload):
    cursors: Annotated[dict[Id, Annotated[int, Field(ge=0)]], Field(max_length=1000)]


class ListingRef(Payload):
    listing_id: Id


class PriceUpdate(Payload):
    listing_id: Id
    price_cents: Cents


class ListingPut(Payload):
    """Body of ``PUT /api/listings/{id}`` (service tokens)."""

    seller_id: Id
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    price_cents: Annotated[int, Field(ge=0, le=10**11)]
    currency: Currency
    status: Literal["active", "sold", "removed"]
    local_pickup: bool


# -- moderation (namespace "/moderation" and POST /api/moderation/score) ----------------------
class QueueList(Payload):
    limit: Annotated[int, Field(ge=1, le=200)] = 100


class ModerationDecision(Payload):
    message_id: Id
    action: Literal["approve", "remove"]
    note: Annotated[str, StringConstraints(max_length=1000)] | None = None


class QueueContext(Payload):
    message_id: Id
    span: Annotated[int, Field(ge=1, le=50)] = 10


class ScoreRequest(Payload):
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]
    conversation_id: Id | None = None


# -- offers (DESIGN.md section 5) ------------------------------------------------------------
class OfferMake(Payload):
    conversation_id: Id
    amount_cents: Cents
    client_msg_id: Id
    # Optional: when given it must be the listing's currency (offers are in the listing's).
    currency: Currency | None = None


class OfferCounter(Payload):
    offer_id: Id
    amount_cents: Cents


class OfferRef(Payload):
    offer_id: Id


class ListingUpdated(BaseModel):
    """Body of the ``listing.updated`` event other services publish (extra fields ignored)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    listing_id: Id
    price_cents: Annotated[int, Field(ge=0, le=10**11)] | None = None
    status: Literal["active", "sold", "removed"] | None = None
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None


# -- BuyShield (DESIGN.md sections 5 and 6) ----------------------------------------------------
class BuyShieldRef(Payload):
    transaction_id: Id


class BuyShieldDispute(Payload):
    transaction_id: Id
    reason: Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class DisputeResolve(Payload):
    transaction_id: Id
    action: Literal["release", "refund"]
    note: Annotated[str, StringConstraints(max_length=1000)] | None = None


class DisputeList(Payload):
    limit: Annotated[int, Field(ge=1, le=200)] = 100
