"""Several builds of the same code, one per seed, judged on validation only.

One build cannot rank two candidates whose difference is smaller than the seed-to-seed noise
(about 0.6 macro-F1 points here). `compare` trains and exports one build per seed under
`out_dir/seed-<n>/` and writes each build's validation figures to `validation.json` there and
the mean and spread over every build in `out_dir` to `out_dir/seeds.json`. The test split is
never read. Builds of one out_dir may run as separate processes (one seed each, on one GPU, say):
each writes its own file and the summary is rebuilt from all of them.
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.data.corpus import LABELS, read

log = logging.getLogger(__name__)

# Each build's validation flags, scored by the checkout that built it: the model's input depends
# on the normalizer and rules, which a candidate may change, so a later checkout cannot rescore
# another candidate's build faithfully.
FLAGS = "val_flags.npy"


def compare(data_dir: Path, out_dir: Path, seeds: Sequence[int], device: str) -> dict[str, Any]:
    """Train, export and validate one build per seed; the summary over all builds in out_dir."""
    from models.export import ExportConfig, export
    from models.train import TrainConfig, train

    out_dir.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        folder = out_dir / f"seed-{seed}"
        started = time.monotonic()
        timings = train(
            TrainConfig(data_dir=data_dir, out_dir=folder / "run", seed=seed, device=device)
        )
        trained = time.monotonic()
        report = export(
            ExportConfig(run_dir=folder / "run", data_dir=data_dir, artifacts_dir=folder / "arts")
        )
        figures = {
            "seed": seed,
            "device": device,
            "train_s": round(timings["total_s"], 1),
            "export_s": round(time.monotonic() - trained, 1),
            "val_macro_f1": report["val_macro_f1"],
            "val_macro_f1_first_stage": report["cascade"].get("val_macro_f1_first_stage"),
            "lexical_weight": report["lexical_weight"],
            "cascade": report["cascade"].get("cascade"),
            "thresholds": report["thresholds"],
            **validation_flags(folder / "arts", data_dir, save=folder / FLAGS),
        }
        (folder / "validation.json").write_text(json.dumps(figures, indent=2) + "\n")
        log.info("seed %d: %s (%.0fs)", seed, figures, time.monotonic() - started)
    return summarize(out_dir)


def validation_flags(artifacts: Path, data_dir: Path, save: Path | None = None) -> dict[str, Any]:
    """Hard negatives of validation flagged by the shipped runtime path (model, then rules).
    `save`: where to keep the model's flags per row (`.npy`) for `python -m models compare`."""
    from models.evaluate import model_probs, pipeline_probs
    from pipeline.scoring import Scorer
    from pipeline.stages.model import ModelArtifacts, OnnxModel
    from pipeline.stages.policy import Policy

    val = read(data_dir, "val")
    arts = ModelArtifacts(artifacts)
    thresholds = np.array([Policy.load(arts.policy).thresholds[name] for name in LABELS])
    hard = np.array([r.hard for r in val], dtype=bool)
    model = model_probs(OnnxModel(arts), val) >= thresholds
    rules = pipeline_probs(Scorer(arts, LABELS, None), val) >= thresholds
    if save is not None:
        np.save(save, model)
    return {
        "val_hard_negatives": int(hard.sum()),
        "val_hard_flagged_model": int(model[hard].any(1).sum()),
        "val_hard_flagged_pipeline": int(rules[hard].any(1).sum()),
    }


def summarize(out_dir: Path) -> dict[str, Any]:
    """Mean and standard deviation of every build's figures in out_dir; written as seeds.json."""
    builds = [
        json.loads(path.read_text()) for path in sorted(out_dir.glob("seed-*/validation.json"))
    ]
    keys = ("val_macro_f1", "val_hard_flagged_model", "val_hard_flagged_pipeline")
    summary: dict[str, Any] = {"builds": builds, "seeds": [b["seed"] for b in builds]}
    for key in keys:
        values = [float(b[key]) for b in builds]
        summary[key] = {
            "mean": statistics.fmean(values) if values else None,
            "sd": statistics.stdev(values) if len(values) > 1 else None,
        }
    (out_dir / "seeds.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary
