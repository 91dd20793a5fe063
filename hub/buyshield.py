"""The hub side of BuyShield: socket events and HTTP calls become service calls; pushes.

Push paths:
- ``buyshield.status`` comes only from the events consumer (every transition's outbox carries a
  ``buyshield.status`` event): each party gets their own view, the buyer's with the release code
  (read from the database here; the code never travels on the bus).
- ``transaction.update`` comes from the same consumer, on ``transaction.updated``.
- ``dispute.item`` goes to the moderators' room from the node that made the change (a party's
  dispute, a locked escrow, a card dispute webhook, a moderator's resolution).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from commerce import errors as commerce_errors
from commerce.bus.base import Envelope
from commerce.buyshield import Escrow, Status, Transition, code_visible
from commerce.escrow_service import STATUS, BuyShieldService, Config
from commerce.escrow_worker import BuyShieldWorker, handle_webhook
from commerce.payments.base import InvalidSignature, PaymentError, PaymentProvider
from commerce.payments.simulated import SimulatedProvider
from commerce.payments.stripe import StripeProvider, verify_webhook
from commerce.photos import DiskPhotoStore, PhotoTooLarge
from hub.consumers import CommerceNode
from hub.errors import ClientError, ErrorCode
from hub.gateway import Gateway
from hub.moderation import MODERATORS, NAMESPACE
from hub.settings import Settings
from storage.engine import Database

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
_STATUSES = frozenset(s.value for s in Status)

_CODES: list[tuple[type[Exception], ErrorCode]] = [
    (PhotoTooLarge, ErrorCode.TOO_LARGE),
    (commerce_errors.Invalid, ErrorCode.INVALID),
    (commerce_errors.NotFound, ErrorCode.NOT_FOUND),
    (commerce_errors.Forbidden, ErrorCode.FORBIDDEN),
    (commerce_errors.Conflict, ErrorCode.CONFLICT),
    (PaymentError, ErrorCode.UNAVAILABLE),
    (InvalidSignature, ErrorCode.INVALID),
]


@asynccontextmanager
async def client_errors() -> AsyncIterator[None]:
    """Commerce's errors as the contract's codes (subclasses included)."""
    try:
        yield
    except commerce_errors.CommerceError as e:
        for kind, code in _CODES:
            if isinstance(e, kind):
                raise ClientError(code, str(e)) from e
        raise


def build_provider(settings: Settings) -> PaymentProvider:
    """Stripe when ``HUB_STRIPE_API_KEY`` is set; otherwise the simulated test mode."""
    secret = settings.stripe_webhook_secret
    if settings.stripe_api_key is not None:
        if secret is None:
            raise ValueError("HUB_STRIPE_WEBHOOK_SECRET is required with HUB_STRIPE_API_KEY")
        return StripeProvider(
            settings.stripe_api_key.get_secret_value(),
            secret.get_secret_value(),
            settings.stripe_api_base,
        )
    return SimulatedProvider(
        None if secret is None else secret.get_secret_value(),
        confirm_after_s=settings.buyshield_simulated_confirm_s,
    )


def dispute_item(e: Escrow, max_attempts: int) -> dict[str, Any]:
    """What moderators see of a disputed or locked escrow (never the release code)."""
    return {
        **e.to_json(None),
        "listing_id": e.listing_id,
        "buyer_id": e.buyer_id,
        "seller_id": e.seller_id,
        "amount_cents": e.amount_cents,
        "currency": e.currency,
        "reason": e.dispute_reason,
        "disputed_by": e.disputed_by,
        "locked": e.code_attempts >= max_attempts,
        "photo": e.photo_key is not None,
    }


class BuyShieldHub:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        gateway: Gateway,
        commerce: CommerceNode,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.provider = build_provider(settings)
        photo_dir = settings.photo_dir or settings.data_dir / "photos"
        self.config = Config(
            hold=timedelta(hours=settings.buyshield_hold_hours),
            max_code_attempts=settings.buyshield_max_code_attempts,
        )
        self.svc = BuyShieldService(
            db,
            commerce.topology,
            clock,
            self.provider,
            DiskPhotoStore(photo_dir),
            commerce.relay.wake,
            self.config,
        )
        self.worker = BuyShieldWorker(self.svc)
        self._gw = gateway
        commerce.events.on(STATUS, self.push)
        # Embedded bus: the commands and the scheduler run here; with RabbitMQ, `hub worker`.
        self.runs_worker = not settings.amqp_url
        if self.runs_worker:
            commerce.services.append(self.worker)

    async def lifecycle(self, _app: web.Application) -> AsyncIterator[None]:
        """``cleanup_ctx`` (before the commerce node's): the provider, and the scheduler."""
        sweep = self.settings.buyshield_sweep_s if self.runs_worker else None
        await self.worker.open(self._self_webhook, sweep)
        try:
            yield
        finally:
            await self.worker.close()

    # -- the parties ----------------------------------------------------------------------------
    async def start(self, user_id: str, transaction_id: str) -> dict[str, Any]:
        async with client_errors():
            started = await self.svc.start(user_id, transaction_id)
        return {
            "buyshield": started.escrow.to_json(user_id),
            "client_secret": started.client_secret,
        }

    async def get(self, user_id: str, transaction_id: str) -> dict[str, Any]:
        async with client_errors():
            escrow = await self.svc.for_party(user_id, transaction_id)
        return {"buyshield": escrow.to_json(user_id)}

    async def cancel(self, user_id: str, transaction_id: str) -> dict[str, Any]:
        async with client_errors():
            t = await self.svc.cancel(user_id, transaction_id)
        return {"buyshield": t.after.to_json(user_id)}

    async def dispute(self, user_id: str, transaction_id: str, reason: str) -> dict[str, Any]:
        async with client_errors():
            t = await self.svc.dispute(user_id, transaction_id, reason)
        await self._to_moderators(t.after)
        return {"buyshield": t.after.to_json(user_id)}

    async def verify(
        self, user_id: str, transaction_id: str, code: str, photo: bytes
    ) -> dict[str, Any]:
        """The seller's meetup check: ``forbidden`` for a wrong code, ``conflict`` once locked."""
        async with client_errors():
            out = await self.svc.verify(user_id, transaction_id, code, photo)
        if out.locked:
            await self._to_moderators(out.escrow)
            raise ClientError(
                ErrorCode.FORBIDDEN, "wrong release code; BuyShield is locked for moderators"
            )
        if not out.ok:
            raise ClientError(
                ErrorCode.FORBIDDEN, f"wrong release code ({out.attempts_left} tries left)"
            )
        return {"buyshield": out.escrow.to_json(user_id)}

    # -- moderators -----------------------------------------------------------------------------
    async def disputes(self, limit: int) -> dict[str, Any]:
        items = await self.svc.disputed(limit)
        return {"items": [dispute_item(e, self.config.max_code_attempts) for e in items]}

    async def resolve(
        self, moderator_id: str, transaction_id: str, action: str, note: str | None
    ) -> dict[str, Any]:
        async with client_errors():
            t = await self.svc.resolve(moderator_id, transaction_id, action, note)
        await self._to_moderators(t.after)
        return {
            "buyshield": t.after.to_json(None),
            "resolution": {"action": action, "moderator_id": moderator_id, "note": note},
        }

    async def _to_moderators(self, escrow: Escrow) -> None:
        item = dispute_item(escrow, self.config.max_code_attempts)
        await self._gw.emit("dispute.item", item, MODERATORS, namespace=NAMESPACE)

    # -- the provider ---------------------------------------------------------------------------
    async def webhook(self, payload: bytes, signature: str | None) -> Transition | None:
        """A provider webhook: signature checked on the raw body, then applied once."""
        async with client_errors():
            event = verify_webhook(payload, signature, self.provider.webhook_secret)
            try:
                t = await handle_webhook(self.svc, event)
            except commerce_errors.BadMessage as e:
                raise commerce_errors.Invalid(str(e)) from e
        if t is not None and t.changed and t.after.status is Status.DISPUTED:
            await self._to_moderators(t.after)
        return t

    async def _self_webhook(self, payload: bytes, signature: str) -> None:
        """Where the simulated provider delivers: the same path as the HTTP route."""
        await self.webhook(payload, signature)

    # -- pushes ---------------------------------------------------------------------------------
    async def push(self, env: Envelope, local: bool) -> None:
        """``buyshield.status`` to both parties, each with their own view."""
        body = env.body
        view = dict(body.get("buyshield") or {})
        buyer, seller = body.get("buyer_id"), body.get("seller_id")
        tid, status = view.get("transaction_id"), view.get("status")
        if not all(isinstance(x, str) for x in (buyer, seller, tid)) or status not in _STATUSES:
            raise commerce_errors.BadMessage("buyshield.status without its parties or status")
        seller_view = {**view, "release_code": None}
        buyer_view = {**view, "release_code": None}
        if code_visible(Status(status)):
            buyer_view["release_code"] = (await self.svc.get(str(tid))).release_code
        emit = self._gw.emit_users
        await emit("buyshield.status", {"buyshield": buyer_view}, [str(buyer)], local=local)
        await emit("buyshield.status", {"buyshield": seller_view}, [str(seller)], local=local)
