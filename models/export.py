"""Export: student to ONNX (dynamic batch and sequence), parity check, int8, thresholds, artifacts.

Fails when onnxruntime's fp32 outputs drift from torch beyond `ATOL`, or when int8 loses more
than `MAX_INT8_F1_DROP` macro-F1 on validation. Then fits the lexical model (hashed n-grams,
`models/lexical.py`) on the training split and picks its blend weight among `BLEND_WEIGHTS` by
validation macro-F1. Then, when training left a judge (`judge.pt`, MiniLM fine-tuned on every
training row), exports it the same way (parity, int8 within the same F1 drop) and picks the
cascade (`pipeline/stages/model.py`: which first-stage probabilities send a message to the judge,
and the judge's weight) by validation macro-F1 among bands that route at most `MAX_ROUTED` of
validation's messages; no cascade when none beats the first stage alone. Thresholds are tuned on
validation only, on the final probabilities.
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
import onnx
import onnxruntime as ort
import torch
from onnx import numpy_helper
from onnxruntime.quantization import QuantType, quantize_dynamic

from models import bands, lexical, train
from models.data.corpus import LABELS, model_text, read
from models.graph import streamline
from models.metrics import macro_f1, tune_thresholds
from pipeline.stages.lexical import LexicalModel
from pipeline.stages.model import Cascade
from pipeline.stages.policy import DEFAULT_POLICY

log = logging.getLogger(__name__)

ATOL = 1e-4
MAX_INT8_F1_DROP = 0.005
VERSION = "1.5.0"
# Weight of the lexical model in the blend, chosen by validation macro-F1 (0: student alone).
BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75)
# Cascade grid: the band [low, high) of first-stage probabilities sent to the judge, its weight.
CASCADE_LOWS = (0.02, 0.05, 0.1, 0.15, 0.2)
CASCADE_HIGHS = (0.5, 0.6, 0.7, 0.8, 0.9)
CASCADE_WEIGHTS = (0.5, 0.75, 1.0)
# Messages of at most this many tokens go to the judge whenever one of `CASCADE_SHORT_LABELS`
# reaches the band's bottom, however sure (`Cascade.short`). Not picked by validation, which
# holds too few short messages to rank it (118 of 7,756 at six tokens or fewer; no change at 0.5,
# 0.75 or 1): set from the standing list's short remarks to "you" (model card, History, "Short
# messages to the judge").
CASCADE_SHORT = 6
# ...for these labels only (None: all). The judge reads short scam phrasing worse than the first
# stage ("whats the code"): since 1.4.5 harassment only (card, History, "Short messages").
CASCADE_SHORT_LABELS: tuple[str, ...] | None = ("harassment",)
# At most this share of validation's messages may go to the judge. Validation is mostly risky
# or risky-looking text; ordinary chat is routed far less (the benchmark measures it). A speed
# budget: with 0.3 (27% of validation routed) the runner managed 1,829 msgs/s on the benchmark's
# test-split mix, short of the 2,000 target; with 0.2, 2,218, for 0.26 points of validation
# macro-F1 (0.9054 -> 0.9028).
MAX_ROUTED = 0.2


class ExportError(Exception):
    """Parity or quantization check failed."""


@dataclass(frozen=True)
class ExportConfig:
    """Where the trained weights, the data and the artifacts are."""

    run_dir: Path
    data_dir: Path
    artifacts_dir: Path
    teacher_out: Path | None = None  # also export the int8 teacher here (benchmarks)
    cascade: bool = True  # use run_dir/judge.pt when it exists
    max_routed: float = MAX_ROUTED
    max_int8_f1_drop: float = MAX_INT8_F1_DROP
    blend_weights: tuple[float, ...] = BLEND_WEIGHTS
    # Quantize activations per message, not per batch (`per_message_activations`): scores then
    # do not move with the batch, at about 10% of the runner's throughput (not what ships).
    per_message: bool = False


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


def quantize(src: Path, dst: Path, per_message: bool = False) -> None:
    """Dynamic int8, per channel, symmetric; the weights then stored unsigned (`unsign_weights`);
    the graph streamlined, the same outputs to the bit (`models.graph.streamline`); with
    `per_message`, the activations quantized per message (`per_message_activations`)."""
    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True)
    unsign_weights(dst)
    inputs = {value.name for value in onnx.load(str(dst), load_external_data=False).graph.input}
    if {"input_ids", "attention_mask"} <= inputs:  # a transformer (tests quantize toy graphs)
        log.info("%s streamlined: %s", dst.name, streamline(dst))
    if per_message:
        per_message_activations(dst)


def per_message_activations(path: Path) -> int:
    """Quantize each `MatMulInteger` input per message instead of per batch, in place.

    `quantize_dynamic` leaves `DynamicQuantizeLinear` nodes, which take one scale and zero point
    for the whole activation tensor: every message of a batch and its padding. So a message's
    scores depended on what it was batched with (1.4.1 on shuffled validation in batches of 32:
    39 of 7,756 messages changed their flagged labels against one at a time). Each such node
    becomes the same arithmetic along the batch axis: the range of the message's own values
    (padding excluded through the attention mask, and 0 included as `DynamicQuantizeLinear`
    does), a scale and zero point per message, one `QuantizeLinear` along axis 0. The
    `MatMulInteger` it feeds gets a zero point of 0 (onnxruntime takes only a scalar there), and
    the message's zero point times the weight's column sums is subtracted after the scale.
    Returns how many nodes were rewritten.
    """
    model = onnx.load(str(path))
    inferred = onnx.shape_inference.infer_shapes(model)
    ranks = {
        value.name: len(value.type.tensor_type.shape.dim)
        for value in [*inferred.graph.value_info, *inferred.graph.input]
    }
    initializers = {tensor.name: tensor for tensor in model.graph.initializer}
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for node in model.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    def constant(name: str, value: np.ndarray) -> str:
        model.graph.initializer.append(numpy_helper.from_array(value, name))
        return name

    zero = constant("pm_zero", np.array(0.0, np.float32))
    top = constant("pm_255", np.array(255.0, np.float32))
    tiny = constant("pm_tiny", np.array(1e-12, np.float32))
    zero_u8 = constant("pm_zero_u8", np.array(0, np.uint8))
    last = constant("pm_axes_last", np.array([-1], np.int64))
    helper = onnx.helper
    nodes = [
        helper.make_node("Cast", ["attention_mask"], ["pm_mask"], to=onnx.TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["pm_mask", last], ["pm_mask3"]),
    ]
    corrections: dict[str, tuple[str, str, str]] = {}
    count = 0
    for node in model.graph.node:
        if node.op_type != "DynamicQuantizeLinear":
            nodes.append(node)
            continue
        x = node.input[0]
        quantized, scale, zero_point = node.output
        rank = ranks.get(x)
        if rank not in (2, 3):
            raise ExportError(
                f"{x}: a rank-{rank} activation; per-message quantization needs 2 or 3"
            )
        p = f"pm{count}_"
        count += 1
        axes = list(range(1, rank))
        stats = x
        if rank == 3:  # (batch, sequence, features): padding excluded
            nodes.append(helper.make_node("Mul", [x, "pm_mask3"], [p + "masked"]))
            stats = p + "masked"
        keep = constant(p + "axes", np.array(axes, np.int64))
        nodes += [
            helper.make_node("ReduceMax", [stats], [p + "max0"], axes=axes, keepdims=0),
            helper.make_node("ReduceMin", [stats], [p + "min0"], axes=axes, keepdims=0),
            helper.make_node("Max", [p + "max0", zero], [p + "max"]),
            helper.make_node("Min", [p + "min0", zero], [p + "min"]),
            helper.make_node("Sub", [p + "max", p + "min"], [p + "range"]),
            helper.make_node("Div", [p + "range", top], [p + "scale0"]),
            helper.make_node("Max", [p + "scale0", tiny], [p + "scale"]),
            helper.make_node("Div", [p + "min", p + "scale"], [p + "min_q"]),
            helper.make_node("Neg", [p + "min_q"], [p + "zp_raw"]),
            helper.make_node("Round", [p + "zp_raw"], [p + "zp_round"]),
            helper.make_node("Clip", [p + "zp_round", zero, top], [p + "zp"]),
            helper.make_node("Cast", [p + "zp"], [p + "zp_u8"], to=onnx.TensorProto.UINT8),
            helper.make_node("QuantizeLinear", [x, p + "scale", p + "zp_u8"], [quantized], axis=0),
            helper.make_node("Unsqueeze", [p + "scale", keep], [scale]),
            helper.make_node("Unsqueeze", [p + "zp", keep], [p + "zp_b"]),
        ]
        for matmul in consumers[quantized]:
            if matmul.op_type != "MatMulInteger" or matmul.input[2] != zero_point:
                raise ExportError(f"{quantized}: feeds {matmul.op_type}, not MatMulInteger")
            weight = numpy_helper.to_array(initializers[matmul.input[1]]).astype(np.int64)
            weight_zero = numpy_helper.to_array(initializers[matmul.input[3]]).astype(np.int64)
            sums = constant(
                f"{p}colsum_{matmul.output[0]}", (weight - weight_zero).sum(0).astype(np.float32)
            )
            matmul.input[2] = zero_u8
            (cast,) = consumers[matmul.output[0]]
            (rescale,) = consumers[cast.output[0]]
            if cast.op_type != "Cast" or rescale.op_type != "Mul":
                raise ExportError(f"{matmul.output[0]}: not followed by Cast and Mul")
            combined = next(name for name in rescale.input if name != cast.output[0])
            corrections[rescale.output[0]] = (p + "zp_b", sums, combined)
    rewritten = []
    for node in nodes:
        rewritten.append(node)
        if node.op_type == "Mul" and node.output[0] in corrections:
            zp, sums, combined = corrections[node.output[0]]
            out = node.output[0]
            node.output[0] = out + "_pm_raw"
            rewritten += [
                helper.make_node("Mul", [zp, sums], [out + "_pm_zs"]),
                helper.make_node("Mul", [out + "_pm_zs", combined], [out + "_pm_offset"]),
                helper.make_node("Sub", [out + "_pm_raw", out + "_pm_offset"], [out]),
            ]
    del model.graph.node[:]
    model.graph.node.extend(rewritten)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return count


def unsign_weights(path: Path) -> int:
    """Store every int8 `MatMulInteger` weight as uint8 with zero point 128, in place.

    The integers the products are made of stay the same (w - 0 == (w + 128) - 128), so the model
    is the same; what changes is onnxruntime's x86 kernel. For uint8 activations times int8
    weights, a CPU without VNNI (AVX2 only, such as the AMD EPYC this was found on) adds pairs of
    products in 16 bits (`vpmaddubsw`), which saturate: there, 1.4.0's probabilities drifted from
    the exact int8 result by up to 0.28, and its test macro-F1 fell from 0.943 to 0.940. The
    uint8 x uint8 kernel sums in 32 bits on every CPU, so every machine computes the exact result
    (tests/unit/models/test_int8_kernels.py). Where the uint8 x int8 kernel is exact too (VNNI),
    the runtime turns them back to int8 at load, which is faster (`pipeline.stages.int8`).
    Returns how many weights were converted.
    """
    model = onnx.load(str(path))
    initializers = {tensor.name: tensor for tensor in model.graph.initializer}
    converted: set[str] = set()
    for node in model.graph.node:
        if node.op_type != "MatMulInteger" or node.input[1] in converted:
            continue
        weight, zero = initializers[node.input[1]], initializers[node.input[3]]
        w, z = numpy_helper.to_array(weight), numpy_helper.to_array(zero)
        if w.dtype != np.int8:
            continue
        if z.any():
            raise ExportError(f"{node.input[1]}: int8 weights with a non-zero zero point")
        unsigned = (w.astype(np.int16) + 128).astype(np.uint8)
        weight.CopyFrom(numpy_helper.from_array(unsigned, weight.name))
        zero.CopyFrom(numpy_helper.from_array(np.full(z.shape, 128, np.uint8), zero.name))
        converted.add(node.input[1])
    onnx.save(model, str(path))
    return len(converted)


def export(config: ExportConfig) -> dict[str, Any]:
    """Build the artifacts folder; returns the checks' figures."""
    model, meta = train.load_student(config.run_dir)
    max_length = int(meta["max_length"])  # type: ignore[call-overload]
    tok = train.tokenizer(max_length)
    val = read(config.data_dir, "val")
    val_ids = train.encode(tok, [r.text for r in val])
    truth = train.targets([r.labels for r in val]).numpy()
    hard = np.array([r.hard for r in val], dtype=bool)

    int8, probs8, drift, f1_32, f1_8 = checked_int8(
        model, "model", config, max_length, val_ids, truth, hard
    )

    lexical_path = config.run_dir / "lexical.npz"
    lexical_fit = lexical.fit(read(config.data_dir, "train"), lexical_path)
    lexical_val = LexicalModel(lexical_path, LABELS).predict([model_text(r.text) for r in val])
    blends = {}
    for weight in config.blend_weights:
        blended = (1.0 - weight) * probs8 + weight * lexical_val
        blends[weight] = macro_f1(truth, blended, tune_thresholds(truth, blended, hard))
    weight = max(blends, key=lambda w: (blends[w], -w))
    blended = (1.0 - weight) * probs8 + weight * lexical_val
    judge_path = config.run_dir / "judge.pt"
    cascade_report: dict[str, Any] = {"used": False}
    judge_int8 = None
    final = blended
    if config.cascade and judge_path.exists():
        judge_int8, judge_probs, cascade_report = _judge(
            config, judge_path, max_length, val_ids, truth, hard
        )
        lengths = np.array([len(ids) - 2 for ids in val_ids], dtype=np.intp)
        cascade_report.update(
            choose_cascade(truth, hard, blended, judge_probs, config.max_routed, lengths)
        )
        if cascade_report["used"]:
            final = apply_cascade(blended, judge_probs, cascade_report["cascade"], lengths)
    thresholds = tune_thresholds(truth, final, hard)
    _write_artifacts(
        config.artifacts_dir,
        int8,
        tok,
        max_length,
        thresholds,
        lexical_path if weight else None,
        judge_int8 if cascade_report["used"] else None,
    )
    _write_labels(
        config.artifacts_dir,
        max_length,
        weight,
        cascade_report["cascade"] if cascade_report["used"] else None,
    )
    # After the artifacts are whole: the bands are picked through the runtime pipeline.
    block_bands = bands.retune(config.artifacts_dir, val)
    if config.teacher_out is not None:
        export_teacher(config, max_length)
    report = {
        "parity_max_abs_logit_drift": drift,
        "val_macro_f1_fp32": f1_32,
        "val_macro_f1_int8": f1_8,
        "lexical": lexical_fit,
        "val_macro_f1_by_lexical_weight": {str(w): f for w, f in blends.items()},
        "lexical_weight": weight,
        "cascade": cascade_report,
        "val_macro_f1": macro_f1(truth, final, thresholds),
        "thresholds": thresholds,
        "block_bands": block_bands,
    }
    log.info("export: %s", report)
    summary = _training_summary(dict(meta), report)
    (config.artifacts_dir / "training.json").write_text(json.dumps(summary, indent=2) + "\n")
    return report


def checked_int8(
    model: torch.nn.Module,
    name: str,
    config: ExportConfig,
    max_length: int,
    val_ids: list[list[int]],
    truth: np.ndarray,
    hard: np.ndarray,
) -> tuple[Path, np.ndarray, float, float, float]:
    """`model` as fp32 then int8 ONNX under run_dir/onnx, with the parity check and the int8
    macro-F1 gate on validation; returns the int8 file, its validation probabilities, the
    logit drift and both validation macro-F1s."""
    work = config.run_dir / "onnx"
    work.mkdir(parents=True, exist_ok=True)
    fp32, int8 = work / f"{name}.fp32.onnx", work / f"{name}.int8.onnx"
    to_onnx(model, fp32, max_length)
    drift = check_parity(model, session(fp32), val_ids[:64])
    quantize(fp32, int8, per_message=config.per_message)
    probs32 = onnx_probs(session(fp32), val_ids)
    probs8 = onnx_probs(session(int8), val_ids)
    f1_32 = macro_f1(truth, probs32, tune_thresholds(truth, probs32, hard))
    f1_8 = macro_f1(truth, probs8, tune_thresholds(truth, probs8, hard))
    if f1_32 - f1_8 > config.max_int8_f1_drop:
        raise ExportError(
            f"int8 {name} loses {100 * (f1_32 - f1_8):.2f} macro-F1 points on validation"
        )
    return int8, probs8, drift, f1_32, f1_8


def _judge(
    config: ExportConfig,
    weights: Path,
    max_length: int,
    val_ids: list[list[int]],
    truth: np.ndarray,
    hard: np.ndarray,
) -> tuple[Path, np.ndarray, dict[str, Any]]:
    """The judge as int8 ONNX, with the student's checks; its validation probabilities."""
    from models import nets

    judge = nets.teacher(len(LABELS))
    judge.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    int8, probs8, drift, f1_32, f1_8 = checked_int8(
        judge.eval(), "judge", config, max_length, val_ids, truth, hard
    )
    report = {
        "judge_parity_max_abs_logit_drift": drift,
        "judge_val_macro_f1_fp32": f1_32,
        "judge_val_macro_f1_int8": f1_8,
    }
    return int8, probs8, report


def apply_cascade(
    first: np.ndarray,
    judged: np.ndarray,
    cascade: dict[str, Any],
    lengths: np.ndarray | None = None,
) -> np.ndarray:
    """What the runtime computes, on precomputed scores (routing by the runtime's own
    `Cascade.route`; `lengths`: each row's tokens without [CLS] and [SEP])."""
    band = Cascade.parse(cascade, LABELS)
    return band.blend(first, judged, band.cells(first, lengths))


def choose_cascade(
    truth: np.ndarray,
    hard: np.ndarray,
    first: np.ndarray,
    judged: np.ndarray,
    max_routed: float = MAX_ROUTED,
    lengths: np.ndarray | None = None,
    short: int = CASCADE_SHORT,
) -> dict[str, Any]:
    """The validation-best band and weight routing at most `max_routed` of validation's
    messages (short ones, `short`, routed as `Cascade.route` does given `lengths`); unused
    unless it beats the first stage alone."""
    alone = macro_f1(truth, first, tune_thresholds(truth, first, hard))
    short = short if lengths is not None else 0
    best: tuple[float, float, dict[str, Any]] | None = None
    for low in CASCADE_LOWS:
        for high in CASCADE_HIGHS:
            cascade: dict[str, Any] = {"low": low, "high": high, "weight": 1.0, "short": short}
            if short and CASCADE_SHORT_LABELS is not None:
                cascade["short_labels"] = list(CASCADE_SHORT_LABELS)
            routed = float(Cascade.parse(cascade, LABELS).route(first, lengths).mean())
            if routed > max_routed:
                continue
            for weight in CASCADE_WEIGHTS:
                cascade = {**cascade, "weight": weight}
                final = apply_cascade(first, judged, cascade, lengths)
                f1 = macro_f1(truth, final, tune_thresholds(truth, final, hard))
                if best is None or (f1, -routed) > (best[0], -best[1]):
                    best = (f1, routed, cascade)
    used = best is not None and best[0] > alone
    return {
        "used": used,
        "val_macro_f1_first_stage": alone,
        "val_macro_f1_cascade": best[0] if best else None,
        "val_routed_share": best[1] if best else None,
        "cascade": best[2] if best else None,
    }


def _write_artifacts(
    folder: Path,
    int8: Path,
    tok: Any,
    max_length: int,
    thresholds: dict[str, float],
    lexical_weights: Path | None,
    judge: Path | None = None,
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(int8, folder / "model.onnx")
    if lexical_weights is not None:
        shutil.copyfile(lexical_weights, folder / "lexical.npz")
    else:
        (folder / "lexical.npz").unlink(missing_ok=True)
    if judge is not None:
        shutil.copyfile(judge, folder / "judge.onnx")
    else:
        (folder / "judge.onnx").unlink(missing_ok=True)
    tok.save(str(folder / "tokenizer.json"))
    policy = copy.deepcopy(DEFAULT_POLICY)
    for name, value in thresholds.items():
        policy["labels"][name]["threshold"] = round(value, 4)
    (folder / "policy.json").write_text(json.dumps(policy, indent=2) + "\n", encoding="utf-8")
    (folder / "VERSION").write_text(VERSION + "\n", encoding="utf-8")


def _write_labels(
    folder: Path, max_length: int, lexical_weight: float, cascade: dict[str, Any] | None
) -> None:
    labels = {
        "labels": list(LABELS),
        "max_length": max_length,
        "output": "logits (sigmoid)",
        "lexical_weight": lexical_weight,
        "cascade": cascade,
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
        "judge_examples",
        "judge_epochs",
        "seconds",
        "teacher_reused",
    )
    return {**{k: meta.get(k) for k in keys}, "export": report}


def export_teacher(config: ExportConfig, max_length: int) -> None:
    """The fine-tuned MiniLM teacher as int8 ONNX, for the benchmark's comparison only."""
    assert config.teacher_out is not None
    from models import nets

    teacher = nets.teacher(len(LABELS))
    teacher.load_state_dict(
        torch.load(config.run_dir / "teacher.pt", map_location="cpu", weights_only=True)
    )
    fp32 = config.run_dir / "onnx" / "teacher.fp32.onnx"
    to_onnx(teacher.eval(), fp32, max_length)
    config.teacher_out.parent.mkdir(parents=True, exist_ok=True)
    quantize(fp32, config.teacher_out)
