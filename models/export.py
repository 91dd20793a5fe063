"""Export: student to ONNX (dynamic batch and sequence), parity check, int8, thresholds, artifacts.

Fails when onnxruntime's fp32 outputs drift from torch beyond `ATOL`, or when int8 loses more
than `MAX_INT8_F1_DROP` macro-F1 on validation. Then fits the lexical model (hashed n-grams,
`models/lexical.py`) on the training split and picks its blend weight among `BLEND_WEIGHTS` by
validation macro-F1. Thresholds are tuned on validation only, on the blended probabilities.
"""

from __future__ import annotations

import copy
import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic

from models import lexical, train
from models.data.corpus import LABELS, model_text, read
from models.metrics import macro_f1, tune_thresholds
from pipeline.stages.lexical import LexicalModel
from pipeline.stages.policy import DEFAULT_POLICY

log = logging.getLogger(__name__)

ATOL = 1e-4
MAX_INT8_F1_DROP = 0.005
VERSION = "1.1.0"
# Weight of the lexical model in the blend, chosen by validation macro-F1 (0: student alone).
BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75)


class ExportError(Exception):
    """Parity or quantization check failed."""


@dataclass(frozen=True)
class ExportConfig:
    """Where the trained weights, the data and the artifacts are."""

    run_dir: Path
    data_dir: Path
    artifacts_dir: Path
    teacher_out: Path | None = None  # also export the int8 teacher here (benchmarks)
    max_int8_f1_drop: float = MAX_INT8_F1_DROP
    blend_weights: tuple[float, ...] = BLEND_WEIGHTS


class _Logits(torch.nn.Module):
    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids, attention_mask)


def to_onnx(model: torch.nn.Module, path: Path, max_length: int) -> None:
    """TorchScript-based export with dynamic batch and sequence axes."""
    ids = torch.randint(1000, 2000, (2, 9))
    mask = torch.ones_like(ids)
    axes = {
        "input_ids": {0: "batch", 1: "sequence"},
        "attention_mask": {0: "batch", 1: "sequence"},
        "logits": {0: "batch"},
    }
    torch.onnx.export(
        _Logits(copy.deepcopy(model).eval()),
        (ids, mask),
        str(path),
        dynamo=False,
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes=axes,
        opset_version=17,
    )


def session(path: Path) -> ort.InferenceSession:
    """A CPU session like the runtime's (one thread)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def onnx_probs(sess: ort.InferenceSession, ids: list[list[int]], size: int = 64) -> np.ndarray:
    """Probabilities from an ONNX session, batched by length like the runtime."""
    out = np.zeros((len(ids), len(LABELS)), dtype=np.float32)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    for start in range(0, len(order), size):
        index = order[start : start + size]
        tid, mask = train.pad([ids[i] for i in index])
        (logits,) = sess.run(["logits"], {"input_ids": tid.numpy(), "attention_mask": mask.numpy()})
        out[index] = 1.0 / (1.0 + np.exp(-logits))
    return out


def check_parity(model: torch.nn.Module, sess: ort.InferenceSession, ids: list[list[int]]) -> float:
    """Max |torch - onnxruntime| over logits, for one row alone and for the padded batch
    (two batch sizes and sequence lengths, so that no traced shape got frozen); raises beyond
    `ATOL`."""
    drift = 0.0
    for rows in (ids[:1], ids):
        tid, mask = train.pad(rows)
        with torch.no_grad():
            expected = model.eval()(tid, mask).numpy()
        feeds = {"input_ids": tid.numpy(), "attention_mask": mask.numpy()}
        (got,) = sess.run(["logits"], feeds)
        drift = max(drift, float(np.abs(expected - got).max()))
    if drift > ATOL:
        raise ExportError(f"onnxruntime drifts from torch by {drift:.2e} > {ATOL:.0e}")
    return drift


def quantize(src: Path, dst: Path) -> None:
    """Dynamic int8, per channel."""
    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True)


def export(config: ExportConfig) -> dict[str, Any]:
    """Build the artifacts folder; returns the checks' figures."""
    model, meta = train.load_student(config.run_dir)
    max_length = int(meta["max_length"])  # type: ignore[call-overload]
    tok = train.tokenizer(max_length)
    val = read(config.data_dir, "val")
    val_ids = train.encode(tok, [r.text for r in val])
    truth = train.targets([r.labels for r in val]).numpy()
    hard = np.array([r.hard for r in val], dtype=bool)

    work = config.run_dir / "onnx"
    work.mkdir(parents=True, exist_ok=True)
    fp32, int8 = work / "model.fp32.onnx", work / "model.int8.onnx"
    to_onnx(model, fp32, max_length)
    drift = check_parity(model, session(fp32), val_ids[:64])
    quantize(fp32, int8)
    probs32 = onnx_probs(session(fp32), val_ids)
    probs8 = onnx_probs(session(int8), val_ids)
    f1_32 = macro_f1(truth, probs32, tune_thresholds(truth, probs32, hard))
    f1_8 = macro_f1(truth, probs8, tune_thresholds(truth, probs8, hard))
    if f1_32 - f1_8 > config.max_int8_f1_drop:
        raise ExportError(f"int8 loses {100 * (f1_32 - f1_8):.2f} macro-F1 points on validation")

    lexical_path = config.run_dir / "lexical.npz"
    lexical_fit = lexical.fit(read(config.data_dir, "train"), lexical_path)
    lexical_val = LexicalModel(lexical_path, LABELS).predict([model_text(r.text) for r in val])
    blends = {}
    for weight in config.blend_weights:
        blended = (1.0 - weight) * probs8 + weight * lexical_val
        blends[weight] = macro_f1(truth, blended, tune_thresholds(truth, blended, hard))
    weight = max(blends, key=lambda w: (blends[w], -w))
    blended = (1.0 - weight) * probs8 + weight * lexical_val
    thresholds = tune_thresholds(truth, blended, hard)
    _write_artifacts(
        config.artifacts_dir, int8, tok, max_length, thresholds, lexical_path if weight else None
    )
    _write_labels(config.artifacts_dir, max_length, weight)
    if config.teacher_out is not None:
        export_teacher(config, max_length)
    report = {
        "parity_max_abs_logit_drift": drift,
        "val_macro_f1_fp32": f1_32,
        "val_macro_f1_int8": f1_8,
        "lexical": lexical_fit,
        "val_macro_f1_by_lexical_weight": {str(w): f for w, f in blends.items()},
        "lexical_weight": weight,
        "thresholds": thresholds,
    }
    log.info("export: %s", report)
    summary = _training_summary(dict(meta), report)
    (config.artifacts_dir / "training.json").write_text(json.dumps(summary, indent=2) + "\n")
    return report


def _write_artifacts(
    folder: Path,
    int8: Path,
    tok: Any,
    max_length: int,
    thresholds: dict[str, float],
    lexical_weights: Path | None,
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(int8, folder / "model.onnx")
    if lexical_weights is not None:
        shutil.copyfile(lexical_weights, folder / "lexical.npz")
    else:
        (folder / "lexical.npz").unlink(missing_ok=True)
    tok.save(str(folder / "tokenizer.json"))
    policy = copy.deepcopy(DEFAULT_POLICY)
    for name, value in thresholds.items():
        policy["labels"][name]["threshold"] = round(value, 4)
    (folder / "policy.json").write_text(json.dumps(policy, indent=2) + "\n", encoding="utf-8")
    (folder / "VERSION").write_text(VERSION + "\n", encoding="utf-8")


def _write_labels(folder: Path, max_length: int, lexical_weight: float) -> None:
    labels = {
        "labels": list(LABELS),
        "max_length": max_length,
        "output": "logits (sigmoid)",
        "lexical_weight": lexical_weight,
    }
    (folder / "labels.json").write_text(json.dumps(labels, indent=2) + "\n", encoding="utf-8")


def _training_summary(meta: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "seed",
        "max_length",
        "teacher_examples",
        "teacher_epochs",
        "student_layers",
        "student_hidden",
        "student_heads",
        "student_epochs",
        "distill_weight",
        "distill_temperature",
        "embed_weight",
        "extra_examples",
        "seconds",
        "teacher_reused",
    )
    return {**{k: meta.get(k) for k in keys}, "export": report}


def export_teacher(config: ExportConfig, max_length: int) -> None:
    """The fine-tuned MiniLM teacher as int8 ONNX, for the benchmark's comparison only."""
    assert config.teacher_out is not None
    from models import nets

    teacher = nets.teacher(len(LABELS))
    teacher.load_state_dict(torch.load(config.run_dir / "teacher.pt", weights_only=True))
    fp32 = config.run_dir / "onnx" / "teacher.fp32.onnx"
    to_onnx(teacher.eval(), fp32, max_length)
    config.teacher_out.parent.mkdir(parents=True, exist_ok=True)
    quantize(fp32, config.teacher_out)
