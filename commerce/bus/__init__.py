"""The message bus: RabbitMQ (aio-pika) in production, in-process on the embedded default."""

from commerce.bus.base import Bus, Envelope, Handler, Service, Subscription, Topology

__all__ = ["Bus", "Envelope", "Handler", "Service", "Subscription", "Topology"]
