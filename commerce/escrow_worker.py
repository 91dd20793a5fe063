"""BuyShield's worker side: the provider commands, webhook events, and the expiry scheduler.

Commands (``<ns>.buyshield``, shared by the workers): ``buyshield.authorize`` brings the escrow
in line with its PaymentIntent (a webhook that never came is caught up), ``buyshield.capture``
captures it, ``buyshield.cancel`` releases the buyer's money (cancel the hold, or refund a captured
payment). Provider calls are idempotent (keys derived from the escrow, and a look first), so a
redelivered command does no harm; the state change that follows is deduped by message id.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from commerce.bus.base import Envelope, Subscription, Topology
from commerce.buyshield import Transition, Trigger
from commerce.errors import BadMessage
from commerce.escrow_service import (
    AUTHORIZE,
    CANCEL,
    CAPTURE,
    BuyShieldService,
    Config,
    ProviderEvent,
)
from commerce.payments.base import PaymentIntent, WebhookSink
from commerce.payments.stripe import StripeProvider
from commerce.photos import DiskPhotoStore
from storage.engine import Database

log = logging.getLogger(__name__)

EVENT_TRIGGERS: dict[str, Trigger] = {
    "payment_intent.amount_capturable_updated": Trigger.AUTHORIZED,
    "payment_intent.succeeded": Trigger.CAPTURED,
    "payment_intent.canceled": Trigger.PROVIDER_CANCELED,
    "payment_intent.payment_failed": Trigger.PAYMENT_FAILED,
    "charge.refunded": Trigger.REFUNDED,
    "charge.dispute.created": Trigger.CARD_DISPUTE,
}


class _Command(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    transaction_id: str
    payment_intent_id: str | None = None


class _Data(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    object: dict[str, Any]


class WebhookEvent(BaseModel):
    """A Stripe event's envelope (the rest of it is ignored)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    id: str
    type: str
    data: _Data

    def reduced(self) -> ProviderEvent:
        obj = self.data.object
        if self.type.startswith("payment_intent."):
            pi_id = obj.get("id")
        else:  # charges and disputes name their PaymentIntent
            pi_id = obj.get("payment_intent")
        metadata = obj.get("metadata") or {}
        tid = metadata.get("transaction_id") if isinstance(metadata, Mapping) else None
        return ProviderEvent(
            self.id,
            self.type,
            pi_id if isinstance(pi_id, str) else None,
            tid if isinstance(tid, str) else None,
        )


async def handle_webhook(svc: BuyShieldService, event: Mapping[str, Any]) -> Transition | None:
    """A signature-checked event: applied to its escrow, or acknowledged and ignored."""
    try:
        parsed = WebhookEvent.model_validate(dict(event))
    except ValidationError as e:
        raise BadMessage(f"not a Stripe event: {e.errors()[:1]}") from e
    trigger = EVENT_TRIGGERS.get(parsed.type)
    if trigger is None:
        log.info("payment event %s of type %s: not ours", parsed.id, parsed.type)
        return None
    obj = parsed.data.object
    held = obj.get("status") == "requires_capture" or int(obj.get("amount_capturable") or 0) > 0
    if trigger is Trigger.AUTHORIZED and not held:
        return None
    return await svc.on_event(parsed.reduced(), trigger)


@dataclass(frozen=True, slots=True)
class StripeWorkerConfig:
    """What ``hub worker`` needs to run BuyShield against Stripe."""

    api_key: str
    webhook_secret: str
    api_base: str | None = None
    hold: timedelta = timedelta(hours=72)
    sweep_s: float = 60.0
    max_code_attempts: int = 5
    photo_dir: Path = Path("var/photos")


class BuyShieldWorker:
    """Consumes the BuyShield commands; runs the expiry scheduler."""

    def __init__(self, svc: BuyShieldService) -> None:
        self.svc = svc
        self.queue = svc.topology.queue("buyshield")
        self.handled = 0
        self._sweeper: asyncio.Task[None] | None = None

    @classmethod
    def for_stripe(
        cls,
        db: Database,
        topology: Topology,
        clock: Callable[[], datetime],
        wake_relay: Callable[[], None],
        config: StripeWorkerConfig,
    ) -> BuyShieldWorker:
        provider = StripeProvider(config.api_key, config.webhook_secret, config.api_base)
        svc = BuyShieldService(
            db,
            topology,
            clock,
            provider,
            DiskPhotoStore(config.photo_dir),
            wake_relay,
            Config(hold=config.hold, max_code_attempts=config.max_code_attempts),
        )
        return cls(svc)

    async def open(self, sink: WebhookSink, sweep_s: float | None) -> None:
        """Start the provider, and the expiry scheduler unless ``sweep_s`` is None."""
        await self.svc.provider.start(sink)
        if sweep_s is not None:
            self._sweeper = asyncio.create_task(self.run_sweeper(sweep_s), name="buyshield-sweeper")

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.wait([self._sweeper])
            self._sweeper = None
        await self.svc.provider.close()

    def subscriptions(self) -> list[Subscription]:
        return [
            Subscription(
                self.queue,
                self.svc.topology.commands,
                (AUTHORIZE, CAPTURE, CANCEL),
                self.handle,
            )
        ]

    async def handle(self, env: Envelope) -> None:
        try:
            cmd = _Command.model_validate(dict(env.body))
        except ValidationError as e:
            raise BadMessage(f"bad {env.type}: {e.errors()[:1]}") from e
        escrow = await self.svc.get(cmd.transaction_id)
        pi_id = escrow.payment_intent_id
        if pi_id is None:
            raise BadMessage(f"BuyShield {cmd.transaction_id} has no PaymentIntent")
        key = f"buyshield-{cmd.transaction_id}"
        provider = self.svc.provider
        if env.type == AUTHORIZE:
            await self._sync(cmd.transaction_id, await provider.retrieve(pi_id))
        elif env.type == CAPTURE:
            pi = await provider.capture(pi_id, idempotency_key=f"{key}-capture")
            await self._sync(cmd.transaction_id, pi)
        elif env.type == CANCEL:
            current = await provider.retrieve(pi_id)
            if current.captured:
                await provider.refund(pi_id, idempotency_key=f"{key}-refund")
            else:
                await provider.cancel(pi_id, idempotency_key=f"{key}-cancel")
        else:
            raise BadMessage(f"{self.queue} does not handle {env.type}")
        self.handled += 1
        log.info("%s %s done (transaction %s)", env.type, env.message_id, cmd.transaction_id)

    async def _sync(self, transaction_id: str, pi: PaymentIntent) -> None:
        """Follow what the provider reports (a no-op when the escrow is already there)."""
        actor = f"provider:{pi.status}"
        if pi.held:
            await self.svc.follow(transaction_id, Trigger.AUTHORIZED, actor)
        elif pi.captured:
            await self.svc.follow(transaction_id, Trigger.CAPTURED, actor)
        elif pi.canceled:
            await self.svc.follow(transaction_id, Trigger.PROVIDER_CANCELED, actor)

    async def run_sweeper(self, interval_s: float) -> None:
        """Expire due holds every ``interval_s`` until cancelled; a failed round is retried."""
        while True:
            await asyncio.sleep(interval_s)
            try:
                done = await self.svc.expire_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("BuyShield expiry sweep failed")
                continue
            if done:
                log.info("BuyShield: %d holds expired", len(done))
