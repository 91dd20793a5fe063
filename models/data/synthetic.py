"""Seeded generator of marketplace chat in all four labels and the fine case.

Sentences come from the template families of the requested split, slots from the split's
vocabulary pool, then a random style: polite, urgent, broken English, typos, emojis, casing. Some
risky messages get a second, innocent sentence, so that the signal is not always the whole message.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from models.data.families import BLIND_FAMILIES, FAMILIES, Family
from models.data.vocab import SLOTS

_SLOT = re.compile(r"\{(\w+)\}")
_CHOICE = re.compile(r"\[([^\[\]]*\|[^\[\]]*)\]")

_POLITE_PRE = ("hi! ", "hello, ", "good morning, ", "hey there, ", "hi {name}, ", "dear seller, ")
_POLITE_POST = (" thanks!", " thank you", " thanks a lot", " god bless", " 🙏", " cheers")
_URGENT = (" asap!!", " urgent", " reply fast", " now!!", " today only", " quick")
_EMOJIS = ("😊", "🙏", "🔥", "💯", "👍", "😡", "💰", "📦", "😂", "👀", "✅", "❤️")
_BROKEN = (
    ("you", "u"),
    ("your", "ur"),
    ("please", "pls"),
    ("the ", ""),
    ("are", "r"),
    ("i am", "i"),
    ("want to", "wanna"),
    ("going to", "gonna"),
    ("is ", ""),
)
_FILLER = (
    "is it still available?",
    "i can pick up {day}",
    "i'm near {place}",
    "my name is {name}",
    "it's for my son",
    "i saw your listing",
)


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message."""

    text: str
    labels: tuple[str, ...]
    source: str
    family: str
    hard: bool


def fill(template: str, pool: str, rng: random.Random) -> str:
    """Pick one of each [a|b] alternatives, then fill each {slot} from the pool's vocabulary."""
    template = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    return _SLOT.sub(lambda m: SLOTS[m.group(1)](pool, rng), template)


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) < 4 or not w.isalpha():
            continue
        j = rng.randrange(1, len(w) - 1)
        op = rng.choice(("swap", "drop", "dup"))
        if op == "swap":
            w = w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]
        elif op == "drop":
            w = w[:j] + w[j + 1 :]
        else:
            w = w[:j] + w[j] + w[j:]
        words[i] = w
    return " ".join(words)


def _broken(text: str, rng: random.Random) -> str:
    for old, new in _BROKEN:
        if rng.random() < 0.6:
            text = text.replace(old, new)
    return text


def style(text: str, pool: str, rng: random.Random) -> str:
    """Dress a sentence in one or two random styles."""
    for choice in rng.sample(
        ("polite", "urgent", "broken", "typo", "emoji", "case", "none", "none"), k=2
    ):
        if choice == "polite":
            text = fill(rng.choice(_POLITE_PRE), pool, rng) + text + rng.choice(_POLITE_POST)
        elif choice == "urgent":
            text = text + rng.choice(_URGENT)
        elif choice == "broken":
            text = _broken(text, rng)
        elif choice == "typo":
            text = _typo(text, rng)
        elif choice == "emoji":
            text = text + " " + "".join(rng.choices(_EMOJIS, k=rng.randint(1, 3)))
        elif choice == "case":
            text = rng.choice((text.upper(), text.capitalize(), text.title()))
    return text


def sentence(family: Family, pool: str, rng: random.Random) -> str:
    text = fill(family.template, pool, rng)
    if family.labels and rng.random() < 0.25:
        extra = fill(rng.choice(_FILLER), pool, rng)
        text = f"{extra}. {text}" if rng.random() < 0.5 else f"{text}. {extra}"
    return style(text, pool, rng)


def generate(split: str, count: int, seed: int) -> list[Example]:
    """`count` examples from the families of `split` (train, val or test), reproducibly."""
    rng = random.Random(f"{seed}:{split}")
    pool = "test" if split == "test" else "train"
    concepts: dict[str, list[Family]] = {}
    for family in FAMILIES:
        if family.split == split:
            concepts.setdefault(family.concept, []).append(family)
    fine = [c for c, fams in concepts.items() if not fams[0].labels]
    risky = [c for c, fams in concepts.items() if fams[0].labels]
    out = []
    for _ in range(count):
        concept = rng.choice(fine if rng.random() < 0.5 else risky)
        family = rng.choice(concepts[concept])
        text = sentence(family, pool, rng)
        out.append(Example(text, family.labels, "synthetic", family.name, family.hard))
    return out


def generate_blind(per_family: int, seed: int) -> list[Example]:
    """`per_family` renderings of every blind hard-negative family, with the test vocabulary pool
    and the same styles as the other splits, reproducibly. Every family weighs the same."""
    rng = random.Random(f"{seed}:blind")
    return [
        Example(sentence(family, "test", rng), (), "synthetic", family.name, True)
        for family in BLIND_FAMILIES
        for _ in range(per_family)
    ]
