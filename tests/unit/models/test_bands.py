"""Block bands picked on validation (`models/bands.py`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from models.bands import GRID, block_band, pipeline_scores, retune, tune
from models.data.corpus import LABELS
from models.data.synthetic import Example
from pipeline import ModerationRunner, RunnerConfig
from pipeline.stages.policy import DEFAULT_POLICY
from pipeline.verdict import Action

ARTIFACTS = Path(__file__).resolve().parents[3] / "models" / "artifacts"


def _row(text: str, *labels: str) -> Example:
    return Example(text, labels, "synthetic", "f", False)


def test_the_band_is_the_lowest_value_no_fine_message_reaches() -> None:
    fine = np.array([True, True, False])
    assert block_band(np.array([0.10, 0.975, 0.999]), fine) == 0.98
    assert block_band(np.array([0.10, 0.98, 0.999]), fine) == 0.985  # reaching it is blocking
    assert block_band(np.array([0.10, 0.20, 0.999]), fine) == min(GRID)
    assert block_band(np.array([0.10, 0.999, 0.999]), fine) == max(GRID)  # nothing is clear
    assert block_band(np.array([0.999]), np.array([False])) == min(GRID)  # no fine rows


def test_tune_moves_block_bands_only_and_reports_what_they_block() -> None:
    rows = [_row("fine one"), _row("fine two"), _row("scam", "scam"), _row("mean", "harassment")]
    scores = np.zeros((4, len(LABELS)))
    scam, harassment = LABELS.index("scam"), LABELS.index("harassment")
    scores[:, scam] = [0.989, 0.10, 0.995, 0.0]  # a fine message at 0.989: the band goes to 0.99
    scores[:, harassment] = [0.0, 0.0, 0.0, 0.975]
    result = tune(DEFAULT_POLICY, scores, rows)
    labels = result["policy"]["labels"]
    assert labels["scam"]["bands"] == [[0.99, "block"]]
    assert labels["harassment"]["bands"] == [[min(GRID), "block"]]
    assert labels["off_platform"]["bands"] == []  # warns; never blocks
    assert labels["scam"]["threshold"] == DEFAULT_POLICY["labels"]["scam"]["threshold"]
    assert result["report"]["scam"] == {
        "before": DEFAULT_POLICY["labels"]["scam"]["bands"][0][0],
        "after": 0.99,
        "fine_blocked_before": 1,
        "fine_blocked_after": 0,
        "labelled_blocked_before": 1,
        "labelled_blocked_after": 1,
    }
    assert "off_platform" not in result["report"]
    assert DEFAULT_POLICY["labels"]["scam"]["bands"] == [[0.985, "block"]]  # not mutated


def test_retune_writes_the_policy_the_runtime_then_applies(tmp_path: Path) -> None:
    arts = tmp_path / "arts"
    shutil.copytree(ARTIFACTS, arts)
    warning = "If anyone asks you to pay with itunes cards cards, it's a scam, don't do it."
    rows = [_row(warning), _row("is the bike still available?")]
    scam = LABELS.index("scam")
    score = float(pipeline_scores(arts, rows)[0, scam])
    assert score > 0.985  # a fine warning that the model scores as a scam
    runner = ModerationRunner(RunnerConfig(artifacts_dir=arts))
    policy = json.loads((arts / "policy.json").read_text(encoding="utf-8"))
    policy["labels"]["scam"]["bands"] = [[0.985, "block"]]
    (arts / "policy.json").write_text(json.dumps(policy), encoding="utf-8")
    assert runner.score_sync([warning])[0].action is Action.BLOCK
    report = retune(arts, rows)
    assert report["scam"]["after"] > score
    tuned = ModerationRunner(RunnerConfig(artifacts_dir=arts))
    assert tuned.score_sync([warning])[0].action is Action.HOLD  # a moderator will see it
