"""What was sent, acked and received: latency histograms, errors, lost and duplicated deliveries.

Every send is keyed (the suite's ``client_msg_id`` or an update id) and names who must receive it.
Latency runs from the *scheduled* send time, so a server that falls behind an open-loop schedule
shows up as latency (no coordinated omission), not as a lower rate.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from benchmarks.histogram import Histogram


@dataclass(slots=True)
class _Send:
    scheduled: float
    measured: bool
    expected: set[str]
    received: set[str] = field(default_factory=set)
    acked: bool = False


@dataclass
class Second:
    """One second of the measured window, for the latency-over-time plot."""

    sent: int = 0
    delivered: int = 0
    e2e: Histogram = field(default_factory=Histogram)


class Ledger:
    """Bookkeeping for one run; all times are ``loop.time()`` seconds."""

    def __init__(self, measure_from: float) -> None:
        self.measure_from = measure_from
        self.e2e = Histogram()
        self.ack = Histogram()
        self.errors: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.timeline: dict[int, Second] = {}
        self.sent = 0
        self.measured_sent = 0
        self.duplicates = 0
        self.unexpected = 0
        self.delivered = 0
        self.measured_delivered = 0
        self._sends: dict[str, _Send] = {}

    def _second(self, t: float) -> Second:
        sec = int(t - self.measure_from)
        found = self.timeline.get(sec)
        if found is None:
            found = self.timeline[sec] = Second()
        return found

    def sent_at(self, key: str, scheduled: float, receivers: set[str]) -> None:
        """Record a send scheduled at ``scheduled`` that each of ``receivers`` must get once."""
        measured = scheduled >= self.measure_from
        self._sends[key] = _Send(scheduled, measured, set(receivers))
        self.sent += 1
        if measured:
            self.measured_sent += 1
            self._second(scheduled).sent += 1

    def restamp(self, now: float) -> None:
        """Measure what is still undelivered from ``now`` (a storm counts from its start)."""
        for entry in self._sends.values():
            if entry.expected - entry.received:
                entry.scheduled = max(entry.scheduled, now)

    def acked(self, key: str, now: float, ack: Any, *, delivers: bool = True) -> None:
        """The sender's ack; an error or a non-delivering outcome (held, blocked) expects none."""
        entry = self._sends.get(key)
        if entry is None or entry.acked:
            return
        entry.acked = True
        if entry.measured:
            self.ack.record(now - entry.scheduled)
        if not isinstance(ack, dict) or not ack.get("ok"):
            code = _error_code(ack)
            self.errors[code] += 1
            entry.expected.clear()
        elif not delivers:
            entry.expected.clear()

    def outcome(self, label: str) -> None:
        """Count a scenario-specific outcome (a message status, an offer state, ...)."""
        self.outcomes[label] += 1

    def received(self, key: str, receiver: str, now: float) -> None:
        """``receiver`` got ``key``; a second copy is a duplicate, an unknown key unexpected."""
        entry = self._sends.get(key)
        if entry is None:
            self.unexpected += 1
            return
        if receiver in entry.received:
            self.duplicates += 1
            return
        entry.received.add(receiver)
        if receiver not in entry.expected:
            self.unexpected += 1
            return
        self.delivered += 1
        if entry.measured:
            self.measured_delivered += 1
            latency = now - entry.scheduled
            self.e2e.record(latency)
            second = self._second(entry.scheduled)
            second.delivered += 1
            second.e2e.record(latency)

    def outstanding(self) -> int:
        """Deliveries still expected (acked or not)."""
        return sum(len(e.expected - e.received) for e in self._sends.values())

    def unacked(self) -> int:
        return sum(1 for e in self._sends.values() if not e.acked)

    def lost(self) -> int:
        """Deliveries expected after a successful ack that never arrived."""
        return sum(len(e.expected - e.received) for e in self._sends.values() if e.acked)

    def counts(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "measured_sent": self.measured_sent,
            "delivered": self.delivered,
            "measured_delivered": self.measured_delivered,
            "unacked": self.unacked(),
            "lost": self.lost(),
            "duplicated": self.duplicates,
            "unexpected": self.unexpected,
            "errors": dict(self.errors),
            "outcomes": dict(self.outcomes),
        }


def _error_code(ack: Any) -> str:
    if isinstance(ack, dict):
        err = ack.get("error")
        if isinstance(err, dict) and isinstance(err.get("code"), str):
            return str(err["code"])
    return "malformed_ack"
