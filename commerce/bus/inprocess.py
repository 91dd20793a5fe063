"""The embedded default's bus: the same interface and delivery rules as RabbitMQ, in one process.

Published messages go to every subscribed queue whose binding matches; each queue has one
consumer task that acks by returning. A handler that raises gets the message again, up to
``max_deliveries``; then it goes to the dead letters. Commands nobody consumes are refused, like a
mandatory publish, so they stay in the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace

from commerce.bus.base import Envelope, Subscription, Topology, topic_matches
from commerce.errors import Unroutable

log = logging.getLogger(__name__)


@dataclass
class _Queue:
    subscription: Subscription
    items: asyncio.Queue[Envelope] = field(default_factory=asyncio.Queue)
    task: asyncio.Task[None] | None = None
    idle: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.idle.set()


class InProcessBus:
    node_local_delivery = False

    def __init__(self, topology: Topology, *, max_deliveries: int = 5) -> None:
        self.topology = topology
        self._max = max_deliveries
        self._queues: dict[str, _Queue] = {}
        self._consuming = True
        self.dead_letters: list[Envelope] = []

    async def start(self) -> None:
        self._consuming = True

    async def ping(self) -> None:
        return None

    async def publish(self, envelope: Envelope) -> None:
        targets = [q for q in self._queues.values() if _bound(q.subscription, envelope)]
        if not targets and envelope.exchange == self.topology.commands:
            raise Unroutable(f"no queue takes {envelope.type}")
        for q in targets:
            q.items.put_nowait(replace(envelope, delivery=1))

    async def subscribe(self, subscription: Subscription) -> None:
        if subscription.queue in self._queues:
            raise ValueError(f"queue {subscription.queue} is already consumed")
        q = _Queue(subscription)
        q.task = asyncio.create_task(self._consume(q), name=f"bus:{subscription.queue}")
        self._queues[subscription.queue] = q

    async def _consume(self, q: _Queue) -> None:
        while self._consuming:
            env = await q.items.get()
            q.idle.clear()
            try:
                await q.subscription.handler(env)
            except asyncio.CancelledError:
                q.items.put_nowait(env)
                raise
            except Exception:
                self._failed(q, env)
            finally:
                q.idle.set()

    def _failed(self, q: _Queue, env: Envelope) -> None:
        log.exception(
            "handler of %s failed on %s (delivery %d)", q.subscription.queue, env.type, env.delivery
        )
        if env.delivery >= self._max:
            log.error(
                "dead-lettering %s %s after %d deliveries", env.type, env.message_id, env.delivery
            )
            self.dead_letters.append(env)
        else:
            q.items.put_nowait(replace(env, delivery=env.delivery + 1))

    async def stop_consuming(self, grace_s: float) -> None:
        self._consuming = False
        idle = [asyncio.create_task(q.idle.wait()) for q in self._queues.values()]
        if idle:
            _, late = await asyncio.wait(idle, timeout=grace_s)
            for waiter in late:
                waiter.cancel()
        tasks = [q.task for q in self._queues.values() if q.task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    async def close(self) -> None:
        await self.stop_consuming(0)
        self._queues.clear()

    def pending(self) -> int:
        """Messages waiting in the queues (for tests and metrics)."""
        return sum(q.items.qsize() + int(not q.idle.is_set()) for q in self._queues.values())


def _bound(sub: Subscription, env: Envelope) -> bool:
    return sub.exchange == env.exchange and any(
        topic_matches(k, env.type) for k in sub.routing_keys
    )
