"""Training renderings with invented payment apps and messengers (name dropout, third try).

The rules' lexicons name every payment rail and messenger the project knows, and the model leans
on their `[payment_app]` and `[messenger]` markers: a rail that no lexicon lists is mostly missed
(`python -m models probe`). Here every training family whose template names a payment app or a
messenger gets extra renderings in which the names are invented, one new name per rendering, so
that no marker is there and "pay me on X instead of the app" has to be read from its context;
hard negatives (refusing such an app, "no X, app only") get twice as many, so that a refusal of an
unknown name is learnt as fine too. Those hard negatives also get as many more renderings with
training's own names, so that a refusal of a known name, which the rules mark
`[payment_app_refused]` or `[messenger_refused]`, keeps its weight (the second try, without them,
flagged such refusals 2 -> 15-19 of 80 on the probe's control). The original rows stay;
validation and test are untouched.
"""

from __future__ import annotations

import dataclasses
import random
import re

from models.data.families import FAMILIES
from models.data.synthetic import Example, sentence
from models.data.vocab import _MESSENGERS, _PAY
from pipeline.stages.normalize import normalize
from pipeline.stages.rules import match_rules

EXTRA_RISKY = 4
EXTRA_HARD = 8
KNOWN_HARD = 8
NAME_SLOT = re.compile(r"\{(pay|messenger)2?\}")

_ONSETS = ("b", "k", "m", "n", "p", "r", "s", "t", "v", "z", "d", "l", "j", "f", "g", "h", "ch")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "oo")
_CODAS = ("", "", "", "n", "x", "k", "sh", "r", "m")
_SUFFIXES = {
    "pay": ("pay", "cash", "wallet", "money", "send", "remit", "coin", "transfer", "pesa"),
    "messenger": ("chat", "talk", "msg", "gram", "ping", "call", "line", "app"),
}
_TWO_WORD = {"pay": ("money", "pay", "cash", "wallet"), "messenger": ("messenger", "chat")}


def _syllables(rng: random.Random) -> str:
    n = rng.choice((1, 2, 2, 3))
    word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(n))
    return word + rng.choice(_CODAS)


def _known(name: str) -> bool:
    """Whether a rule, a vocabulary pool or the probe already knows `name`."""
    from models.probe import PROBE_NAMES

    pooled = {n for pool in (_PAY, _MESSENGERS) for names in pool.values() for n in names}
    probed = {n for names in PROBE_NAMES.values() for n in names}
    if name in pooled or name in probed:
        return True
    texts = (f"can you pay me on {name}?", f"add me on {name}", name)
    return any(match_rules(normalize(text)) for text in texts)


def invent(kind: str, rng: random.Random) -> str:
    """A payment app (`kind` "pay") or messenger name that nothing in the project knows."""
    while True:
        style = rng.random()
        stem = _syllables(rng)
        if style < 0.4:
            name = stem
        elif style < 0.8:
            name = stem + rng.choice(_SUFFIXES[kind])
        else:
            name = f"{stem} {rng.choice(_TWO_WORD[kind])}"
        if len(name) >= 4 and not _known(name):
            return name


def with_invented_names(seed: int) -> list[Example]:
    """The extra training renderings, reproducibly."""
    rng = random.Random(f"{seed}:invented")
    out = []
    for family in FAMILIES:
        if family.split != "train" or not NAME_SLOT.search(family.template):
            continue
        for _ in range(EXTRA_HARD if family.hard else EXTRA_RISKY):
            template = NAME_SLOT.sub(lambda m: invent(m.group(1), rng), family.template)
            text = sentence(dataclasses.replace(family, template=template), "train", rng)
            out.append(Example(text, family.labels, "synthetic", family.name, family.hard))
        for _ in range(KNOWN_HARD if family.hard else 0):
            text = sentence(family, "train", rng)
            out.append(Example(text, family.labels, "synthetic", family.name, family.hard))
    return out
