"""Block bands: where a label's action turns from hold (or warn) to block, picked on validation.

A block is final: the message is not delivered and no moderator sees it. So a fine message
blocked is the costliest error the pipeline makes, and a band is placed where validation's fine
messages do not reach: per label that has a block band, the lowest of `GRID` that no validation
message without a label reaches for that label, with the scores the runtime gives a first
message (normalize, rules and their floors, model; `ModerationRunner.score_sync`). Where every
value of the grid is reached, the highest. Lowering a band blocks more risky messages outright
(fewer for moderators); raising it sends them to the queue instead: either way they are not
delivered. Labels without a block band keep none.

`python -m models export` writes the bands it picks into `policy.json`; `python -m models bands`
re-tunes the shipped artifacts' bands alone (the model files unchanged).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.data.corpus import LABELS
from models.data.synthetic import Example

GRID = (0.97, 0.98, 0.985, 0.99, 0.995)
_BATCH = 64


def pipeline_scores(artifacts: Path, rows: Sequence[Example]) -> np.ndarray:
    """Scores per row and label (`LABELS` order) as the runtime gives a first message: the
    model's, raised by the rules' floors; no conversation context."""
    from pipeline import ModerationRunner, RunnerConfig

    runner = ModerationRunner(RunnerConfig(artifacts_dir=artifacts))
    texts = [r.text for r in rows]
    out = np.zeros((len(texts), len(LABELS)), dtype=np.float64)
    for start in range(0, len(texts), _BATCH):
        verdicts = runner.score_sync(texts[start : start + _BATCH])
        for offset, verdict in enumerate(verdicts):
            out[start + offset] = [verdict.labels.get(name, 0.0) for name in LABELS]
    return out


def block_band(scores: np.ndarray, fine: np.ndarray, grid: Sequence[float] = GRID) -> float:
    """The lowest grid value that no fine row's score reaches (the highest if all are)."""
    top = float(scores[fine].max()) if fine.any() else -1.0
    clear = [value for value in sorted(grid) if value > top]
    return clear[0] if clear else max(grid)


def tune(policy: Mapping[str, Any], scores: np.ndarray, rows: Sequence[Example]) -> dict[str, Any]:
    """A copy of `policy` whose block bands are picked on `scores` of `rows` (validation), and a
    report per label: the band before and after, and how many fine rows each would block."""
    fine = np.array([not r.labels for r in rows], dtype=bool)
    tuned = json.loads(json.dumps(policy))
    report: dict[str, Any] = {}
    for j, name in enumerate(LABELS):
        spec = tuned["labels"].get(name)
        if spec is None:
            continue
        bands = spec.get("bands", [])
        blocks = [i for i, (_, action) in enumerate(bands) if action == "block"]
        if not blocks:
            continue
        before = float(bands[blocks[0]][0])
        after = block_band(scores[:, j], fine)
        bands[blocks[0]][0] = after
        report[name] = {
            "before": before,
            "after": after,
            "fine_blocked_before": int((scores[fine, j] >= before).sum()),
            "fine_blocked_after": int((scores[fine, j] >= after).sum()),
            "labelled_blocked_before": int((scores[~fine, j] >= before).sum()),
            "labelled_blocked_after": int((scores[~fine, j] >= after).sum()),
        }
    return {"policy": tuned, "report": report}


def retune(artifacts: Path, rows: Sequence[Example]) -> dict[str, Any]:
    """Re-tune the block bands of `artifacts/policy.json` on `rows` (validation) and write it."""
    path = artifacts / "policy.json"
    policy = json.loads(path.read_text(encoding="utf-8"))
    result = tune(policy, pipeline_scores(artifacts, rows), rows)
    path.write_text(json.dumps(result["policy"], indent=2) + "\n", encoding="utf-8")
    report: dict[str, Any] = result["report"]
    return report
