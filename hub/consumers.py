"""The node's side of the bus: its events consumer, and the commerce runtime it runs in.

- :class:`NodeEvents` consumes ``<ns>.events`` on the node's own queue and pushes to sockets.
  Handlers are registered by message type (``transaction.updated`` here; BuyShield adds
  ``buyshield.status``). With RabbitMQ every node gets every event, so it emits ``local=True``
  (only to the sockets it holds); on the in-process bus only the publishing node gets it, so it
  emits through the gateway's fan-out instead.
- ``listing.updated`` from other services is consumed on a shared queue (once per cluster): it is
  applied to the listing read model with dedupe, and price changes go to watchers via fan-out.
- :class:`CommerceNode` owns the bus, the outbox relay, the offer expiry sweeper and, on the
  embedded default (no ``HUB_AMQP_URL``), the commerce services themselves.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from commerce import outbox
from commerce.bus.base import Bus, Envelope, Service, Subscription, Topology
from commerce.bus.inprocess import InProcessBus
from commerce.bus.rabbitmq import RabbitBus
from commerce.errors import BadMessage
from commerce.offers import OfferService
from commerce.outbox import Relay
from commerce.transactions import UPDATED as TRANSACTION_UPDATED
from commerce.transactions import Transaction, TransactionService
from hub import wire
from hub.chat import ChatService
from hub.gateway import Gateway
from hub.http.ops import ReadinessCheck
from hub.listings import ListingService
from hub.offers import OfferHub
from hub.schemas import ListingUpdated
from hub.settings import Settings
from storage.engine import Database
from storage.errors import NotFound
from storage.repositories import listings
from storage.repositories.listings import Listing

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
EventHandler = Callable[[Envelope, bool], Awaitable[None]]


class NodeEvents:
    """This node's consumer of the events exchange; handlers get (event, emit_local)."""

    def __init__(self, topology: Topology, node_id: str) -> None:
        self._topology = topology
        self._node_id = node_id
        self._handlers: dict[str, EventHandler] = {}
        self.local = True

    def on(self, event_type: str, handler: EventHandler) -> None:
        self._handlers[event_type] = handler

    def subscription(self, local: bool) -> Subscription:
        self.local = local
        return Subscription(
            self._topology.queue(f"hub.{self._node_id}"),
            self._topology.events,
            tuple(sorted(self._handlers)),
            self._dispatch,
            per_node=True,
        )

    async def _dispatch(self, env: Envelope) -> None:
        handler = self._handlers.get(env.type)
        if handler is None:
            raise BadMessage(f"no handler for {env.type}")
        await handler(env, self.local)


def push_transactions(gateway: Gateway) -> EventHandler:
    async def handler(env: Envelope, local: bool) -> None:
        txn = Transaction.from_json(env.body.get("transaction") or {})
        body = {"transaction": wire.transaction(txn)}
        await gateway.emit_users(
            "transaction.update", body, [txn.buyer_id, txn.seller_id], local=local
        )

    return handler


class ListingUpdates:
    """Applies ``listing.updated`` events to the read model, once, and pushes price changes."""

    def __init__(self, db: Database, svc: ListingService, topology: Topology, clock: Clock) -> None:
        self._db = db
        self._svc = svc
        self._topology = topology
        self._now = clock
        self.queue = topology.queue("hub.listings")

    def subscription(self) -> Subscription:
        return Subscription(self.queue, self._topology.events, ("listing.updated",), self.handle)

    async def handle(self, env: Envelope) -> None:
        try:
            update = ListingUpdated.model_validate(dict(env.body))
        except ValidationError as e:
            raise BadMessage(f"bad listing.updated: {e.errors()[:1]}") from e
        fields = update.model_dump(exclude_none=True, exclude={"listing_id"})

        async def work(conn: AsyncConnection) -> tuple[Listing, Listing] | None:
            now = self._now()
            if not await outbox.first_time(conn, self.queue, env.message_id, now):
                return None
            try:
                return await listings.update_fields(conn, update.listing_id, now, **fields)
            except NotFound:
                log.info("listing.updated for unknown listing %s: ignored", update.listing_id)
                return None

        changed = await self._db.run(work)
        if changed is not None and changed[0].price_cents != changed[1].price_cents:
            await self._svc.push_price(*changed)


class CommerceNode:
    """The bus, the relay, the sweeper and (embedded) the services, for one hub node."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        gateway: Gateway,
        chat: ChatService,
        listing_service: ListingService,
        clock: Clock,
        checks: dict[str, ReadinessCheck],
    ) -> None:
        self.settings = settings
        self.topology = Topology(settings.amqp_namespace)
        self.bus: Bus = (
            RabbitBus(
                settings.amqp_url,
                self.topology,
                max_deliveries=settings.amqp_max_deliveries,
                prefetch=settings.amqp_prefetch,
            )
            if settings.amqp_url
            else InProcessBus(self.topology, max_deliveries=settings.amqp_max_deliveries)
        )
        self.relay = Relay(
            db, self.bus, self.topology.exchanges(), clock, poll_s=settings.outbox_poll_s
        )
        self.offers = OfferHub(
            OfferService(db, self.topology, clock, settings.offer_ttl_s),
            chat,
            gateway,
            self.relay.wake,
        )
        self.events = NodeEvents(self.topology, settings.node_id)
        self.events.on(TRANSACTION_UPDATED, push_transactions(gateway))
        self.listing_updates = ListingUpdates(db, listing_service, self.topology, clock)
        # Embedded: the commerce services run here. With RabbitMQ, `hub worker` runs them.
        self.services: list[Service] = []
        if not settings.amqp_url:
            self.services.append(
                TransactionService(
                    db,
                    self.topology,
                    clock,
                    self.relay.wake,
                    handler_delay_s=settings.testing_commerce_handler_delay_s,
                )
            )
        self._checks = checks
        self._tasks: set[asyncio.Task[Any]] = set()

    async def lifecycle(self, _app: web.Application) -> AsyncIterator[None]:
        """``cleanup_ctx``: connect, subscribe, start relay and sweeper; undo in reverse."""
        await self.bus.start()
        if isinstance(self.bus, RabbitBus):
            self._checks["rabbitmq"] = self.bus.ping
        try:
            await self._subscribe()
            self._spawn(self.relay.run(), "outbox-relay")
            self._spawn(self.offers.run_sweeper(self.settings.offer_sweep_s), "offer-sweeper")
            yield
        finally:
            await self.bus.stop_consuming(self.settings.shutdown_grace_s)
            for task in self._tasks:
                task.cancel()
            if self._tasks:
                await asyncio.wait(self._tasks)
            self._tasks.clear()
            await self.bus.close()

    async def _subscribe(self) -> None:
        await self.bus.subscribe(self.events.subscription(local=self.bus.node_local_delivery))
        await self.bus.subscribe(self.listing_updates.subscription())
        for svc in self.services:
            for sub in svc.subscriptions():
                await self.bus.subscribe(sub)

    def _spawn(self, coro: Awaitable[None], name: str) -> None:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s died", task.get_name(), exc_info=task.exception())
