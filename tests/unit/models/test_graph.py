"""The streamlined graph (`models.graph`) computes exactly what the exported one does, faster.

A small BERT is exported and quantized as `models.export` does, then streamlined; both are run
through the runtime's own session code (`pipeline.stages.model._session`, which also turns the
weights to int8 where this CPU's kernel is exact) on padded batches, and must agree to the bit.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from models import graph
from models.graph import GraphRewriteError, streamline, streamline_model
from pipeline.stages.model import _pad, _session
from tests.support.int8 import ARTIFACTS, SHIPPED

try:
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    if os.environ.get("CI") == "true":
        raise
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed (.[train])")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 4-head BERT with the student's head, exported and quantized (not streamlined).

    Its attention is PyTorch's fused one (the shipped networks were exported with it; its export
    wraps the softmax in a NaN guard), and every parameter is drawn at random, as after training
    (freshly made biases are all zero, and the exporter shares equal tensors)."""
    assert torch is not None
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from models import nets
    from models.export import to_onnx, unsign_weights

    torch.manual_seed(0)
    config = nets.student_config(2, 64, 4, 64)
    config._attn_implementation = "sdpa"
    model = nets.student(config, 4, None).eval()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.05)
    root = tmp_path_factory.mktemp("graph")
    fp32, int8 = root / "fp32.onnx", root / "int8.onnx"
    to_onnx(model, fp32, 64)
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    unsign_weights(int8)
    return int8


def _rows(seed: int, count: int) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, 64, count)
    return [[101, *rng.integers(1000, 30000, n - 2).tolist(), 102] for n in lengths]


def _logits(path: Path, rows: list[list[int]], batch: int) -> np.ndarray:
    session = _session(path, ["CPUExecutionProvider"])
    out = []
    for start in range(0, len(rows), batch):
        ids, mask = _pad(rows[start : start + batch])
        out.append(session.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0])
    return np.vstack(out)


@needs_torch
def test_streamlined_model_gives_the_same_logits_to_the_bit(exported: Path, tmp_path: Path) -> None:
    fast = tmp_path / "fast.onnx"
    shutil.copy(exported, fast)
    report = streamline(fast)
    # Per layer: four head reshapes made static (and the identity one), one NaN guard, Q/K/V.
    assert report.static_reshapes >= 2 * 4
    assert report.nan_guards == 2
    assert report.merged_products == 2
    assert report.nodes_after < report.nodes_before - 40
    ops = [node.op_type for node in onnx.load(str(fast)).graph.node]
    assert "IsNaN" not in ops
    assert ops.count("MatMulInteger") == 2 * 4 + 1  # per layer Q/K/V as one, O, FFN x2; the head
    rows = _rows(1, 200)
    for batch in (1, 7, 32):
        before, after = _logits(exported, rows, batch), _logits(fast, rows, batch)
        assert np.array_equal(before, after), float(np.abs(before - after).max())


@needs_torch
def test_streamline_is_idempotent(exported: Path, tmp_path: Path) -> None:
    fast = tmp_path / "fast.onnx"
    shutil.copy(exported, fast)
    assert streamline(fast).changed
    written = fast.read_bytes()
    again = streamline(fast)
    assert not again.changed
    assert again.nodes_before == again.nodes_after
    assert fast.read_bytes() == written


@needs_torch
def test_a_rewrite_that_changes_outputs_is_refused_and_the_file_left_alone(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = tmp_path / "fast.onnx"
    shutil.copy(exported, fast)
    original = fast.read_bytes()
    merge = graph._merge_sibling_products

    def merge_and_nudge(model: onnx.ModelProto) -> int:
        count = merge(model)
        bias = next(t for t in model.graph.initializer if t.name.endswith("_merged_b"))
        nudged = numpy_helper.to_array(bias) + np.float32(1e-3)
        bias.CopyFrom(numpy_helper.from_array(nudged.astype(np.float32), bias.name))
        return count

    monkeypatch.setattr(graph, "_merge_sibling_products", merge_and_nudge)
    with pytest.raises(GraphRewriteError, match="changes logits"):
        streamline(fast)
    assert fast.read_bytes() == original


def test_a_graph_without_token_inputs_is_refused() -> None:
    node = helper.make_node("Relu", ["x"], ["y"])
    model = helper.make_model(
        helper.make_graph(
            [node],
            "g",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
        )
    )
    with pytest.raises(GraphRewriteError, match="input_ids"):
        streamline_model(model)


def test_a_reshape_target_is_static_only_where_each_element_is_a_dimension_or_a_constant() -> None:
    arrays = np.array
    # (batch, sequence, hidden) -> (batch, sequence, heads, -1) on two runs
    targets = [arrays([2, 5, 4, -1]), arrays([5, 9, 4, -1])]
    dims = [arrays([2, 5, 64]), arrays([5, 9, 64])]
    assert graph._static_target(targets, dims) == [0, 0, 4, -1]
    # batch * sequence is neither: stays computed
    assert graph._static_target([arrays([10, 64]), arrays([45, 64])], dims) is None
    # a dimension taken from another position is neither either
    assert graph._static_target([arrays([5, 2]), arrays([9, 5])], dims) is None
    assert graph._static_target([arrays([-1, -1]), arrays([-1, -1])], dims) is None


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_models_are_streamlined(name: str) -> None:
    model = onnx.load(str(ARTIFACTS / name))
    assert not streamline_model(model).changed
