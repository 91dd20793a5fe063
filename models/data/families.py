"""Template families: every phrasing of every concept, each assigned to one split.

Phrasings come from three places:
- `templates.py`: the concepts (name, labels, hard-negative flag) and their first phrasings;
- `templates_<group>.py`: more phrasings for those concepts (`MORE`, appended after a concept's
  own, so positions continue the split cycle) and new concepts (`NEW`);
- `train_only_<group>.py`: phrasings written later from the concept names, the label definitions
  and a few training phrasings only, with the held-out phrasings out of view. They go to train
  and nowhere else, so validation and test stay exactly what they were (the generator draws each
  split from that split's families only).

Within a concept, phrasings go to train, val or test by position (`SPLIT_CYCLE`), so every
concept is in every split while the test split's phrasings are ones the model never trained on.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.data import (
    templates,
    templates_abuse,
    templates_fine,
    templates_off,
    templates_scam,
    train_only_harassment,
    train_only_hard,
    train_only_off,
    train_only_ordinary,
    train_only_scam,
    train_only_spam,
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
)


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
    for module in _TRAIN_ONLY:
        for concept, phrasings in module.TRAIN_ONLY.items():
            if concept not in kinds:
                raise ValueError(f"training-only phrasings for unknown concept {concept!r}")
            labels, hard = kinds[concept]
            for index, template in enumerate(phrasings):
                name = f"{concept}/{module.__name__.rsplit('_', 1)[-1]}{index}"
                out.append(Family(name, concept, labels, "train", template, hard))
    return tuple(out)


FAMILIES = _families()
