"""The bus seam: envelopes, subscriptions, topology names and the ``Bus`` protocol."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Envelope:
    """One message: JSON ``body``, ``type`` (= routing key), a UUID ``message_id``."""

    message_id: str
    exchange: str
    type: str
    body: Mapping[str, Any]
    correlation_id: str | None = None
    # 1 on the first delivery; filled in by the bus on the consuming side.
    delivery: int = 1


Handler = Callable[[Envelope], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Subscription:
    """A queue bound to ``routing_keys`` of ``exchange``, consumed by ``handler``.

    ``per_node``: the queue belongs to this process alone (exclusive, auto-deleted), so every
    process gets every message; otherwise the queue is durable and shared, and the processes
    consuming it compete. A handler that raises gets the message again, up to the bus's delivery
    limit, then the message goes to the dead-letter queue.
    """

    queue: str
    exchange: str
    routing_keys: tuple[str, ...]
    handler: Handler = field(compare=False)
    per_node: bool = False


@dataclass(frozen=True, slots=True)
class Topology:
    """Exchange and queue names. The contract's names are the default namespace ``echolist``."""

    namespace: str = "echolist"

    @property
    def commands(self) -> str:
        return f"{self.namespace}.commands"

    @property
    def events(self) -> str:
        return f"{self.namespace}.events"

    @property
    def dlx(self) -> str:
        return f"{self.namespace}.dlx"

    @property
    def dead_letters(self) -> str:
        """The queue bound to the dead-letter exchange: where poison messages end up."""
        return f"{self.namespace}.dead"

    def queue(self, name: str) -> str:
        return f"{self.namespace}.{name}"

    def exchanges(self) -> tuple[str, str]:
        """The exchanges this namespace publishes to (what its outbox relay drains)."""
        return (self.commands, self.events)


class Service(Protocol):
    """A commerce service: the queues it consumes (the transaction service, BuyShield, ...)."""

    def subscriptions(self) -> list[Subscription]: ...


class Bus(Protocol):
    """Publish with confirmation; consume with manual ack after the handler returns."""

    topology: Topology
    # True when every process gets every message of a per-node subscription (RabbitMQ); False
    # when only the publishing process does (in-process), so pushes must fan out themselves.
    node_local_delivery: bool

    async def start(self) -> None: ...

    async def publish(self, envelope: Envelope) -> None:
        """Return once the broker has confirmed; raise when it did not (the caller retries)."""

    async def subscribe(self, subscription: Subscription) -> None: ...

    async def stop_consuming(self, grace_s: float) -> None:
        """Take no new messages; wait up to ``grace_s`` for the handlers in flight."""

    async def close(self) -> None: ...

    async def ping(self) -> None: ...


def topic_matches(pattern: str, key: str) -> bool:
    """AMQP topic matching: ``*`` is one word, ``#`` is zero or more words."""
    return _match(pattern.split("."), key.split("."))


def _match(pat: list[str], words: list[str]) -> bool:
    if not pat:
        return not words
    head, rest = pat[0], pat[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head in ("*", words[0])) and _match(rest, words[1:])
