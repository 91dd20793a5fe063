"""Prometheus metrics, one registry per app so several hubs can live in one process (tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.connections = Gauge("hub_connections", "Connected sockets", ["namespace"], registry=r)
        self.events = Counter(
            "hub_events", "Client events handled", ["event", "outcome"], registry=r
        )
        self.latency = Histogram(
            "hub_event_seconds", "Handler latency", ["event"], buckets=_LATENCY_BUCKETS, registry=r
        )
        self.refused = Counter(
            "hub_connections_refused", "Refused handshakes", ["namespace", "code"], registry=r
        )
        self.messages = Counter("hub_messages", "Chat messages stored", ["status"], registry=r)
        self.moderation = Counter(
            "hub_moderation_actions", "Moderation outcomes", ["action"], registry=r
        )
        self.moderation_latency = Histogram(
            "hub_moderation_seconds",
            "Moderation pipeline latency",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.bus_published = Counter(
            "hub_bus_published", "Outbox messages published", ["type"], registry=r
        )
        self.bus_consumed = Counter(
            "hub_bus_consumed", "Bus messages consumed", ["type", "outcome"], registry=r
        )
