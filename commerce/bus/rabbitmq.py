"""RabbitMQ with aio-pika: a robust connection, publisher confirms, manual acks, dead letters.

- Exchanges (durable, topic): ``<ns>.commands``, ``<ns>.events``, ``<ns>.dlx``; the queue
  ``<ns>.dead`` takes every dead letter.
- Shared subscriptions are durable quorum queues: the broker counts deliveries
  (``x-delivery-count``) and, as a backstop for consumers that die on a message, dead-letters it
  past ``x-delivery-limit``. Per-node subscriptions are exclusive, auto-deleted classic queues.
- A handler that raises: the message is requeued until its ``max_deliveries``-th delivery,
  then rejected to the dead-letter exchange. It is never dropped.
- Commands are published ``mandatory``: one no queue takes is returned and the publish raises,
  so the outbox keeps it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aio_pika
import orjson
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)

from commerce.bus.base import Envelope, Subscription, Topology
from commerce.errors import BadMessage, Unroutable

log = logging.getLogger(__name__)


class RabbitBus:
    node_local_delivery = True

    def __init__(
        self,
        url: str,
        topology: Topology,
        *,
        max_deliveries: int = 5,
        prefetch: int = 16,
        publish_timeout_s: float = 5.0,
        reconnect_interval_s: float = 1.0,
    ) -> None:
        self.topology = topology
        self._url = url
        self._max = max_deliveries
        self._prefetch = prefetch
        self._timeout = publish_timeout_s
        self._reconnect = reconnect_interval_s
        self._conn: AbstractRobustConnection | None = None
        self._pub: AbstractChannel | None = None
        self._exchanges: dict[str, AbstractExchange] = {}
        self._consumers: list[tuple[AbstractQueue, str]] = []
        self._inflight: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        self._conn = await aio_pika.connect_robust(
            self._url,
            client_properties={"connection_name": f"echolist:{self.topology.namespace}"},
            reconnect_interval=self._reconnect,
        )
        self._pub = await self._conn.channel(publisher_confirms=True, on_return_raises=True)
        for name in (self.topology.commands, self.topology.events, self.topology.dlx):
            await self._exchange(name)
        dead = await self._pub.declare_queue(
            self.topology.dead_letters, durable=True, arguments={"x-queue-type": "quorum"}
        )
        await dead.bind(self._exchanges[self.topology.dlx], "#")

    async def _exchange(self, name: str) -> AbstractExchange:
        found = self._exchanges.get(name)
        if found is None:
            assert self._pub is not None, "start() first"
            found = await self._pub.declare_exchange(
                name, aio_pika.ExchangeType.TOPIC, durable=True
            )
            self._exchanges[name] = found
        return found

    async def ping(self) -> None:
        if self._conn is None or self._conn.is_closed or self._pub is None or self._pub.is_closed:
            raise ConnectionError("RabbitMQ connection is down")

    async def publish(self, envelope: Envelope) -> None:
        exchange = await self._exchange(envelope.exchange)
        message = aio_pika.Message(
            body=orjson.dumps(envelope.body),
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=envelope.message_id,
            type=envelope.type,
            correlation_id=envelope.correlation_id,
        )
        mandatory = envelope.exchange == self.topology.commands
        try:
            await exchange.publish(
                message, envelope.type, mandatory=mandatory, timeout=self._timeout
            )
        except aio_pika.exceptions.PublishError as e:
            raise Unroutable(f"no queue takes {envelope.type}") from e

    async def subscribe(self, subscription: Subscription) -> None:
        assert self._conn is not None, "start() first"
        channel = await self._conn.channel()
        await channel.set_qos(prefetch_count=self._prefetch)
        args: dict[str, Any] = {"x-dead-letter-exchange": self.topology.dlx}
        if subscription.per_node:
            queue = await channel.declare_queue(
                subscription.queue, exclusive=True, auto_delete=True, arguments=args
            )
        else:
            args.update({"x-queue-type": "quorum", "x-delivery-limit": self._max})
            queue = await channel.declare_queue(subscription.queue, durable=True, arguments=args)
        exchange = await channel.declare_exchange(
            subscription.exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        for key in subscription.routing_keys:
            await queue.bind(exchange, key)

        async def on_message(message: AbstractIncomingMessage) -> None:
            await self._deliver(subscription, message)

        tag = await queue.consume(on_message)
        self._consumers.append((queue, tag))

    async def _deliver(self, sub: Subscription, message: AbstractIncomingMessage) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            delivery = _delivery_count(message)
            try:
                envelope = _decode(sub.exchange, message, delivery)
            except BadMessage:
                log.exception("dead-lettering an undecodable message on %s", sub.queue)
                await message.reject(requeue=False)
                return
            await self._handle(sub, message, envelope)
        finally:
            if task is not None:
                self._inflight.discard(task)

    async def _handle(
        self, sub: Subscription, message: AbstractIncomingMessage, env: Envelope
    ) -> None:
        try:
            await sub.handler(env)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception(
                "%s: handler failed on %s %s (delivery %d)",
                sub.queue,
                env.type,
                env.message_id,
                env.delivery,
            )
            if env.delivery >= self._max or (sub.per_node and env.delivery > 1):
                log.error("dead-lettering %s %s", env.type, env.message_id)
                await message.reject(requeue=False)
            else:
                await message.nack(requeue=True)
            return
        await message.ack()

    async def stop_consuming(self, grace_s: float) -> None:
        for queue, tag in self._consumers:
            try:
                await queue.cancel(tag)
            except (aio_pika.exceptions.AMQPError, ConnectionError, RuntimeError):
                log.warning("could not cancel consumer on %s", queue.name)
        self._consumers.clear()
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=grace_s)

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None


def _delivery_count(message: AbstractIncomingMessage) -> int:
    """1 on first delivery. Quorum queues count returns in ``x-delivery-count``."""
    count = (message.headers or {}).get("x-delivery-count")
    if isinstance(count, int):
        return count + 1
    return 2 if message.redelivered else 1


def _decode(exchange: str, message: AbstractIncomingMessage, delivery: int) -> Envelope:
    try:
        body = orjson.loads(message.body)
    except orjson.JSONDecodeError as e:
        raise BadMessage("body is not JSON") from e
    kind = message.type or message.routing_key
    if not isinstance(body, dict) or not message.message_id or not kind:
        raise BadMessage("a message needs a JSON object body, a message_id and a type")
    return Envelope(
        message_id=message.message_id,
        exchange=exchange,
        type=kind,
        body=body,
        correlation_id=message.correlation_id,
        delivery=delivery,
    )
