"""Stage 5: per-label thresholds and action bands turn scores into allow, warn, hold or block.

The numbers live in the shipped `policy.json` next to the model, so that retuning thresholds is a
new artifact, not a code change. The export tunes the thresholds and the block bands on
validation (`models/metrics.py`, `models/bands.py`); `DEFAULT_POLICY` holds the shape, the
actions and the texts, and the values used when no artifacts say otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.verdict import Action, Audience, Intervention

__all__ = ["DEFAULT_POLICY", "Decision", "LabelPolicy", "Policy", "decide"]


@dataclass(frozen=True, slots=True)
class LabelPolicy:
    """One label's threshold, its action, stricter bands above it and what to tell people."""

    threshold: float
    action: Action
    bands: tuple[tuple[float, Action], ...]
    intervention: Intervention | None
    notice: Intervention | None

    def action_for(self, score: float) -> Action:
        """The action this score earns (ALLOW under the threshold)."""
        if score < self.threshold:
            return Action.ALLOW
        action = self.action
        for minimum, band_action in self.bands:
            if score >= minimum and band_action.severity > action.severity:
                action = band_action
        return action


@dataclass(frozen=True, slots=True)
class Policy:
    """The whole policy: one `LabelPolicy` per label and actions forced by severe rules."""

    labels: Mapping[str, LabelPolicy]
    severe_rules: Mapping[str, Action]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        """Build from the JSON shape of `policy.json`."""
        labels = {name: _label_policy(spec) for name, spec in data["labels"].items()}
        severe = {name: Action(action) for name, action in data.get("severe_rules", {}).items()}
        return cls(labels=labels, severe_rules=severe)

    @classmethod
    def load(cls, path: Path) -> Policy:
        """Read `policy.json`."""
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    @property
    def thresholds(self) -> dict[str, float]:
        """Threshold per label."""
        return {name: spec.threshold for name, spec in self.labels.items()}


@dataclass(frozen=True, slots=True)
class Decision:
    """What the policy decided: action, flagged labels, reasons and the intervention to show."""

    action: Action
    flagged: tuple[str, ...]
    reasons: tuple[str, ...]
    intervention: Intervention | None


def decide(
    policy: Policy,
    scores: Mapping[str, float],
    candidate_reasons: Iterable[str],
    severe_hits: Iterable[str] = (),
    forced: Iterable[str] = (),
) -> Decision:
    """Apply thresholds and bands; keep only the reasons that speak for a flagged label.

    Labels in `forced` (those a weighted rule matched: a phone number, a verification-code
    request) are flagged whatever the threshold, since those rules are sure enough on their own.
    """
    sure = set(forced)
    flagged = tuple(
        name
        for name, spec in policy.labels.items()
        if scores.get(name, 0.0) >= spec.threshold or name in sure
    )
    action, driver = Action.ALLOW, ""
    for name in flagged:
        spec = policy.labels[name]
        label_action = spec.action_for(max(scores.get(name, 0.0), spec.threshold))
        if label_action.severity > action.severity:
            action, driver = label_action, name
    reasons = [r for r in dict.fromkeys(candidate_reasons) if r.split(":", 1)[0] in flagged]
    for rule in severe_hits:
        severe = policy.severe_rules.get(rule)
        if severe is not None and severe.severity >= action.severity:
            action = severe
            reasons.append(f"severe:{rule}")
    return Decision(action, flagged, tuple(reasons), _intervention(policy, action, driver))


def _intervention(policy: Policy, action: Action, driver: str) -> Intervention | None:
    spec = policy.labels.get(driver)
    if spec is None or action is Action.ALLOW:
        return None
    return spec.intervention if action is Action.WARN else spec.notice


def _label_policy(spec: Mapping[str, Any]) -> LabelPolicy:
    return LabelPolicy(
        threshold=float(spec["threshold"]),
        action=Action(spec["action"]),
        bands=tuple((float(m), Action(a)) for m, a in spec.get("bands", [])),
        intervention=_parse_intervention(spec.get("intervention")),
        notice=_parse_intervention(spec.get("notice")),
    )


def _parse_intervention(spec: Mapping[str, str] | None) -> Intervention | None:
    if spec is None:
        return None
    return Intervention(kind=spec["kind"], text=spec["text"], audience=Audience(spec["audience"]))


_KEEP_IN_APP = "Keep payments in the app: BuyShield only protects payments made here"

DEFAULT_POLICY: dict[str, Any] = {
    "labels": {
        "scam": {
            "threshold": 0.5,
            "action": "hold",
            "bands": [[0.985, "block"]],
            "intervention": {
                "kind": "scam_warning",
                "text": "Careful: never share verification codes, pay deposits or follow payment "
                "links. " + _KEEP_IN_APP + ".",
                "audience": "recipient",
            },
            "notice": {
                "kind": "held",
                "text": "Your message looks like a known scam pattern and is waiting for review.",
                "audience": "sender",
            },
        },
        "off_platform": {
            "threshold": 0.5,
            "action": "warn",
            "bands": [],
            "intervention": {"kind": "off_platform", "text": _KEEP_IN_APP, "audience": "both"},
            "notice": {"kind": "off_platform", "text": _KEEP_IN_APP, "audience": "sender"},
        },
        "harassment": {
            "threshold": 0.5,
            "action": "hold",
            "bands": [[0.97, "block"]],
            "intervention": {
                "kind": "respect",
                "text": "Keep it respectful: insults and threats are not allowed on EchoList.",
                "audience": "sender",
            },
            "notice": {
                "kind": "held",
                "text": "Your message was not delivered: insults and threats are not allowed.",
                "audience": "sender",
            },
        },
        "spam": {
            "threshold": 0.5,
            "action": "hold",
            "bands": [[0.97, "block"]],
            "intervention": None,
            "notice": {
                "kind": "held",
                "text": "Your message looks like unrelated promotion and was not delivered.",
                "audience": "sender",
            },
        },
    },
    "severe_rules": {"threat": "block"},
}
"""The policy's shape and defaults; `python -m models export` writes it with tuned thresholds."""
