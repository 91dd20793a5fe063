"""Stage 2: patterns that are certain enough to act on without the model, and signals for context.

Rules run on normalized text. A hit with a weight sets a floor under its label's score (the model
cannot talk it below); a hit with weight 0 is a signal only: it adds a reason when the label is
flagged anyway and lets conversation context connect messages (a phone number, then a payment app).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "RULES",
    "Rule",
    "RuleHit",
    "combine",
    "is_contact",
    "match_rules",
    "model_input",
]


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A rule that matched: its name, the label it speaks for, the floor it sets (0: signal)."""

    name: str
    label: str
    weight: float
    severe: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    """A named pattern and what a match means."""

    name: str
    label: str
    weight: float
    pattern: re.Pattern[str]
    severe: bool = False
    # When this also matches, the hit is a signal only (weight 0): the model decides.
    unless: re.Pattern[str] | None = None


_PAY_APPS = (
    r"zelle|venmo|cash ?app|\$[a-z][a-z0-9_]{2,}|paypal|pay pal|apple cash|western union"
    r"|moneygram|wire transfer|bank transfer|revolut|chime|wise transfer"
)
_CRYPTO = r"bitcoin|btc|usdt|tether|ethereum|\beth\b|crypto|litecoin|binance"
_MESSENGERS = r"whatsapp|whats app|telegram|signal me|wechat|kik|snapchat|snap me|line id|viber"

RULES: tuple[Rule, ...] = (
    Rule("phone", "off_platform", 0.9, re.compile(r"(?<![\w$#])\+?\d{10,13}(?![\w%])")),
    Rule("email", "off_platform", 0.9, re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b")),
    Rule(
        "crypto_address",
        "off_platform",
        0.9,
        re.compile(r"\b(?:0x[0-9a-f]{40}|bc1[0-9a-z]{25,59}|[13][1-9a-z]{25,34})\b"),
    ),
    Rule(
        "verification_code",
        "scam",
        0.9,
        re.compile(
            r"\b(?:verification|verify|security|confirmation|login|auth\w*|one[- ]time|"
            r"google voice|sms|6[- ]?digit|six[- ]digit)\s+(?:code|pin|number)\b"
            r"|\b(?:otp|2fa)\b"
            r"|\b(?:send|give|tell|read|forward|share)\b[^.?!]{0,30}\bcode\b[^.?!]{0,25}"
            r"\b(?:get|got|receive|received|sent)\b"
        ),
        # A warning about the trick is not the trick: "if anyone asks you for a verification
        # code, it's a scam". The marker still reaches the model, which reads the context.
        unless=re.compile(
            r"\bif (?:any|some)(?:one|body) (?:asks|wants)\b|\bnever (?:share|give)\b"
            r"|\b(?:it'?s|is|that'?s) (?:a|an obvious|always a) scam(?![\w-])"
        ),
    ),
    Rule(
        "threat",
        "harassment",
        0.9,
        re.compile(
            r"\b(?:i(?:'ll| will| am going to|'m gonna| gonna) (?:kill|hurt|find|beat|stab|shoot)"
            r"|i know where you live|you(?:'re| are) dead|watch your back)\b"
        ),
        severe=True,
    ),
    Rule("payment_app", "off_platform", 0.0, re.compile(rf"\b(?:{_PAY_APPS}|{_CRYPTO})")),
    Rule("messenger", "off_platform", 0.0, re.compile(rf"\b(?:{_MESSENGERS})\b")),
    Rule(
        "link",
        "spam",
        0.0,
        re.compile(
            r"https?://\S+|\bwww\.\S+|\b[\w-]+\.(?:com|net|org|"
            r"io|ly|me|shop|store|xyz|top|info|biz|link|click)\b"
        ),
    ),
    Rule("gift_card", "scam", 0.0, re.compile(r"\b(?:gift ?cards?|itunes|steam card|google play)")),
)

_CONTACT_RULES = frozenset({"phone", "email", "messenger"})


def match_rules(normalized: str) -> tuple[RuleHit, ...]:
    """Every rule that matches the normalized text, in declaration order."""
    return tuple(
        RuleHit(
            rule.name,
            rule.label,
            0.0 if rule.unless is not None and rule.unless.search(normalized) else rule.weight,
            rule.severe,
        )
        for rule in RULES
        if rule.pattern.search(normalized)
    )


def is_contact(hit_name: str) -> bool:
    """Whether a rule hit shares a way to reach someone outside the app."""
    return hit_name in _CONTACT_RULES


def combine(model_scores: dict[str, float], hits: tuple[RuleHit, ...]) -> dict[str, float]:
    """Raise each label's score to the floor its weighted rule hits set (noisy-or)."""
    scores = dict(model_scores)
    for hit in hits:
        if hit.weight > 0.0:
            current = scores.get(hit.label, 0.0)
            scores[hit.label] = 1.0 - (1.0 - current) * (1.0 - hit.weight)
    return scores


def model_input(normalized: str, hits: tuple[RuleHit, ...]) -> str:
    """The text the model sees: rule-hit markers first, then the normalized message.

    The markers carry what the rules know (every payment app, contact formats) into the model,
    which then judges the context: "do you take zelle?" versus "no zelle, app only".
    """
    markers = " ".join(f"[{name}]" for name in dict.fromkeys(hit.name for hit in hits))
    return f"{markers} {normalized}" if markers else normalized
