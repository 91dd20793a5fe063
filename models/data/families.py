"""Template families: every phrasing of every concept, each assigned to one split.

Phrasings come from three places:
- `templates.py`: the concepts (name, labels, hard-negative flag) and their first phrasings;
- `templates_<group>.py`: more phrasings for those concepts (`MORE`, appended after a concept's
  own, so positions continue the split cycle) and new concepts (`NEW`);
- `train_only_<group>.py`: phrasings written later from the concept names, the label definitions
  and a few training phrasings only, with the held-out phrasings out of view. They never reach
  test, which stays exactly what it was (the generator draws each split from that split's
  families only); one in `LATER_VAL_EVERY` goes to validation, the rest to train, except in a
  module that sets `VALIDATION = False`, which is all training (so that adding data leaves
  validation, and the thresholds tuned on it, comparable with the last model's). One that shares
  most of its words with a held-out phrasing (`NEAR_DUPLICATE`) is dropped: written blind, a few
  still came out close; so is a training one close to a later validation one.

Within a concept, phrasings go to train, val or test by position (`SPLIT_CYCLE`), so every
concept is in every split while the test split's phrasings are ones the model never trained on.

`blind_hard.py` holds hard negatives written later from the concept names and the label
definitions only, with the training data and every error list out of view. They form their own
held-out set (`BLIND_FAMILIES`, split "blind"), measured next to test and never trained on or
used to pick a model; one close to a training or validation phrasing is dropped, and none of them
changes what the other splits hold.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from models.data import (
    blind_hard,
    templates,
    templates_abuse,
    templates_fine,
    templates_off,
    templates_scam,
    train_only_contrast,
    train_only_contrasttwo,
    train_only_fineextra,
    train_only_finemore,
    train_only_harassextra,
    train_only_harassment,
    train_only_harassmore,
    train_only_harasstwo,
    train_only_hard,
    train_only_idioms,
    train_only_langfine,
    train_only_langrisk,
    train_only_off,
    train_only_offextra,
    train_only_offmore,
    train_only_offneg,
    train_only_offtwo,
    train_only_ordinary,
    train_only_refuse,
    train_only_riskmore,
    train_only_scam,
    train_only_scamextra,
    train_only_scamoff,
    train_only_scamtwo,
    train_only_short,
    train_only_spam,
    train_only_spamextra,
    train_only_spamtwo,
)

Concept = tuple[str, tuple[str, ...], bool, tuple[str, ...]]

# Position of a phrasing in its concept -> split: 5 of 8 train, 1 val, 2 test.
SPLIT_CYCLE = ("train", "test", "train", "val", "train", "train", "test", "train")

_MORE = (templates_fine, templates_scam, templates_off, templates_abuse)
_TRAIN_ONLY = (
    train_only_ordinary,
    train_only_hard,
    train_only_scam,
    train_only_off,
    train_only_harassment,
    train_only_spam,
    train_only_refuse,
    train_only_langfine,
    train_only_langrisk,
    train_only_offmore,
    train_only_riskmore,
    train_only_contrast,
    train_only_harassmore,
    train_only_finemore,
    train_only_scamoff,
    # Training only, no validation share (VALIDATION = False):
    train_only_offneg,
    train_only_fineextra,
    train_only_offextra,
    train_only_harassextra,
    train_only_spamextra,
    train_only_scamextra,
    train_only_idioms,
    train_only_harasstwo,
    train_only_offtwo,
    train_only_scamtwo,
    train_only_spamtwo,
    train_only_contrasttwo,
    train_only_short,
)


# Every this-many-th later phrasing of a concept goes to validation, not training: validation's
# own cycled phrasings are too few (about 260) to set thresholds that hold on unseen phrasings.
# Test never sees later phrasings: it stays exactly what it was.
LATER_VAL_EVERY = 5

# Word-set Jaccard similarity at or above which a training-only phrasing counts as a copy of a
# held-out one ("take it or leave it, {price}" vs "{price}, take it or leave it").
NEAR_DUPLICATE = 0.6
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Family:
    """One template with the labels every sentence of it carries."""

    name: str
    concept: str
    labels: tuple[str, ...]
    split: str
    template: str
    hard: bool = False


def concepts() -> tuple[Concept, ...]:
    """Every concept with all its split-cycled phrasings, in a fixed order."""
    more: dict[str, list[str]] = {}
    for module in _MORE:
        for concept, phrasings in module.MORE.items():
            more.setdefault(concept, []).extend(phrasings)
    unknown = set(more) - {c[0] for c in templates.CONCEPTS}
    if unknown:
        raise ValueError(f"phrasings for unknown concepts: {sorted(unknown)}")
    out = [(c, labels, hard, (*t, *more.get(c, ()))) for c, labels, hard, t in templates.CONCEPTS]
    for module in _MORE:
        out.extend(module.NEW)
    return tuple(out)


def _families() -> tuple[Family, ...]:
    out = []
    kinds: dict[str, tuple[tuple[str, ...], bool]] = {}
    for concept, labels, hard, phrasings in concepts():
        kinds[concept] = (labels, hard)
        for index, template in enumerate(phrasings):
            split = SPLIT_CYCLE[index % len(SPLIT_CYCLE)]
            out.append(Family(f"{concept}/{index}", concept, labels, split, template, hard))
    held_out = _Index([f.template for f in out if f.split != "train"])
    later: list[Family] = []
    known = {f.template for f in out}
    for module in _TRAIN_ONLY:
        for concept, phrasings in module.TRAIN_ONLY.items():
            if concept not in kinds:
                raise ValueError(f"training-only phrasings for unknown concept {concept!r}")
            labels, hard = kinds[concept]
            validates = getattr(module, "VALIDATION", True)
            for index, template in enumerate(phrasings):
                if template in known or held_out.near(template):
                    continue
                known.add(template)
                to_val = validates and index % LATER_VAL_EVERY == LATER_VAL_EVERY - 1
                split = "val" if to_val else "train"
                name = f"{concept}/{module.__name__.rsplit('_', 1)[-1]}{index}"
                later.append(Family(name, concept, labels, split, template, hard))
    # A later training phrasing close to a later validation one would leak into validation.
    later_val = _Index([f.template for f in later if f.split == "val"])
    out.extend(f for f in later if f.split == "val" or not later_val.near(f.template))
    return tuple(out)


def words(template: str) -> frozenset[str]:
    """Lower-cased words of a phrasing (slot names count as words)."""
    return frozenset(_WORD.findall(template.lower()))


class _Index:
    """Inverted word index over some phrasings, for near-duplicate lookups."""

    def __init__(self, phrasings: list[str]) -> None:
        self.sets = [words(p) for p in phrasings]
        self.postings: dict[str, list[int]] = {}
        for i, bag in enumerate(self.sets):
            for word in bag:
                self.postings.setdefault(word, []).append(i)

    def near(self, template: str) -> bool:
        """Whether `template` shares at least `NEAR_DUPLICATE` of its words (Jaccard) with one."""
        mine = words(template)
        shared = Counter(i for word in mine for i in self.postings.get(word, ()))
        return any(
            n / (len(mine) + len(self.sets[i]) - n) >= NEAR_DUPLICATE for i, n in shared.items()
        )


def _blind_families(seen: tuple[Family, ...]) -> tuple[tuple[Family, ...], int]:
    """The blind hard negatives as families of split "blind", and how many phrasings were dropped
    for being equal or close (`NEAR_DUPLICATE`) to a training or validation phrasing."""
    kinds = {concept: (labels, hard) for concept, labels, hard, _ in concepts()}
    known = _Index([f.template for f in seen if f.split in ("train", "val")])
    out: list[Family] = []
    dropped = 0
    for concept, phrasings in blind_hard.BLIND.items():
        if concept not in kinds or kinds[concept] != ((), True):
            raise ValueError(f"blind phrasings need a hard-negative concept, not {concept!r}")
        for index, template in enumerate(phrasings):
            if known.near(template):
                dropped += 1
                continue
            out.append(Family(f"{concept}/blind{index}", concept, (), "blind", template, True))
    return tuple(out), dropped


FAMILIES = _families()
BLIND_FAMILIES, BLIND_DROPPED = _blind_families(FAMILIES)
