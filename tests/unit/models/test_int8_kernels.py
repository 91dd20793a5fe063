"""The shipped int8 models compute the exact int8 result on whatever CPU runs them.

onnxruntime's x86 kernel for uint8 activations times int8 weights adds pairs of products in 16
bits on CPUs without VNNI (AVX2 only), which saturate; 1.4.0's probabilities drifted by up to
0.28 on such a CPU. The weights are stored as uint8 (zero point 128) since 1.4.1, whose kernel
sums in 32 bits everywhere. See `models.export.unsign_weights`.
"""

import shutil
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from pipeline.stages.model import ModelArtifacts, OnnxModel
from tests.support.int8 import ARTIFACTS, CHAT, SHIPPED, exact_int8, matmul_weight_types


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_weights_are_unsigned(name: str) -> None:
    assert matmul_weight_types(ARTIFACTS / name) == {np.dtype(np.uint8)}


@pytest.mark.parametrize("cascade", [False, True])
def test_shipped_model_computes_the_exact_int8_result(tmp_path: Path, cascade: bool) -> None:
    exact = tmp_path / "exact"
    shutil.copytree(ARTIFACTS, exact)
    for name in SHIPPED:
        exact_int8(ARTIFACTS / name, exact / name)
    shipped = OnnxModel(ModelArtifacts(ARTIFACTS), cascade=cascade).predict(CHAT)
    reference = OnnxModel(ModelArtifacts(exact), cascade=cascade).predict(CHAT)
    np.testing.assert_allclose(shipped, reference, atol=1e-5)


def _tiny_matmul(path: Path, weight: np.ndarray) -> None:
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", weight.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", weight.shape[1]])],
        [numpy_helper.from_array(weight, "w")],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def test_export_quantizes_to_unsigned_weights_with_the_same_products(tmp_path: Path) -> None:
    """Large activations times large weights: the case that saturates 16-bit pair sums."""
    export = pytest.importorskip("models.export")
    rng = np.random.default_rng(0)
    weight = rng.normal(0.0, 1.0, (256, 64)).astype(np.float32)
    weight[:, 0] = 3.0  # a column of the largest weights, all of one sign
    _tiny_matmul(tmp_path / "fp32.onnx", weight)
    export.quantize(tmp_path / "fp32.onnx", tmp_path / "int8.onnx")
    assert matmul_weight_types(tmp_path / "int8.onnx") == {np.dtype(np.uint8)}
    exact_int8(tmp_path / "int8.onnx", tmp_path / "exact.onnx")
    x = np.abs(rng.normal(0.0, 1.0, (16, 256))).astype(np.float32) + 1.0
    x[:, 0] = -x[:, 0]  # the zero point away from 0, so activations span the whole uint8 range

    def run(name: str) -> np.ndarray:
        sess = ort.InferenceSession(str(tmp_path / name), providers=["CPUExecutionProvider"])
        (y,) = sess.run(["y"], {"x": x})
        return np.asarray(y)

    np.testing.assert_allclose(run("int8.onnx"), run("exact.onnx"), rtol=1e-5, atol=1e-4)
    # And int8 stands for the float product, within a percent of its range.
    error = np.abs(run("int8.onnx") - x @ weight).max()
    assert error < 0.01 * np.abs(x @ weight).max()


def test_unsign_weights_refuses_asymmetric_int8(tmp_path: Path) -> None:
    export = pytest.importorskip("models.export")
    _tiny_matmul(tmp_path / "fp32.onnx", np.ones((4, 2), np.float32))
    export.quantize(tmp_path / "fp32.onnx", tmp_path / "int8.onnx")
    model = onnx.load(str(tmp_path / "int8.onnx"))
    (node,) = [n for n in model.graph.node if n.op_type == "MatMulInteger"]
    for tensor in model.graph.initializer:
        if tensor.name == node.input[1]:
            tensor.CopyFrom(numpy_helper.from_array(np.ones((4, 2), np.int8), tensor.name))
        if tensor.name == node.input[3]:
            tensor.CopyFrom(numpy_helper.from_array(np.ones(2, np.int8), tensor.name))
    onnx.save(model, str(tmp_path / "asym.onnx"))
    with pytest.raises(export.ExportError, match="non-zero zero point"):
        export.unsign_weights(tmp_path / "asym.onnx")
