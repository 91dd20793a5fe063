"""Frozen result types of the moderation pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    """What the hub does with a message, from mildest to strictest."""

    ALLOW = "allow"
    WARN = "warn"
    HOLD = "hold"
    BLOCK = "block"

    @property
    def severity(self) -> int:
        """Rank for picking the strictest of several actions."""
        return _SEVERITY[self]


_SEVERITY = {Action.ALLOW: 0, Action.WARN: 1, Action.HOLD: 2, Action.BLOCK: 3}


class Audience(StrEnum):
    """Who sees an intervention."""

    SENDER = "sender"
    RECIPIENT = "recipient"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class Intervention:
    """The in-chat safety tip that goes with a verdict."""

    kind: str
    text: str
    audience: Audience

    def to_dict(self) -> dict[str, str]:
        """JSON shape of the `intervention` event payload's kind and text, plus audience."""
        return {"kind": self.kind, "text": self.text, "audience": self.audience.value}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The pipeline's decision on one message.

    `labels` holds the final score per label (model, rules and context combined); `flagged` the
    labels at or over their threshold; `reasons` machine-readable strings such as
    ``off_platform:phone`` or ``scam:model``. `degraded` is true when the model could not run and
    the verdict comes from the rules alone.
    """

    action: Action
    flagged: tuple[str, ...]
    labels: Mapping[str, float]
    reasons: tuple[str, ...]
    intervention: Intervention | None
    model_ms: float
    degraded: bool

    def to_dict(self) -> dict[str, Any]:
        """The verdict as DESIGN.md section 9 shapes it, plus the intervention (or None)."""
        return {
            "action": self.action.value,
            "flagged": list(self.flagged),
            "labels": {name: round(score, 4) for name, score in self.labels.items()},
            "reasons": list(self.reasons),
            "intervention": None if self.intervention is None else self.intervention.to_dict(),
        }
