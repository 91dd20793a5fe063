"""``hub worker``: the commerce services as their own process, competing on the queues.

Several workers may run at once. Each runs the services' consumers (manual ack after their own
commit, dedupe by message_id) and an outbox relay for what the services emit. SIGTERM and SIGINT
stop it gracefully: stop taking messages, finish those in flight, stop the relay, disconnect.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from commerce.bus.base import Service, Topology
from commerce.bus.rabbitmq import RabbitBus
from commerce.escrow_worker import BuyShieldWorker, StripeWorkerConfig
from commerce.outbox import Relay
from commerce.transactions import TransactionService
from storage.engine import Database

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    database_url: str
    amqp_url: str
    namespace: str = "echolist"
    outbox_poll_s: float = 0.5
    max_deliveries: int = 5
    prefetch: int = 16
    grace_s: float = 5.0
    handler_delay_s: float = 0.0
    # BuyShield's commands and expiry scheduler (with Stripe); None: this worker skips them.
    buyshield: StripeWorkerConfig | None = None


class Worker:
    def __init__(self, config: WorkerConfig, clock: Callable[[], datetime] = utcnow) -> None:
        self.config = config
        self.topology = Topology(config.namespace)
        self.db = Database(config.database_url)
        self.bus = RabbitBus(
            config.amqp_url,
            self.topology,
            max_deliveries=config.max_deliveries,
            prefetch=config.prefetch,
        )
        self.relay = Relay(
            self.db, self.bus, self.topology.exchanges(), clock, poll_s=config.outbox_poll_s
        )
        # BuyShield's services join this list.
        self.services: list[Service] = [
            TransactionService(
                self.db,
                self.topology,
                clock,
                self.relay.wake,
                handler_delay_s=config.handler_delay_s,
            ),
        ]
        self.buyshield: BuyShieldWorker | None = None
        if config.buyshield is not None:
            self.buyshield = BuyShieldWorker.for_stripe(
                self.db, self.topology, clock, self.relay.wake, config.buyshield
            )
            self.services.append(self.buyshield)

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until ``stop`` is set."""
        await self.db.ping()
        await self.bus.start()
        relay = asyncio.create_task(self.relay.run(), name="outbox-relay")
        if self.buyshield is not None and self.config.buyshield is not None:
            await self.buyshield.open(_no_self_webhooks, self.config.buyshield.sweep_s)
        try:
            for svc in self.services:
                for sub in svc.subscriptions():
                    await self.bus.subscribe(sub)
            queues = [sub.queue for svc in self.services for sub in svc.subscriptions()]
            log.info("worker ready: consuming %s", ", ".join(queues))
            await stop.wait()
            log.info("worker stopping")
        finally:
            await self.bus.stop_consuming(self.config.grace_s)
            if self.buyshield is not None:
                await self.buyshield.close()
            relay.cancel()
            await asyncio.wait([relay])
            await self.bus.close()
            await self.db.dispose()
        log.info("worker stopped")


async def _no_self_webhooks(_payload: bytes, _signature: str) -> None:
    raise RuntimeError("Stripe sends its webhooks to the hub's HTTP route, not to workers")


async def serve(config: WorkerConfig) -> None:
    """Run a worker until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await Worker(config).run(stop)
