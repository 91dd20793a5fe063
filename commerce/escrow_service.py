"""BuyShield's operations: each loads the escrow, applies a pure transition, and stores it.

A transition is written in one database transaction with its audit row, the transaction's own
status change, and its outbox messages: the ``buyshield.status`` event, and the commands that make
the provider follow (``buyshield.capture``, ``buyshield.cancel``, ``buyshield.authorize``). The
provider is called inline only where the caller needs its answer (the ``client_secret`` of
``buyshield.start``); everything else reaches it through the outbox and the worker.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from commerce import escrows, outbox
from commerce import transactions as txns
from commerce.bus.base import Topology
from commerce.buyshield import (
    Escrow,
    Status,
    Transition,
    Trigger,
    allowed,
    apply,
    new_release_code,
)
from commerce.errors import Conflict, Forbidden
from commerce.payments.base import PaymentProvider
from commerce.photos import PhotoStore
from commerce.transactions import TransactionStatus
from storage.engine import Database
from storage.repositories import listings
from storage.tables import listing_holds

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]

STATUS = "buyshield.status"
AUTHORIZE = "buyshield.authorize"
CAPTURE = "buyshield.capture"
CANCEL = "buyshield.cancel"
SYSTEM = "system"
_CLOSES_TRANSACTION = {
    Status.RELEASED: TransactionStatus.COMPLETED,
    Status.CANCELLED: TransactionStatus.CANCELLED,
    Status.EXPIRED: TransactionStatus.CANCELLED,
    Status.REFUNDED: TransactionStatus.CANCELLED,
}

# Where the buyer gets the money back (cancel the hold or refund), unless the provider did it.
_RETURNS_MONEY = frozenset({Status.CANCELLED, Status.EXPIRED, Status.REFUNDED})
_BY_PROVIDER = frozenset({Trigger.PROVIDER_CANCELED, Trigger.REFUNDED})


@dataclass(frozen=True, slots=True)
class Config:
    hold: timedelta = timedelta(hours=72)
    max_code_attempts: int = 5


@dataclass(frozen=True, slots=True)
class Started:
    escrow: Escrow
    client_secret: str | None
    created: bool


@dataclass(frozen=True, slots=True)
class ProviderEvent:
    """A webhook event, reduced to what BuyShield reads."""

    id: str
    type: str
    pi_id: str | None
    transaction_id: str | None


@dataclass(frozen=True, slots=True)
class Verification:
    """What a verify attempt did: ``ok`` (verified), or a wrong code (``locked`` at the limit)."""

    escrow: Escrow
    ok: bool
    locked: bool = False
    attempts_left: int = 0


def authorize_key(transaction_id: str) -> str:
    """The idempotency key of the transaction's one PaymentIntent."""
    return f"buyshield-{transaction_id}-authorize"


class BuyShieldService:
    def __init__(
        self,
        db: Database,
        topology: Topology,
        clock: Clock,
        provider: PaymentProvider,
        photos: PhotoStore,
        wake_relay: Callable[[], None],
        config: Config | None = None,
    ) -> None:
        self.db = db
        self.topology = topology
        self.now = clock
        self.provider = provider
        self.photos = photos
        self.wake = wake_relay
        self.config = config or Config()

    # -- reading ------------------------------------------------------------------------------
    async def get(self, transaction_id: str) -> Escrow:
        async with self.db.read() as conn:
            return await escrows.get(conn, transaction_id)

    async def for_party(self, user_id: str, transaction_id: str) -> Escrow:
        escrow = await self.get(transaction_id)
        if user_id not in escrow.parties():
            raise Forbidden("not a party to this transaction")
        return escrow

    async def disputed(self, limit: int) -> list[Escrow]:
        async with self.db.read() as conn:
            return await escrows.with_status(conn, Status.DISPUTED, limit)

    async def history(self, transaction_id: str) -> list[dict[str, Any]]:
        async with self.db.read() as conn:
            return await escrows.history(conn, transaction_id)

    # -- start ----------------------------------------------------------------------------------
    async def start(self, user_id: str, transaction_id: str) -> Started:
        """The buyer starts BuyShield; a retry returns the same escrow and PaymentIntent."""
        async with self.db.read() as conn:
            txn = await txns.get(conn, transaction_id)
            existing = await escrows.find(conn, transaction_id)
            listing = await listings.find(conn, txn.listing_id)
        if user_id != txn.buyer_id:
            raise Forbidden("only the buyer starts BuyShield")
        if existing is not None:
            return await self._again(existing)
        if txn.status != TransactionStatus.OPEN:
            raise Conflict(f"the transaction is {txn.status}")
        if listing is None or not listing.local_pickup:
            raise Conflict("BuyShield is for local-pickup listings")
        pi = await self.provider.create_hold(
            amount_cents=txn.amount_cents,
            currency=txn.currency,
            metadata={
                "transaction_id": txn.id,
                "listing_id": txn.listing_id,
                "buyer_id": txn.buyer_id,
                "seller_id": txn.seller_id,
            },
            idempotency_key=authorize_key(txn.id),
        )
        now = self.now()
        escrow = Escrow(
            transaction_id=txn.id,
            listing_id=txn.listing_id,
            buyer_id=txn.buyer_id,
            seller_id=txn.seller_id,
            amount_cents=txn.amount_cents,
            currency=txn.currency,
            status=Status.REQUIRES_PAYMENT,
            payment_intent_id=pi.id,
            release_code=new_release_code(),
            code_attempts=0,
            # Unpaid, it expires like a hold would: the buyer has as long to pay.
            deadline=now + self.config.hold,
            held_at=None,
            dispute_reason=None,
            disputed_by=None,
            photo_key=None,
            created_at=now,
            updated_at=now,
        )

        async def work(conn: AsyncConnection) -> Escrow | None:
            if not await escrows.insert(conn, escrow):
                return None
            if not await txns.set_status(
                conn,
                txn.id,
                expect=TransactionStatus.OPEN,
                status=TransactionStatus.BUYSHIELD,
                now=now,
            ):
                raise Conflict("the transaction is no longer open")
            created = Transition(escrow, escrow, Trigger.AUTHORIZED, user_id, "started")
            await escrows.audit(conn, txn.id, "new", created, now)
            await self._transaction_updated(conn, txn.id, now)
            await self._emit_status(conn, escrow, now)
            await self._command(conn, AUTHORIZE, escrow, now)
            return escrow

        stored = await self.db.run(work)
        if stored is None:
            return await self._again(await self.get(transaction_id))
        self.wake()
        return Started(stored, pi.client_secret, created=True)

    async def _again(self, escrow: Escrow) -> Started:
        secret = None
        if escrow.payment_intent_id and escrow.status is Status.REQUIRES_PAYMENT:
            secret = (await self.provider.retrieve(escrow.payment_intent_id)).client_secret
        return Started(escrow, secret, created=False)

    # -- the parties ----------------------------------------------------------------------------
    async def cancel(self, user_id: str, transaction_id: str) -> Transition:
        def check(e: Escrow) -> None:
            if user_id != e.buyer_id:
                raise Forbidden("only the buyer cancels BuyShield")

        return await self.transition(transaction_id, Trigger.CANCEL, user_id, check=check)

    async def dispute(self, user_id: str, transaction_id: str, reason: str) -> Transition:
        def check(e: Escrow) -> None:
            if user_id not in e.parties():
                raise Forbidden("not a party to this transaction")

        return await self.transition(
            transaction_id, Trigger.DISPUTE, user_id, reason=reason, check=check
        )

    async def verify(
        self, user_id: str, transaction_id: str, code: str, photo: bytes
    ) -> Verification:
        """The seller's code check at the meetup; the photo is stored when the code is right."""
        escrow = await self.get(transaction_id)
        if user_id != escrow.seller_id:
            raise Forbidden("only the seller verifies the meetup")
        if escrow.status is not Status.FUNDS_HELD:
            raise Conflict(f"BuyShield is {escrow.status.value}; nothing to verify")
        if not hmac.compare_digest(code.encode(), escrow.release_code.encode()):
            return await self._wrong_code(user_id, transaction_id)
        key = await self.photos.put(f"{transaction_id}-meetup", photo)
        t = await self.transition(transaction_id, Trigger.VERIFY, user_id, photo_key=key)
        return Verification(t.after, ok=True)

    async def _wrong_code(self, user_id: str, transaction_id: str) -> Verification:
        limit = self.config.max_code_attempts

        async def work(conn: AsyncConnection) -> Verification:
            now = self.now()
            escrow = await escrows.get(conn, transaction_id, lock=True)
            if escrow.status is not Status.FUNDS_HELD:
                raise Conflict(f"BuyShield is {escrow.status.value}; nothing to verify")
            attempts = await escrows.count_wrong_code(conn, transaction_id, now)
            escrow = replace(escrow, code_attempts=attempts)
            if attempts < limit:
                return Verification(escrow, ok=False, attempts_left=limit - attempts)
            reason = f"locked after {attempts} wrong release codes"
            t = apply(escrow, Trigger.LOCK, now, actor=user_id, reason=reason)
            await self._store(conn, t, now)
            return Verification(t.after, ok=False, locked=True)

        out = await self.db.run(work)
        if out.locked:
            self.wake()
        return out

    # -- moderators -----------------------------------------------------------------------------
    async def resolve(
        self, moderator_id: str, transaction_id: str, action: str, note: str | None
    ) -> Transition:
        trigger = Trigger.RESOLVE_RELEASE if action == "release" else Trigger.RESOLVE_REFUND
        return await self.transition(transaction_id, trigger, moderator_id, reason=note)

    # -- transitions ----------------------------------------------------------------------------
    async def transition(
        self,
        transaction_id: str,
        trigger: Trigger,
        actor: str,
        *,
        reason: str | None = None,
        check: Callable[[Escrow], None] | None = None,
        photo_key: str | None = None,
    ) -> Transition:
        """Apply ``trigger``; :class:`~commerce.buyshield.InvalidTransition` when not allowed."""

        async def work(conn: AsyncConnection) -> Transition:
            now = self.now()
            escrow = await escrows.get(conn, transaction_id, lock=True)
            if check is not None:
                check(escrow)
            t = apply(escrow, trigger, now, actor=actor, reason=reason, hold=self.config.hold)
            if photo_key is not None:
                await escrows.set_photo(conn, transaction_id, photo_key)
            await self._store(conn, t, now)
            return t

        t = await self.db.run(work)
        self.wake()
        return t

    async def _store(self, conn: AsyncConnection, t: Transition, now: datetime) -> None:
        """The transition, its audit, the transaction's change, and its outbox messages."""
        if not await escrows.write(conn, t):
            raise Conflict("BuyShield changed meanwhile; try again")
        after = t.after
        closes = _CLOSES_TRANSACTION.get(after.status)
        if t.changed and closes is not None:
            await self._close_transaction(conn, after, closes, now)
        await self._emit_status(conn, after, now)
        if after.status is Status.VERIFIED or t.trigger is Trigger.RESOLVE_RELEASE:
            await self._command(conn, CAPTURE, after, now)
        elif t.changed and after.status in _RETURNS_MONEY and t.trigger not in _BY_PROVIDER:
            await self._command(conn, CANCEL, after, now)

    async def _close_transaction(
        self, conn: AsyncConnection, escrow: Escrow, status: TransactionStatus, now: datetime
    ) -> None:
        tid = escrow.transaction_id
        if await txns.set_status(
            conn, tid, expect=TransactionStatus.BUYSHIELD, status=status, now=now
        ):
            await self._transaction_updated(conn, tid, now)
        if status is TransactionStatus.CANCELLED:
            # The sale fell through: the listing may be sold again.
            await conn.execute(
                sa.delete(listing_holds).where(
                    listing_holds.c.listing_id == escrow.listing_id,
                    listing_holds.c.transaction_id == tid,
                )
            )

    async def _transaction_updated(self, conn: AsyncConnection, tid: str, now: datetime) -> None:
        txn = await txns.get(conn, tid)
        await outbox.enqueue(
            conn, self.topology.events, txns.UPDATED, {"transaction": txn.to_json()}, now
        )

    async def _emit_status(self, conn: AsyncConnection, escrow: Escrow, now: datetime) -> None:
        body = {
            "buyshield": escrow.to_json(None),
            "buyer_id": escrow.buyer_id,
            "seller_id": escrow.seller_id,
            "listing_id": escrow.listing_id,
        }
        await outbox.enqueue(conn, self.topology.events, STATUS, body, now)

    async def _command(
        self, conn: AsyncConnection, kind: str, escrow: Escrow, now: datetime
    ) -> None:
        body = {
            "transaction_id": escrow.transaction_id,
            "payment_intent_id": escrow.payment_intent_id,
        }
        await outbox.enqueue(conn, self.topology.commands, kind, body, now)

    # -- the provider's side --------------------------------------------------------------------
    async def follow(
        self, transaction_id: str, trigger: Trigger, actor: str, reason: str | None = None
    ) -> Transition | None:
        """A provider-reported change: applied when it moves the escrow forward, else ignored."""
        try:
            return await self.transition(transaction_id, trigger, actor, reason=reason)
        except Conflict as e:
            log.info("BuyShield %s: %s ignored (%s)", transaction_id, trigger.value, e)
            return None

    async def on_event(self, event: ProviderEvent, trigger: Trigger) -> Transition | None:
        """A verified webhook event: stored once (replays ignored), applied when it moves the
        escrow forward (late or duplicate events are no transition)."""

        async def work(conn: AsyncConnection) -> Transition | None:
            now = self.now()
            if not await escrows.first_event(conn, event.id, event.type, event.pi_id, now):
                log.info("payment event %s replayed; ignored", event.id)
                return None
            escrow = None
            if event.pi_id:
                escrow = await escrows.by_payment_intent(conn, event.pi_id, lock=True)
            if escrow is None and event.transaction_id:
                escrow = await escrows.find(conn, event.transaction_id, lock=True)
            if escrow is None or not allowed(escrow.status, trigger):
                log.info("payment event %s (%s) moves nothing", event.id, event.type)
                return None
            t = apply(
                escrow,
                trigger,
                now,
                actor=f"provider:{event.type}",
                reason=event.id,
                hold=self.config.hold,
            )
            await self._store(conn, t, now)
            return t

        t = await self.db.run(work)
        if t is not None:
            self.wake()
        return t

    async def expire_due(self, limit: int = 100) -> list[Transition]:
        """Expire escrows past their deadline. Safe with several workers: the rows are claimed
        with ``FOR UPDATE SKIP LOCKED`` and each expiry is a compare-and-set on the status."""

        async def work(conn: AsyncConnection) -> list[Transition]:
            now = self.now()
            done = []
            for tid in await escrows.due(conn, now, limit):
                escrow = await escrows.get(conn, tid)
                t = apply(escrow, Trigger.EXPIRE, now, actor=SYSTEM, reason="deadline passed")
                if await escrows.write(conn, t):
                    await self._after_expiry(conn, t, now)
                    done.append(t)
            return done

        done = await self.db.run(work)
        if done:
            self.wake()
        return done

    async def _after_expiry(self, conn: AsyncConnection, t: Transition, now: datetime) -> None:
        await self._close_transaction(conn, t.after, TransactionStatus.CANCELLED, now)
        await self._emit_status(conn, t.after, now)
        await self._command(conn, CANCEL, t.after, now)
