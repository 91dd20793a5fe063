"""Moderators' decisions (`hub moderation-export`) as labelled rows of the corpus.

A decided held message is real chat with a human label: approved, it is a fine message the
pipeline held (a hard negative); removed, it is risky for the labels the pipeline flagged. They
are the real data for `scam`, `off_platform` and `harassment` that the corpus otherwise lacks
(model card, "Known limits").

- Each line of an export is checked: a JSON object with a non-empty `text`, `labels` among
  `LABELS` and a boolean `hard`; a bad line stops the build with its file and line number.
- The same text decided both ways (moderators disagree) is dropped, every copy of it; the same
  text decided the same way several times is one row.
- The rows go to the corpus after every other source (`corpus.build`), so that they change no
  row of the synthetic, SMS or blind splits: a text already there is dropped (counted).
- Split by a hash of the normalized text, as the SMS rows are (70% train, 10% validation, 20%
  test); their source is "moderation", and evaluation reports them apart (`moderation_test`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from models.data.corpus import LABELS
from models.data.synthetic import Example
from pipeline.stages.normalize import normalize

SOURCE = "moderation"
MAX_CHARS = 2000  # the hub's own limit on a message


class DecisionsError(ValueError):
    """A line of a decisions file is not a labelled message."""


def parse(line: str, where: str) -> Example:
    """One exported line as a corpus row."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DecisionsError(f"{where}: not JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise DecisionsError(f"{where}: not a JSON object")
    text, labels, hard = data.get("text"), data.get("labels"), data.get("hard")
    if not isinstance(text, str) or not text.strip():
        raise DecisionsError(f"{where}: 'text' must be a non-empty string")
    if len(text) > MAX_CHARS:
        raise DecisionsError(f"{where}: 'text' is longer than {MAX_CHARS} characters")
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise DecisionsError(f"{where}: 'labels' must be a list of label names")
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise DecisionsError(f"{where}: unknown labels {unknown} (known: {list(LABELS)})")
    if not isinstance(hard, bool):
        raise DecisionsError(f"{where}: 'hard' must be true or false")
    if hard and labels:
        raise DecisionsError(f"{where}: a hard negative has no labels")
    ordered = tuple(name for name in LABELS if name in labels)
    family = f"{SOURCE}/{'approved' if not ordered else 'removed'}"
    return Example(text=text, labels=ordered, source=SOURCE, family=family, hard=hard)


def load(paths: Iterable[Path]) -> tuple[list[Example], dict[str, int]]:
    """Every decision of `paths`, one row per normalized text, and counts of what was dropped."""
    by_text: dict[str, list[Example]] = {}
    read = 0
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                row = parse(line, f"{path}:{number}")
                read += 1
                by_text.setdefault(normalize(row.text), []).append(row)
    rows, disputed, repeated = [], 0, 0
    for key, group in by_text.items():
        if not key:
            continue
        if len({(r.labels, r.hard) for r in group}) > 1:
            disputed += len(group)
            continue
        repeated += len(group) - 1
        rows.append(group[0])
    counts = {"read": read, "kept": len(rows), "disputed": disputed, "repeated": repeated}
    return rows, counts
