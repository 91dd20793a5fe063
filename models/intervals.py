"""How far a held-out figure could move on another draw of phrasings: a cluster bootstrap.

The synthetic splits are drawn by template family (one phrasing, rendered in several styles), and
the model tends to get a whole family right or wrong: on validation, 10 of 10, 9 of 9, 8 of 8
renderings of a phrasing were flagged together. The rows are not independent draws, the families
are, so the bootstrap resamples families (with replacement, all of a family's rows together) and
recomputes each figure. SMS rows are independent messages and are resampled one by one.

A 95% interval here is the spread from which phrasings happened to be held out; it says nothing
of the seed-to-seed spread of training (`models/seeds.py` measures that one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

DRAWS = 2000
LEVEL = 0.95


def resample(clusters: Sequence[str], draws: int = DRAWS, seed: int = 0) -> np.ndarray:
    """Bootstrap weights per row, shape (draws, rows): each draw takes as many clusters as there
    are, with replacement, and a row counts as often as its cluster was taken."""
    _, index = np.unique(np.asarray(clusters, dtype=object), return_inverse=True)
    count = int(index.max()) + 1 if len(index) else 0
    rng = np.random.default_rng(seed)
    picks = rng.multinomial(count, np.full(count, 1.0 / max(count, 1)), size=draws)
    return picks[:, index].astype(np.float64)


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    denominator = 2.0 * tp + fp + fn
    return np.divide(2.0 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def label_counts(
    weights: np.ndarray, truth: np.ndarray, flags: np.ndarray
) -> dict[str, np.ndarray]:
    """Weighted true positives, false positives and false negatives per draw and label, shape
    (draws, labels) each, and the weighted support."""
    t, f = truth.astype(np.float64), flags.astype(np.float64)
    return {
        "tp": weights @ (t * f),
        "fp": weights @ ((1.0 - t) * f),
        "fn": weights @ (t * (1.0 - f)),
        "support": weights @ t,
    }


def label_figures(
    weights: np.ndarray, truth: np.ndarray, flags: np.ndarray
) -> dict[str, np.ndarray]:
    """Precision, recall and F1 per draw and label, and macro-F1 per draw over the labels the
    whole split has (as `metrics.macro_f1` counts them)."""
    c = label_counts(weights, truth, flags)
    f1 = _f1(c["tp"], c["fp"], c["fn"])
    present = truth.any(axis=0)
    return {
        "precision": _ratio(c["tp"], c["tp"] + c["fp"]),
        "recall": _ratio(c["tp"], c["support"]),
        "f1": f1,
        "macro_f1": f1[:, present].mean(axis=1) if present.any() else np.zeros(len(weights)),
    }


def binary_macro_f1(weights: np.ndarray, truth: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Per draw: the mean of the flagged class's F1 and the unflagged class's F1."""
    t, f = truth.astype(np.float64), flags.astype(np.float64)
    tp, tn = weights @ (t * f), weights @ ((1.0 - t) * (1.0 - f))
    fp, fn = weights @ ((1.0 - t) * f), weights @ (t * (1.0 - f))
    return (_f1(tp, fp, fn) + _f1(tn, fn, fp)) / 2.0


def rate(weights: np.ndarray, hits: np.ndarray) -> np.ndarray:
    """Per draw: the weighted share of rows where `hits` is true."""
    return _ratio(weights @ hits.astype(np.float64), weights.sum(axis=1))


def interval(samples: np.ndarray, level: float = LEVEL) -> list[float]:
    """The percentile interval of bootstrap samples, as [low, high]."""
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(samples, [tail, 100.0 - tail])
    return [float(low), float(high)]


def summary(samples: np.ndarray, level: float = LEVEL) -> dict[str, Any]:
    """The interval and the share of draws above zero (for a difference: how often the first
    scorer wins)."""
    return {"ci": interval(samples, level), "share_above_zero": float((samples > 0).mean())}
