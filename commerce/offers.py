"""Offers: the negotiation in a conversation (DESIGN.md sections 4, 5 and 7).

Every transition is a compare-and-set on ``status = 'pending'``, written in one database
transaction with the offer's chat message (kind ``offer``) and its outbox rows; so two accepts of
one offer give one accepted and one conflict, on any number of nodes. ``pending_key`` (the
conversation id while pending, NULL after) keeps one pending offer per conversation.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from commerce import outbox
from commerce import transactions as txns
from commerce.bus.base import Topology
from commerce.errors import Conflict, Forbidden, Invalid, NotFound
from commerce.transactions import Transaction
from storage import errors as storage_errors
from storage.engine import Database
from storage.repositories import listings, messages
from storage.repositories.conversations import Conversation
from storage.repositories.messages import DuplicateMessage, Message, NewMessage
from storage.repositories.writes import insert_new
from storage.tables import offers

Clock = Callable[[], datetime]
UPDATED = "offer.updated"


class OfferStatus(StrEnum):
    PENDING = "pending"
    COUNTERED = "countered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


# The chat line each change leaves in the conversation.
_VERBS = {
    OfferStatus.PENDING: "Offer",
    OfferStatus.COUNTERED: "Countered",
    OfferStatus.ACCEPTED: "Accepted",
    OfferStatus.DECLINED: "Declined",
    OfferStatus.WITHDRAWN: "Withdrawn",
    OfferStatus.EXPIRED: "Expired",
}
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}


def money(cents: int, currency: str) -> str:
    symbol = _SYMBOLS.get(currency)
    amount = f"{cents // 100:,}.{cents % 100:02d}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


@dataclass(frozen=True, slots=True)
class Offer:
    id: str
    conversation_id: str
    listing_id: str
    buyer_id: str
    seller_id: str
    made_by: str
    amount_cents: int
    currency: str
    status: str
    parent_id: str | None
    expires_at: datetime
    created_at: datetime

    def parties(self) -> tuple[str, str]:
        return (self.buyer_id, self.seller_id)

    def to_json(self) -> dict[str, Any]:
        """The contract's Offer (DESIGN.md section 4); the ``offer.updated`` event's payload."""
        out = {f: getattr(self, f) for f in Offer.__slots__}
        out["expires_at"] = _iso(self.expires_at)
        out["created_at"] = _iso(self.created_at)
        return out


def _iso(t: datetime) -> str:
    return t.replace(tzinfo=None).isoformat() + "Z"


@dataclass(frozen=True, slots=True)
class Change:
    """What one action did: the offers it changed, the chat lines, the transaction if any."""

    offer: Offer
    changed: tuple[Offer, ...]
    messages: tuple[Message, ...]
    transaction: Transaction | None = None
    duplicate: bool = False


def _row(r: sa.Row[Any]) -> Offer:
    m = r._mapping
    return Offer(
        m["id"],
        m["conversation_id"],
        m["listing_id"],
        m["buyer_id"],
        m["seller_id"],
        m["made_by"],
        int(m["amount_cents"]),
        m["currency"],
        m["status"],
        m["parent_id"],
        m["expires_at"],
        m["created_at"],
    )


async def get(conn: AsyncConnection, offer_id: str) -> Offer:
    row = (await conn.execute(sa.select(offers).where(offers.c.id == offer_id))).first()
    if row is None:
        raise NotFound("no such offer")
    return _row(row)


async def _insert(conn: AsyncConnection, offer: Offer, now: datetime) -> None:
    values = {f: getattr(offer, f) for f in Offer.__slots__}
    values.update(pending_key=offer.conversation_id, updated_at=now)
    if not await insert_new(conn, offers, values):
        raise Conflict("this conversation already has a pending offer")


async def _cas(conn: AsyncConnection, offer: Offer, status: OfferStatus, now: datetime) -> Offer:
    res = await conn.execute(
        sa.update(offers)
        .where(offers.c.id == offer.id, offers.c.status == OfferStatus.PENDING.value)
        .values(status=status.value, pending_key=None, updated_at=now)
    )
    if not res.rowcount:
        raise Conflict("the offer was decided meanwhile")
    return replace(offer, status=status.value)


class OfferService:
    """The negotiation's rules. Callers pass conversations they have authorized."""

    def __init__(self, db: Database, topology: Topology, clock: Clock, ttl_s: float) -> None:
        self._db = db
        self._topology = topology
        self._now = clock
        self._ttl = timedelta(seconds=ttl_s)

    async def get(self, offer_id: str) -> Offer:
        async with self._db.read() as conn:
            return await get(conn, offer_id)

    # -- actions --------------------------------------------------------------------------
    async def make(
        self,
        user_id: str,
        conv: Conversation,
        amount_cents: int,
        currency: str | None,
        client_msg_id: str,
    ) -> Change:
        """The buyer's offer; a repeated ``client_msg_id`` returns the offer it made."""
        if user_id != conv.buyer_id:
            raise Forbidden("only the buyer makes offers")
        repeated = await self._repeated(user_id, client_msg_id, conv.id)
        if repeated is not None:
            return repeated

        async def work(conn: AsyncConnection) -> Change:
            now = self._now()
            listing = await self._biddable(conn, conv.listing_id)
            if currency is not None and currency != listing.currency:
                raise Invalid(f"offers on this listing are in {listing.currency}")
            offer = Offer(
                str(uuid.uuid4()),
                conv.id,
                conv.listing_id,
                conv.buyer_id,
                conv.seller_id,
                user_id,
                amount_cents,
                listing.currency,
                OfferStatus.PENDING.value,
                None,
                now + self._ttl,
                now,
            )
            await _insert(conn, offer, now)
            msg = await self._record(
                conn, offer, OfferStatus.PENDING, user_id, now, client_msg_id=client_msg_id
            )
            return Change(offer, (offer,), (msg,))

        try:
            return await self._db.run(work)
        except DuplicateMessage:
            found = await self._repeated(user_id, client_msg_id, conv.id)
            if found is None:
                raise
            return found

    async def counter(self, user_id: str, offer_id: str, amount_cents: int) -> Change:
        async def work(conn: AsyncConnection) -> Change:
            now = self._now()
            old = await self._decide(conn, user_id, offer_id, OfferStatus.COUNTERED, now)
            await self._biddable(conn, old.listing_id)
            new = replace(
                old,
                id=str(uuid.uuid4()),
                made_by=user_id,
                amount_cents=amount_cents,
                status=OfferStatus.PENDING.value,
                parent_id=old.id,
                expires_at=now + self._ttl,
                created_at=now,
            )
            await _insert(conn, new, now)
            await self._event(conn, old, now)
            msg = await self._record(conn, new, OfferStatus.COUNTERED, user_id, now)
            return Change(new, (old, new), (msg,))

        return await self._db.run(work)

    async def accept(self, user_id: str, offer_id: str) -> Change:
        """Accepting makes a Transaction (open) and the command ``transaction.create``."""

        async def work(conn: AsyncConnection) -> Change:
            now = self._now()
            offer = await self._decide(conn, user_id, offer_id, OfferStatus.ACCEPTED, now)
            await self._biddable(conn, offer.listing_id)
            txn = await txns.create(
                conn,
                offer_id=offer.id,
                listing_id=offer.listing_id,
                buyer_id=offer.buyer_id,
                seller_id=offer.seller_id,
                amount_cents=offer.amount_cents,
                currency=offer.currency,
                now=now,
            )
            await outbox.enqueue(
                conn,
                self._topology.commands,
                txns.CREATE,
                {"transaction_id": txn.id, "transaction": txn.to_json()},
                now,
                correlation_id=offer.id,
            )
            msg = await self._record(conn, offer, OfferStatus.ACCEPTED, user_id, now)
            return Change(offer, (offer,), (msg,), transaction=txn)

        return await self._db.run(work)

    async def decline(self, user_id: str, offer_id: str) -> Change:
        return await self._close(user_id, offer_id, OfferStatus.DECLINED)

    async def withdraw(self, user_id: str, offer_id: str) -> Change:
        return await self._close(user_id, offer_id, OfferStatus.WITHDRAWN)

    async def _close(self, user_id: str, offer_id: str, status: OfferStatus) -> Change:
        async def work(conn: AsyncConnection) -> Change:
            now = self._now()
            offer = await self._decide(conn, user_id, offer_id, status, now)
            msg = await self._record(conn, offer, status, user_id, now)
            return Change(offer, (offer,), (msg,))

        return await self._db.run(work)

    # -- expiry ---------------------------------------------------------------------------
    async def expire_due(self, limit: int = 100) -> list[Change]:
        """Expire pending offers past ``expires_at``; safe with several nodes sweeping at once."""
        now = self._now()
        async with self._db.read() as conn:
            ids = list(
                (
                    await conn.execute(
                        sa.select(offers.c.id)
                        .where(
                            offers.c.status == OfferStatus.PENDING.value, offers.c.expires_at <= now
                        )
                        .order_by(offers.c.expires_at)
                        .limit(limit)
                    )
                ).scalars()
            )
        changes: list[Change] = []
        for offer_id in ids:
            change = await self._db.run(functools.partial(self._expire, offer_id=offer_id, now=now))
            if change is not None:
                changes.append(change)
        return changes

    async def _expire(
        self, conn: AsyncConnection, *, offer_id: str, now: datetime
    ) -> Change | None:
        offer = await get(conn, offer_id)
        if offer.status != OfferStatus.PENDING or offer.expires_at > now:
            return None
        try:
            offer = await _cas(conn, offer, OfferStatus.EXPIRED, now)
        except Conflict:
            return None  # another node expired it, or a party decided it first
        msg = await self._record(conn, offer, OfferStatus.EXPIRED, offer.made_by, now)
        return Change(offer, (offer,), (msg,))

    # -- rules ----------------------------------------------------------------------------
    async def _decide(
        self,
        conn: AsyncConnection,
        user_id: str,
        offer_id: str,
        status: OfferStatus,
        now: datetime,
    ) -> Offer:
        """Check who may move the offer to ``status`` and that it is pending; then move it."""
        offer = await get(conn, offer_id)
        if user_id not in offer.parties():
            raise Forbidden("not a party to this offer")
        if status is OfferStatus.WITHDRAWN and user_id != offer.made_by:
            raise Forbidden("only the party that made the offer may withdraw it")
        if status is not OfferStatus.WITHDRAWN and user_id == offer.made_by:
            raise Forbidden("the other party answers an offer")
        if offer.status != OfferStatus.PENDING:
            raise Conflict(f"the offer is {offer.status}")
        if offer.expires_at <= now:
            raise Conflict("the offer has expired")
        return await _cas(conn, offer, status, now)

    async def _biddable(self, conn: AsyncConnection, listing_id: str) -> listings.Listing:
        try:
            listing = await listings.get(conn, listing_id)
        except storage_errors.NotFound as e:
            raise NotFound("no such listing") from e
        if listing.status != "active":
            raise Conflict(f"the listing is {listing.status}")
        if await txns.listing_held(conn, listing_id):
            raise Conflict("the listing has a sale in progress")
        return listing

    async def _record(
        self,
        conn: AsyncConnection,
        offer: Offer,
        verb: OfferStatus,
        sender: str,
        now: datetime,
        *,
        client_msg_id: str | None = None,
    ) -> Message:
        """The offer's chat line and its ``offer.updated`` event, in the caller's transaction."""
        await self._event(conn, offer, now)
        text = f"{_VERBS[verb]}: {money(offer.amount_cents, offer.currency)}"
        new = NewMessage(
            offer.conversation_id,
            sender,
            "offer",
            text,
            client_msg_id=client_msg_id,
            offer_id=offer.id,
        )
        return await messages.append(conn, new, now)

    async def _event(self, conn: AsyncConnection, offer: Offer, now: datetime) -> None:
        await outbox.enqueue(
            conn,
            self._topology.events,
            UPDATED,
            {"offer": offer.to_json()},
            now,
            correlation_id=offer.id,
        )

    async def _repeated(self, user_id: str, client_msg_id: str, conv_id: str) -> Change | None:
        async with self._db.read() as conn:
            msg = await messages.by_client_id(conn, user_id, client_msg_id)
            if msg is None:
                return None
            if msg.conversation_id != conv_id or msg.offer_id is None:
                raise Conflict("client_msg_id already used for another message")
            offer = await get(conn, msg.offer_id)
        return Change(offer, (), (msg,), duplicate=True)
