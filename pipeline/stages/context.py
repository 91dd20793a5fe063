"""Stage 4: risk that builds across the recent messages of a conversation.

One message asks for a phone number, the next names a payment app: each alone may pass, together
they are the classic move off the platform. The stage looks at the sender's recent entries in the
conversation and raises the current scores when they connect.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.stages.rules import is_contact

__all__ = [
    "ContextConfig",
    "ContextEntry",
    "ContextStore",
    "InMemoryContextStore",
    "apply_context",
]


@dataclass(frozen=True, slots=True)
class ContextEntry:
    """What the pipeline remembers of one message: who sent it, its scores and rule hits."""

    sender_id: str | None
    scores: Mapping[str, float]
    rule_hits: tuple[str, ...]
    timestamp: float = field(default_factory=time.time)

    def to_json(self) -> str:
        """Serialize for a shared store (Redis)."""
        return json.dumps(
            {
                "s": self.sender_id,
                "p": dict(self.scores),
                "r": list(self.rule_hits),
                "t": self.timestamp,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> ContextEntry:
        """Inverse of `to_json`."""
        data = json.loads(raw)
        return cls(
            sender_id=data["s"],
            scores={str(k): float(v) for k, v in data["p"].items()},
            rule_hits=tuple(str(h) for h in data["r"]),
            timestamp=float(data["t"]),
        )


class ContextStore(Protocol):
    """Per-conversation recent risk. The hub supplies a Redis-backed one for several nodes."""

    async def recent(self, conversation_id: str) -> list[ContextEntry]:
        """The conversation's remembered entries, oldest first."""
        ...

    async def push(self, conversation_id: str, entry: ContextEntry) -> None:
        """Remember one more entry for the conversation."""
        ...


class InMemoryContextStore:
    """A bounded store for one process: LRU over conversations, the last N entries each, a TTL."""

    def __init__(
        self, max_conversations: int = 10_000, max_entries: int = 8, ttl_s: float = 900.0
    ) -> None:
        self._max_conversations = max_conversations
        self._max_entries = max_entries
        self._ttl_s = ttl_s
        self._data: OrderedDict[str, deque[ContextEntry]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._data)

    async def recent(self, conversation_id: str) -> list[ContextEntry]:
        """The conversation's entries younger than the TTL, oldest first."""
        entries = self._data.get(conversation_id)
        if entries is None:
            return []
        self._data.move_to_end(conversation_id)
        cutoff = time.time() - self._ttl_s
        return [entry for entry in entries if entry.timestamp >= cutoff]

    async def push(self, conversation_id: str, entry: ContextEntry) -> None:
        """Append, evicting the least recently used conversation when full."""
        entries = self._data.get(conversation_id)
        if entries is None:
            entries = deque(maxlen=self._max_entries)
            self._data[conversation_id] = entries
        entries.append(entry)
        self._data.move_to_end(conversation_id)
        while len(self._data) > self._max_conversations:
            self._data.popitem(last=False)


@dataclass(frozen=True, slots=True)
class ContextConfig:
    """How strongly earlier messages weigh on the current one."""

    window_s: float = 900.0
    carry_from: float = 0.8
    carry_min_current: float = 0.3
    carry_weight: float = 0.5
    contact_then_payment: float = 0.95


def apply_context(
    scores: Mapping[str, float],
    hits: Iterable[str],
    sender_id: str | None,
    recent: Iterable[ContextEntry],
    now: float,
    config: ContextConfig = ContextConfig(),
) -> tuple[dict[str, float], tuple[str, ...]]:
    """Return the scores raised by the sender's recent history, and the reasons for each raise."""
    mine = [
        entry
        for entry in recent
        if now - entry.timestamp <= config.window_s
        and (sender_id is None or entry.sender_id == sender_id)
    ]
    out = dict(scores)
    reasons: list[str] = []
    if not mine:
        return out, ()
    current = set(hits)
    before = {name for entry in mine for name in entry.rule_hits}
    contact_now = any(is_contact(name) for name in current)
    contact_before = any(is_contact(name) for name in before)
    if ("payment_app" in current and contact_before) or (contact_now and "payment_app" in before):
        out["off_platform"] = max(out.get("off_platform", 0.0), config.contact_then_payment)
        reasons.append("off_platform:context_contact_payment")
    for label, score in scores.items():
        prior = max(entry.scores.get(label, 0.0) for entry in mine)
        if prior >= config.carry_from and score >= config.carry_min_current:
            raised = score + (1.0 - score) * config.carry_weight * prior
            if raised > out[label]:
                out[label] = raised
                reasons.append(f"{label}:context")
    return out, tuple(reasons)
