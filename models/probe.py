"""`python -m models probe`: payment apps and messengers that nothing in the project knows.

The test split draws payment and messenger names from its own pool, but the rules' lexicons list
those names too, so test measures unseen phrasings more than unseen names. This probe renders the
validation families that name a payment app or a messenger twice, with the same seed: once with
training's names (the control) and once with names that neither the rules' lexicons nor any
vocabulary pool hold (`PROBE_NAMES`), everything else alike. The gap between the two is what a
new payment app costs the shipped model. Validation only, never test; a report, not a selector.
"""

from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path
from typing import Any

import numpy as np

from models.data.corpus import LABELS
from models.data.families import FAMILIES, Family
from models.data.synthetic import Example, sentence
from models.data.vocab import _MESSENGERS, _PAY
from models.metrics import _prf

# Real payment rails and messengers, none in `pipeline/stages/rules.py` nor in any pool (a unit
# test checks both): when the lexicons learn one, replace it here with one they don't know.
PROBE_NAMES: dict[str, tuple[str, ...]] = {
    "pay": (
        "paysend",
        "bkash",
        "easypaisa",
        "jazzcash",
        "orange money",
        "chipper cash",
        "shopeepay",
        "truemoney",
        "zalopay",
        "esewa",
        "paysera",
        "monzo",
    ),
    "messenger": ("groupme", "wickr", "hangouts", "icq"),
}
CONTROL_NAMES: dict[str, tuple[str, ...]] = {
    "pay": _PAY["train"],
    "messenger": _MESSENGERS["train"],
}
_NAME_SLOT = re.compile(r"\{(pay|messenger)2?\}")
SEED = 777


def probe_families() -> list[Family]:
    """Validation's families whose template names a payment app or a messenger."""
    return [f for f in FAMILIES if f.split == "val" and _NAME_SLOT.search(f.template)]


def render(
    families: list[Family], names: dict[str, tuple[str, ...]], per_family: int, seed: int = SEED
) -> list[Example]:
    """`per_family` sentences of each family, its name slots filled from `names`, the rest as in
    training (vocabulary pool and styles), reproducibly."""
    rng = random.Random(f"{seed}:probe")
    out = []
    for family in families:
        for _ in range(per_family):
            template = _NAME_SLOT.sub(lambda m: rng.choice(names[m.group(1)]), family.template)
            text = sentence(dataclasses.replace(family, template=template), "train", rng)
            out.append(Example(text, family.labels, "synthetic", family.name, family.hard))
    return out


def _figures(rows: list[Example], flags: np.ndarray) -> dict[str, Any]:
    j = LABELS.index("off_platform")
    truth = np.array(["off_platform" in r.labels for r in rows])
    hard = np.array([r.hard for r in rows])
    precision, recall, f1 = _prf(truth, flags[:, j])
    return {
        "rows": len(rows),
        "off_platform_precision": precision,
        "off_platform_recall": recall,
        "off_platform_f1": f1,
        "hard_negatives": int(hard.sum()),
        "hard_negatives_flagged": int(flags[hard].any(axis=1).sum()),
    }


def probe(artifacts: Path, per_family: int = 20) -> dict[str, Any]:
    """The shipped model's `off_platform` figures and hard negatives flagged on the control and on
    the probe, at the build's thresholds."""
    from models.evaluate import model_probs
    from pipeline.stages.model import ModelArtifacts, OnnxModel
    from pipeline.stages.policy import Policy

    arts = ModelArtifacts(artifacts)
    cut = np.array([Policy.load(arts.policy).thresholds[name] for name in LABELS])
    model = OnnxModel(arts)
    families = probe_families()
    out: dict[str, Any] = {"families": len(families), "probe_names": PROBE_NAMES}
    for name, names in (("control", CONTROL_NAMES), ("probe", PROBE_NAMES)):
        rows = render(families, names, per_family)
        out[name] = _figures(rows, model_probs(model, rows) >= cut)
    return out
