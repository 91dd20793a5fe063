"""Stage 4: risk that builds across the recent messages of a conversation.

One message asks for a phone number, the next names a payment app: each alone may pass, together
they are the classic move off the platform. The stage looks at the sender's recent entries in the
conversation and raises the current scores when they connect. It also joins a phone number sent
in pieces ("my number is 415", "555", "0192 text me"), which no single message shows.
"""

from __future__ import annotations

import json
import re
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
    "number_edges",
]


@dataclass(frozen=True, slots=True)
class ContextEntry:
    """What the pipeline remembers of one message: who sent it, its scores and rule hits."""

    sender_id: str | None
    scores: Mapping[str, float]
    rule_hits: tuple[str, ...]
    timestamp: float = field(default_factory=time.time)
    # The digits the message ends with, and whether it is nothing but a number (`number_edges`).
    tail_digits: str = ""
    only_number: bool = False

    def to_json(self) -> str:
        """Serialize for a shared store (Redis)."""
        data: dict[str, object] = {
            "s": self.sender_id,
            "p": dict(self.scores),
            "r": list(self.rule_hits),
            "t": self.timestamp,
        }
        if self.tail_digits:
            data["d"] = self.tail_digits
            data["n"] = self.only_number
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> ContextEntry:
        """Inverse of `to_json`."""
        data = json.loads(raw)
        return cls(
            sender_id=data["s"],
            scores={str(k): float(v) for k, v in data["p"].items()},
            rule_hits=tuple(str(h) for h in data["r"]),
            timestamp=float(data["t"]),
            tail_digits=str(data.get("d", "")),
            only_number=bool(data.get("n", False)),
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
    # The pieces of a number sent in pieces follow each other within this many seconds.
    split_gap_s: float = 120.0


_LEADING_NUMBER = re.compile(r"^\+?\(?\d[\d ().-]*")
_TRAILING_NUMBER = re.compile(r"\+?\(?\d[\d ().-]*$")
_END_PUNCTUATION = re.compile(r"[\s.,!?;:]+$")


def number_edges(normalized: str) -> tuple[str, str, bool]:
    """The digits a message starts with, those it ends with (trailing punctuation aside), and
    whether it is nothing but a number: "0192 text me" -> ("0192", "", False), "my number is
    415" -> ("", "415", False), "555" -> ("555", "555", True)."""
    text = _END_PUNCTUATION.sub("", normalized.strip())
    lead = _LEADING_NUMBER.match(text)
    tail = _TRAILING_NUMBER.search(text)
    digits = [re.sub(r"\D", "", m.group(0)) if m else "" for m in (lead, tail)]
    return digits[0], digits[1], lead is not None and lead.end() == len(text)


def _split_number(lead: str, mine: list[ContextEntry], now: float, gap_s: float) -> bool:
    """Whether the current message's leading digits, after the sender's previous messages'
    (each a number, or ending with one, and sent within `gap_s` of the next), make a phone
    number of 10 to 13 digits from at least two pieces. Pieces that are all round figures
    ("1500", "2000", "300") are prices being haggled, not a number."""
    chain, pieces, later = lead, [lead], now
    for entry in sorted(mine, key=lambda e: e.timestamp, reverse=True):
        if not chain or not entry.tail_digits or later - entry.timestamp > gap_s:
            return False
        chain, later = entry.tail_digits + chain, entry.timestamp
        pieces.append(entry.tail_digits)
        if len(chain) > 13:
            return False
        if len(chain) >= 10:
            return not all(piece.endswith("0") for piece in pieces)
        if not entry.only_number:
            return False
    return False


def apply_context(
    scores: Mapping[str, float],
    hits: Iterable[str],
    sender_id: str | None,
    recent: Iterable[ContextEntry],
    now: float,
    config: ContextConfig = ContextConfig(),
    normalized: str = "",
) -> tuple[dict[str, float], tuple[str, ...]]:
    """Return the scores raised by the sender's recent history, and the reasons for each raise.
    `normalized` (the current message) lets it join a phone number sent in pieces."""
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
    lead = number_edges(normalized)[0] if normalized else ""
    if lead and "phone" not in current and _split_number(lead, mine, now, config.split_gap_s):
        out["off_platform"] = max(out.get("off_platform", 0.0), config.contact_then_payment)
        reasons.append("off_platform:context_split_number")
    for label, score in scores.items():
        prior = max(entry.scores.get(label, 0.0) for entry in mine)
        if prior >= config.carry_from and score >= config.carry_min_current:
            raised = score + (1.0 - score) * config.carry_weight * prior
            if raised > out[label]:
                out[label] = raised
                reasons.append(f"{label}:context")
    return out, tuple(reasons)
