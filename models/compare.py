"""Two candidates, each as one or more builds, compared on validation with their noise.

Two sources of noise hide a small difference between candidates. Training's: another seed of
the same build moves validation macro-F1 by about 0.6 points and the hard negatives flagged by
about 14 of 1,752 (`models/seeds.py` builds one per seed; each group here averages over its
builds). The phrasings': which template families happen to be in validation, and a model gets a
family's renderings right or wrong together (`models/intervals.py`). Both groups are scored on
the same bootstrap draws of families (paired), so what they share cancels and the interval is
that of the difference itself.

Reads the validation split and each build's own thresholds (`policy.json`); never the test split.
A build's input comes from the normalizer and the rules, so a build of other rules (a rules
candidate) is only scored right by its own checkout: `models seeds` saves each build's flags
(`seed-N/val_flags.npy`) for this, and they are used wherever present. A build without them is
scored here, with this checkout's rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models import intervals
from models.data.corpus import LABELS, read
from models.data.synthetic import Example


def builds_in(folder: Path) -> list[Path]:
    """The artifact folders of a `models seeds` output (seed-*/arts), or `folder` itself when it
    holds one build (labels.json)."""
    found = sorted(p for p in folder.glob("seed-*/arts") if (p / "labels.json").is_file())
    if found:
        return found
    if (folder / "labels.json").is_file():
        return [folder]
    raise FileNotFoundError(f"no build in {folder}: expected seed-*/arts or labels.json")


def build_flags(artifacts: Path, rows: Sequence[Example]) -> np.ndarray:
    """Labels flagged per row by one build: the runtime's model stage at the build's thresholds
    (what export tunes and `val_macro_f1` reports); saved by `models seeds` when it built them."""
    from models.evaluate import model_probs
    from models.seeds import FLAGS

    saved = artifacts.parent / FLAGS
    if saved.is_file():
        flags = np.load(saved)
        if flags.shape != (len(rows), len(LABELS)):
            raise ValueError(f"{saved} holds {flags.shape} flags for {len(rows)} validation rows")
        return flags.astype(bool)
    from pipeline.stages.model import ModelArtifacts, OnnxModel
    from pipeline.stages.policy import Policy

    arts = ModelArtifacts(artifacts)
    thresholds = np.array([Policy.load(arts.policy).thresholds[name] for name in LABELS])
    return model_probs(OnnxModel(arts), rows) >= thresholds


def clusters_of(rows: Sequence[Example]) -> list[str]:
    """The bootstrap's unit per row: its template family when synthetic, itself otherwise."""
    return [r.family if r.source == "synthetic" else f"{r.source}-{i}" for i, r in enumerate(rows)]


def _figures(
    weights: np.ndarray, truth: np.ndarray, hard: np.ndarray, flags: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per draw: macro-F1, and the (weighted) count of hard negatives flagged for some label."""
    macro = intervals.label_figures(weights, truth, flags)["macro_f1"]
    flagged = weights[:, hard] @ flags[hard].any(axis=1).astype(np.float64)
    return macro, flagged


def paired(
    truth: np.ndarray,
    hard: np.ndarray,
    clusters: Sequence[str],
    first: Sequence[np.ndarray],
    second: Sequence[np.ndarray],
    draws: int = intervals.DRAWS,
    seed: int = 0,
) -> dict[str, Any]:
    """Mean macro-F1 and hard negatives flagged of each group of builds (flags per build), and
    the difference second minus first with its paired 95% interval and the share of draws in
    which the second is ahead (higher macro-F1; for hard negatives, more flagged)."""
    weights = np.vstack([np.ones(len(truth)), intervals.resample(clusters, draws, seed)])
    means = []
    for group in (first, second):
        if not group:
            raise ValueError("each side needs at least one build")
        figures = [_figures(weights, truth, hard, flags) for flags in group]
        means.append(tuple(np.mean([f[k] for f in figures], axis=0) for k in (0, 1)))
    out: dict[str, Any] = {"builds": {"first": len(first), "second": len(second)}}
    for k, name in enumerate(("val_macro_f1", "val_hard_flagged")):
        difference = means[1][k] - means[0][k]
        out[name] = {
            "first": float(means[0][k][0]),
            "second": float(means[1][k][0]),
            "difference": float(difference[0]),
            **intervals.summary(difference[1:]),
        }
    return out


def compare(data_dir: Path, first: Path, second: Path) -> dict[str, Any]:
    """Every build under `first` against every build under `second`, on validation."""
    from models.evaluate import truth_of

    val = read(data_dir, "val")
    truth = truth_of(val)
    hard = np.array([r.hard for r in val], dtype=bool)
    groups = [[build_flags(arts, val) for arts in builds_in(side)] for side in (first, second)]
    report = paired(truth, hard, clusters_of(val), groups[0], groups[1])
    report["folders"] = {"first": str(first), "second": str(second)}
    report["hard_negatives"] = int(hard.sum())
    return report
