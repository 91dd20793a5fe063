"""Metric helpers shared by export and evaluation (numpy and scikit-learn only)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_fscore_support

from models.data.corpus import LABELS

# Scam and off_platform thresholds aim for precision >= this on validation, then maximal recall.
PRECISION_FLOOR = {"scam": 0.95, "off_platform": 0.95}
_GRID = np.round(np.linspace(0.05, 0.95, 91), 3)


def _prf(truth: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    p, r, f, _ = precision_recall_fscore_support(truth, pred, average="binary", zero_division=0)
    return float(p), float(r), float(f)


# Among thresholds whose validation F1 is within this of the best, take the lowest. With 263
# validation families (before 1.1.0) the low end of the curve's flat top generalized better
# (0.01); with 1,187 the exact peak does better on validation's every figure (macro-F1, SMS,
# hard negatives), so the slack is off.
F1_SLACK = 0.0
# ...but never so low that a label flags more than this share of validation's hard negatives
# (fine messages that look risky); where no threshold gets there, the one that flags fewest.
# 2% per label gave the best validation macro-F1 of the budgets tried (2%, 1%, 0.5%, 0.25%, 0).
HARD_FPR_BUDGET = 0.02


def tune_thresholds(
    truth: np.ndarray, probs: np.ndarray, hard: np.ndarray | None = None
) -> dict[str, float]:
    """Per label: the lowest threshold near the best F1, or for labels with a precision floor
    the best recall at or above the floor; among thresholds within the hard-negative budget
    when `hard` (a boolean mask of hard-negative rows) is given."""
    out = {}
    for j, name in enumerate(LABELS):
        grid = _GRID
        if hard is not None and hard.any():
            rates = {float(t): float((probs[hard, j] >= t).mean()) for t in _GRID}
            limit = max(HARD_FPR_BUDGET, min(rates.values()))
            grid = np.array([t for t in _GRID if rates[float(t)] <= limit])
        curve = [(float(t), *_prf(truth[:, j], probs[:, j] >= t)) for t in grid]
        floor = PRECISION_FLOOR.get(name)
        feasible = [c for c in curve if floor is not None and c[1] >= floor]
        if feasible:
            best_recall = max(c[2] for c in feasible)
            out[name] = max(c[0] for c in feasible if c[2] == best_recall)
        else:
            best_f1 = max(c[3] for c in curve)
            out[name] = min(c[0] for c in curve if c[3] >= best_f1 - F1_SLACK)
    return out


def macro_f1(truth: np.ndarray, probs: np.ndarray, thresholds: dict[str, float]) -> float:
    """Mean F1 over the labels present in `truth`."""
    scores = [
        _prf(truth[:, j], probs[:, j] >= thresholds[name])[2]
        for j, name in enumerate(LABELS)
        if truth[:, j].any()
    ]
    return float(np.mean(scores)) if scores else 0.0


def per_label(truth: np.ndarray, probs: np.ndarray, thresholds: dict[str, float]) -> dict[str, Any]:
    """Precision, recall, F1, PR-AUC and support per label, plus macro-F1."""
    out: dict[str, Any] = {}
    for j, name in enumerate(LABELS):
        if not truth[:, j].any():
            continue
        p, r, f = _prf(truth[:, j], probs[:, j] >= thresholds[name])
        auc = float(average_precision_score(truth[:, j], probs[:, j]))
        out[name] = {
            "precision": p,
            "recall": r,
            "f1": f,
            "pr_auc": auc,
            "support": int(truth[:, j].sum()),
        }
    out["macro_f1"] = macro_f1(truth, probs, thresholds)
    return out


def binary_macro_f1(truth: np.ndarray, flagged: np.ndarray) -> float:
    """Macro-F1 over the two classes flagged / not flagged."""
    pos = _prf(truth, flagged)[2]
    neg = _prf(~truth.astype(bool), ~flagged.astype(bool))[2]
    return (pos + neg) / 2.0
