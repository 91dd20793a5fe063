"""Evaluation of the shipped artifacts against the held-out splits and the TF-IDF baseline.

Four scorers on the same splits: the shipped model alone (the int8 student blended with the
lexical model; what `policy.json` thresholds), the int8 student alone (same thresholds: what the
lexical half adds), the pipeline without context (normalize, rules, model: what a first message
gets), and the baseline (TF-IDF word + char n-grams, one logistic regression per label,
thresholds tuned on validation the same way). Real (SMS) and synthetic figures are kept apart.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from models import card, intervals
from models.data.corpus import BLIND, LABELS, model_text, read
from models.data.decisions import SOURCE
from models.data.synthetic import Example
from models.metrics import binary_macro_f1, per_label, tune_thresholds
from pipeline.runner import ModerationRunner, RunnerConfig
from pipeline.scoring import Scorer
from pipeline.stages.model import ModelArtifacts, OnnxModel
from pipeline.stages.policy import Policy
from pipeline.verdict import Action

log = logging.getLogger(__name__)


def truth_of(rows: Sequence[Example]) -> np.ndarray:
    """Multi-hot labels."""
    out = np.zeros((len(rows), len(LABELS)), dtype=np.int64)
    for i, row in enumerate(rows):
        for name in row.labels:
            out[i, LABELS.index(name)] = 1
    return out


def model_probs(model: OnnxModel, rows: Sequence[Example], size: int = 64) -> np.ndarray:
    """Int8 model probabilities through the runtime's own model stage."""
    texts = [model_text(r.text) for r in rows]
    parts = [model.predict(texts[i : i + size]) for i in range(0, len(texts), size)]
    return np.concatenate(parts) if parts else np.zeros((0, len(LABELS)))


def routed_share(model: OnnxModel, first: np.ndarray, rows: Sequence[Example]) -> float:
    """Share of `rows` the cascade sends to the judge, given their first-stage probabilities."""
    if model.cascade is None:
        return 0.0
    lengths = model.head_lengths([model_text(r.text) for r in rows])
    return float(model.cascade.route(first, lengths).mean())


def pipeline_probs(scorer: Scorer, rows: Sequence[Example], size: int = 64) -> np.ndarray:
    """Scores after rule floors (no conversation context)."""
    out = []
    for i in range(0, len(rows), size):
        for scored in scorer.score([r.text for r in rows[i : i + size]]):
            # A weighted rule hit flags its label whatever the threshold (as the policy does).
            sure = {hit.label for hit in scored.hits if hit.weight > 0.0}
            out.append([1.0 if name in sure else scored.scores[name] for name in LABELS])
    return np.asarray(out, dtype=np.float32)


class Baseline:
    """TF-IDF (word 1-2-grams + char 2-5-grams) and one logistic regression per label."""

    def __init__(self, train: Sequence[Example]) -> None:
        self.features = FeatureUnion(
            [
                ("word", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
                (
                    "char",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=(2, 5),
                        min_df=2,
                        sublinear_tf=True,
                        max_features=200_000,
                    ),
                ),
            ]
        )
        x = self.features.fit_transform([model_text(r.text) for r in train])
        y = truth_of(train)
        self.heads = [
            LogisticRegression(C=10.0, max_iter=2000).fit(x, y[:, j]) for j in range(len(LABELS))
        ]

    def probs(self, rows: Sequence[Example]) -> np.ndarray:
        """Probability per label."""
        x = self.features.transform([model_text(r.text) for r in rows])
        return np.stack([h.predict_proba(x)[:, 1] for h in self.heads], axis=1)


def _report(rows: Sequence[Example], probs: np.ndarray, th: dict[str, float]) -> dict[str, Any]:
    synth = [i for i, r in enumerate(rows) if r.source == "synthetic"]
    sms = [i for i, r in enumerate(rows) if r.source == "sms"]
    hard = [i for i, r in enumerate(rows) if r.hard and r.source == "synthetic"]
    truth = truth_of(rows)
    flags = probs >= np.array([th[name] for name in LABELS])
    spam = LABELS.index("spam")
    out = {
        "synthetic_test": per_label(truth[synth], probs[synth], th),
        "sms_test": {
            "spam": per_label(truth[sms], probs[sms], th).get("spam"),
            "binary_macro_f1": binary_macro_f1(truth[sms, spam], flags[sms, spam]),
            "any_label_false_positive_rate": float(flags[sms][truth[sms, spam] == 0].any(1).mean()),
        },
        "hard_negative_fpr": float(flags[hard].any(1).mean()) if hard else 0.0,
        "hard_negatives": len(hard),
    }
    decided = [i for i, r in enumerate(rows) if r.source == SOURCE]
    if decided:
        out["moderation_test"] = decisions_report(truth[decided], flags[decided])
    return out


def decisions_report(truth: np.ndarray, flags: np.ndarray) -> dict[str, Any]:
    """Moderators' decisions in the test split (real chat): how many of the messages they
    approved the scorer still flags (real hard negatives), and how many of those they removed it
    flags for one of their labels."""
    approved = truth.sum(axis=1) == 0
    caught = (flags & (truth == 1)).any(axis=1)
    return {
        "approved": int(approved.sum()),
        "approved_flagged_rate": float(flags[approved].any(1).mean()) if approved.any() else 0.0,
        "removed": int((~approved).sum()),
        "removed_caught_rate": float(caught[~approved].mean()) if (~approved).any() else 0.0,
    }


def target_intervals(
    rows: Sequence[Example],
    probs: np.ndarray,
    thresholds: dict[str, float],
    base_probs: np.ndarray,
    base_thresholds: dict[str, float],
) -> dict[str, Any]:
    """95% cluster-bootstrap intervals (`models/intervals.py`) of each target's figures on `rows`:
    synthetic rows resampled by template family, SMS rows one by one. A comparison with the
    baseline is resampled paired (both scorers on the same draw) and reported as the difference
    model minus baseline, with the share of draws in which the model wins."""
    truth = truth_of(rows)
    flags = probs >= np.array([thresholds[name] for name in LABELS])
    base = base_probs >= np.array([base_thresholds[name] for name in LABELS])
    synth = np.array([r.source == "synthetic" for r in rows])
    sms = np.array([r.source == "sms" for r in rows])
    hard = np.array([r.hard for r in rows])[synth]
    weights = intervals.resample([r.family for r in rows if r.source == "synthetic"])
    model = intervals.label_figures(weights, truth[synth], flags[synth])
    other = intervals.label_figures(weights, truth[synth], base[synth])
    out: dict[str, Any] = {
        "synthetic_macro_f1>=0.95": intervals.interval(model["macro_f1"]),
        "hard_negative_fpr<=0.01": intervals.interval(
            intervals.rate(weights[:, hard], flags[synth][hard].any(axis=1))
        ),
    }
    for name in ("scam", "off_platform"):
        j = LABELS.index(name)
        out[f"{name}_recall>=0.90@precision>=0.95"] = {
            "precision": intervals.interval(model["precision"][:, j]),
            "recall": intervals.interval(model["recall"][:, j]),
        }
    for j, name in enumerate(LABELS):
        out[f"beats_baseline_f1:{name}"] = intervals.summary(model["f1"][:, j] - other["f1"][:, j])
    if sms.any():
        spam = LABELS.index("spam")
        rowwise = intervals.resample([str(i) for i in range(int(sms.sum()))])
        out["sms_macro_f1>=0.96"] = intervals.interval(
            intervals.binary_macro_f1(rowwise, truth[sms, spam], flags[sms, spam])
        )
        sms_model = intervals.label_figures(rowwise, truth[sms], flags[sms])["f1"][:, spam]
        sms_base = intervals.label_figures(rowwise, truth[sms], base[sms])["f1"][:, spam]
        out["beats_baseline_f1:sms_spam"] = intervals.summary(sms_model - sms_base)
    out["families"] = {
        "synthetic": len({r.family for r in rows if r.source == "synthetic"}),
        "hard_negative": len({r.family for r in rows if r.hard}),
        "sms_rows": int(sms.sum()),
        "draws": len(weights),
    }
    return out


def blind_report(
    rows: Sequence[Example],
    flags: dict[str, np.ndarray],
) -> dict[str, Any]:
    """Hard negatives flagged on the blind set (`families.BLIND_FAMILIES`), for each scorer in
    `flags` (rows x labels): the share with its 95% interval, resampled by family, the labels
    that fire and the concepts hit. Every row of the set is a fine message."""
    families = [r.family for r in rows]
    weights = intervals.resample(families)
    concepts = sorted({r.family.split("/", 1)[0] for r in rows})
    out: dict[str, Any] = {"rows": len(rows), "families": len(set(families))}
    for name, flagged in flags.items():
        hit = flagged.any(axis=1)
        out[name] = {
            "fpr": float(hit.mean()),
            "ci95": intervals.interval(intervals.rate(weights, hit)),
            "flagged": int(hit.sum()),
            "families_flagged": len({f for f, h in zip(families, hit, strict=True) if h}),
            "by_label": {label: int(flagged[:, j].sum()) for j, label in enumerate(LABELS)},
            "by_concept": {
                c: int(sum(h for f, h in zip(families, hit, strict=True) if f.startswith(c + "/")))
                for c in concepts
            },
        }
    return out


def policy_actions(
    runner: ModerationRunner, rows: Sequence[Example], size: int = 64
) -> dict[str, int]:
    """How many of `rows` the shipped policy allows, warns about, holds or blocks: the whole
    pipeline on a first message (no conversation context), as a chat would see it."""
    counts = {action.value: 0 for action in Action}
    for i in range(0, len(rows), size):
        for verdict in runner.score_sync([r.text for r in rows[i : i + size]]):
            counts[verdict.action.value] += 1
    return counts


def hard_negative_actions(
    artifacts: Path, test: Sequence[Example], blind: Sequence[Example]
) -> dict[str, dict[str, Any]]:
    """What happens to fine messages that look risky (test's hard negatives and the blind set):
    a warning still delivers the message, a hold waits for a moderator, a block drops it.
    `at_threshold` is each label's action at its threshold (stricter bands lie above it)."""
    runner = ModerationRunner(RunnerConfig(artifacts_dir=artifacts))
    counts = {
        "test": policy_actions(runner, [r for r in test if r.hard and r.source == "synthetic"]),
        "blind": policy_actions(runner, blind),
    }
    at_threshold = {name: spec.action.value for name, spec in runner.policy.labels.items()}
    return {**counts, "at_threshold": at_threshold}


def evaluate(artifacts: Path, data_dir: Path) -> dict[str, Any]:
    """Measure everything, write `metrics.json` and regenerate the model card."""
    train, val, test = (read(data_dir, split) for split in ("train", "val", "test"))
    arts = ModelArtifacts(artifacts)
    thresholds = Policy.load(arts.policy).thresholds
    model = OnnxModel(arts)
    scorer = Scorer(arts, LABELS, None)
    baseline = Baseline(train)
    hard = np.array([r.hard for r in val], dtype=bool)
    base_th = tune_thresholds(truth_of(val), baseline.probs(val), hard)
    first = model_probs(OnnxModel(arts, cascade=False), test)
    shipped, base_test = model_probs(model, test), baseline.probs(test)
    results = {
        "model": _report(test, shipped, thresholds),
        "first_stage": _report(test, first, thresholds),
        "student_alone": _report(
            test, model_probs(OnnxModel(arts, lexical=False, cascade=False), test), thresholds
        ),
        "pipeline_no_context": _report(test, pipeline_probs(scorer, test), thresholds),
        "baseline_tfidf_logreg": _report(test, base_test, base_th),
        "thresholds": thresholds,
        "baseline_thresholds": base_th,
        "cascade": {
            "band": dataclasses.asdict(model.cascade) if model.cascade else None,
            "test_routed_share": routed_share(model, first, test),
        },
        "rows": {"train": len(train), "val": len(val), "test": len(test)},
        "intervals": target_intervals(test, shipped, thresholds, base_test, base_th),
    }
    blind = read(data_dir, BLIND)
    cut = np.array([thresholds[name] for name in LABELS])
    results["blind_hard_negatives"] = blind_report(
        blind,
        {
            "model": model_probs(model, blind) >= cut,
            "pipeline_no_context": pipeline_probs(scorer, blind) >= cut,
            "baseline_tfidf_logreg": baseline.probs(blind)
            >= np.array([base_th[name] for name in LABELS]),
        },
    )
    results["hard_negative_actions"] = hard_negative_actions(artifacts, test, blind)
    training = artifacts / "training.json"
    if training.exists():
        results["train"] = json.loads(training.read_text(encoding="utf-8"))
    results["targets"] = card.targets(results)
    (artifacts / "metrics.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    card.write(artifacts, results)
    return results
