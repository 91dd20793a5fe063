"""At load, the shipped uint8 weights go to the faster uint8 x int8 kernel only where it is exact.

`pipeline.stages.int8` probes onnxruntime's kernel with a product that saturates a 16-bit pair
sum, and rewrites the weights on the protobuf wire format (no `onnx` package at run time).
These tests check the rewrite against the `onnx` package, the probe against an independent
measurement on this CPU, and the model the runtime loads against the exact int8 result.
"""

import logging
import shutil
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, checker, helper, numpy_helper

from pipeline.stages import int8
from pipeline.stages import model as model_stage
from pipeline.stages.model import ModelArtifacts, ModelLoadError, OnnxModel
from tests.support.int8 import ARTIFACTS, CHAT, SHIPPED, exact_int8


def _matmul_integer(path: Path, weight: np.ndarray, zero: np.ndarray) -> None:
    """y = MatMulInteger(a uint8 input, weight, zero point 0 for a, `zero` for weight)."""
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["a", "w", "az", "wz"], ["y"])],
        "mmi",
        [helper.make_tensor_value_info("a", TensorProto.UINT8, ["n", weight.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.INT32, ["n", weight.shape[1]])],
        [
            numpy_helper.from_array(weight, "w"),
            numpy_helper.from_array(np.array(0, np.uint8), "az"),
            numpy_helper.from_array(zero, "wz"),
        ],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(path))


def _run(source: str | bytes, a: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(source, providers=["CPUExecutionProvider"])
    (y,) = session.run(["y"], {"a": a})
    return np.asarray(y)


@pytest.mark.parametrize("name", SHIPPED)
def test_signed_weights_are_the_same_integers(name: str) -> None:
    data = bytearray((ARTIFACTS / name).read_bytes())
    converted = int8.signed_weights(data)
    before, after = onnx.load(str(ARTIFACTS / name)), onnx.load_from_string(bytes(data))
    weights = {n.input[1] for n in before.graph.node if n.op_type == "MatMulInteger"}
    zeros = {n.input[3] for n in before.graph.node if n.op_type == "MatMulInteger"}
    assert converted == len(weights) > 0
    old = {t.name: numpy_helper.to_array(t) for t in before.graph.initializer}
    new = {t.name: numpy_helper.to_array(t) for t in after.graph.initializer}
    assert old.keys() == new.keys()
    for tensor, value in new.items():
        if tensor in weights:
            assert value.dtype == np.int8
            expected = old[tensor].astype(np.int16) - 128
            np.testing.assert_array_equal(value.astype(np.int16), expected)
        elif tensor in zeros:
            assert value.dtype == np.int8
            assert not value.any()
        else:
            assert value.dtype == old[tensor].dtype
            np.testing.assert_array_equal(value, old[tensor])
    assert list(after.graph.node) == list(before.graph.node)
    checker.check_model(after)


def test_signed_weights_leave_other_forms_alone(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    _matmul_integer(tmp_path / "s8.onnx", rng.integers(-127, 128, (8, 3), np.int8), np.int8(0))
    _matmul_integer(tmp_path / "u8z7.onnx", rng.integers(0, 256, (8, 3), np.uint8), np.uint8(7))
    for name in ("s8.onnx", "u8z7.onnx"):
        original = (tmp_path / name).read_bytes()
        data = bytearray(original)
        assert int8.signed_weights(data) == 0
        assert bytes(data) == original


def test_signed_weights_refuse_what_is_not_a_model() -> None:
    for junk in (b"\xff\xff\xff", b"\x3a\x10abc", b"not an onnx model at all"):
        with pytest.raises(int8.WireError):
            int8.signed_weights(bytearray(junk))


def test_probe_model_is_a_valid_onnx_model() -> None:
    model = onnx.load_from_string(int8.probe_model())
    checker.check_model(model, full_check=True)
    (node,) = model.graph.node
    assert node.op_type == "MatMulInteger"


def test_probe_agrees_with_a_large_product_on_this_cpu(tmp_path: Path) -> None:
    """Whatever this CPU is, the probe's verdict is what a bigger int8 product shows here."""
    rng = np.random.default_rng(0)
    weight = rng.integers(-128, 128, (256, 64)).astype(np.int8)
    weight[:, 0] = 127  # a column of the largest weights, all of one sign
    a = rng.integers(200, 256, (16, 256)).astype(np.uint8)
    _matmul_integer(tmp_path / "s8.onnx", weight, np.int8(0))
    exact = a.astype(np.int64) @ weight.astype(np.int64)
    kernel_exact = np.array_equal(_run(str(tmp_path / "s8.onnx"), a), exact)
    assert int8.signed_kernel_is_exact() is kernel_exact
    # uint8 weights (zero point 128) are exact everywhere: why they are what ships.
    unsigned = (weight.astype(np.int16) + 128).astype(np.uint8)
    _matmul_integer(tmp_path / "u8.onnx", unsigned, np.uint8(128))
    np.testing.assert_array_equal(_run(str(tmp_path / "u8.onnx"), a), exact)


@pytest.mark.parametrize("signed", [False, True], ids=["uint8-weights", "int8-where-exact"])
def test_loaded_model_computes_the_exact_int8_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signed: bool
) -> None:
    if signed and not int8.signed_kernel_is_exact():
        pytest.skip("this CPU's uint8 x int8 kernel saturates: the runtime keeps uint8 weights")
    monkeypatch.setattr(model_stage, "signed_kernel_is_exact", lambda: signed)
    exact = tmp_path / "exact"
    shutil.copytree(ARTIFACTS, exact)
    for name in SHIPPED:
        exact_int8(ARTIFACTS / name, exact / name)
    loaded = OnnxModel(ModelArtifacts(ARTIFACTS)).predict(CHAT)
    reference = OnnxModel(ModelArtifacts(exact)).predict(CHAT)
    np.testing.assert_allclose(loaded, reference, atol=1e-5)


def test_unreadable_model_is_a_load_error_on_either_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(ARTIFACTS, broken)
    (broken / "model.onnx").write_bytes(b"\x3a\x10 truncated")
    for signed in (False, True):
        monkeypatch.setattr(model_stage, "signed_kernel_is_exact", lambda s=signed: s)
        with caplog.at_level(logging.WARNING), pytest.raises(ModelLoadError):
            OnnxModel(ModelArtifacts(broken), cascade=False)
    assert "int8 weights left unsigned" in caplog.text


def test_the_temporary_copy_is_removed_and_optional(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(model_stage, "signed_kernel_is_exact", lambda: True)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    OnnxModel(ModelArtifacts(ARTIFACTS), cascade=False)
    assert list(temp.iterdir()) == []
    # No writable temporary folder: the shipped file loads as it is, with a warning.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    with caplog.at_level(logging.WARNING):
        loaded = OnnxModel(ModelArtifacts(ARTIFACTS), cascade=False).predict(CHAT)
    assert "no temporary copy" in caplog.text
    monkeypatch.setattr(model_stage, "signed_kernel_is_exact", lambda: False)
    np.testing.assert_array_equal(
        loaded, OnnxModel(ModelArtifacts(ARTIFACTS), cascade=False).predict(CHAT)
    )
