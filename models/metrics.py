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


def tune_thresholds(truth: np.ndarray, probs: np.ndarray) -> dict[str, float]:
    """Per label: best F1, or for labels with a precision floor the best recall above it."""
    out = {}
    for j, name in enumerate(LABELS):
        best, best_key = 0.5, (-1.0, -1.0)
        for t in _GRID:
            p, r, f = _prf(truth[:, j], probs[:, j] >= t)
            floor = PRECISION_FLOOR.get(name)
            key = (float(p >= floor), r if p >= floor else f) if floor else (1.0, f)
            if key > best_key:
                best, best_key = float(t), key
        out[name] = best
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
