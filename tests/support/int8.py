"""Int8 ONNX helpers for tests: the weight types of `MatMulInteger`, and the exact int8 result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ARTIFACTS = Path(__file__).resolve().parents[2] / "models" / "artifacts"
SHIPPED = [name for name in ("model.onnx", "judge.onnx") if (ARTIFACTS / name).exists()]
# Everyday and risky chat, long and short, so that batches pad and activations range widely.
CHAT = [
    "is this still available?",
    "[payment_app] can you do 40 if i pay with zelle tonight? i can pick up at the mall",
    "send me the verification code you just got so i can confirm you're real, quick",
    "my daughter outgrew it, barely used, no scratches, comes with the original box and charger",
    "ugly idiot, nobody will buy your junk",
    "earn $5000 a week from home!!! click www.getrich.xyz now",
    "ok",
    "[phone] text me 4155550123 and we sort it out off the app, cheaper for both of us",
]


def matmul_weight_types(path: Path) -> set[np.dtype]:
    """The element types of every `MatMulInteger` weight in the model at `path`."""
    model = onnx.load(str(path))
    initializers = {tensor.name: tensor for tensor in model.graph.initializer}
    return {
        numpy_helper.to_array(initializers[node.input[1]]).dtype
        for node in model.graph.node
        if node.op_type == "MatMulInteger"
    }


def exact_int8(src: Path, dst: Path) -> None:
    """Rewrite each `MatMulInteger` as float64 arithmetic on the same integers.

    What a CPU computes when nothing saturates: the reference the shipped kernels must match.
    """
    model = onnx.load(str(src))
    nodes = []
    for index, node in enumerate(model.graph.node):
        if node.op_type != "MatMulInteger":
            nodes.append(node)
            continue
        a, b, a_zero, b_zero = node.input
        p = f"exact{index}_"
        nodes += [
            helper.make_node("Cast", [a], [p + "a"], to=TensorProto.DOUBLE),
            helper.make_node("Cast", [a_zero], [p + "az"], to=TensorProto.DOUBLE),
            helper.make_node("Sub", [p + "a", p + "az"], [p + "a0"]),
            helper.make_node("Cast", [b], [p + "b"], to=TensorProto.DOUBLE),
            helper.make_node("Cast", [b_zero], [p + "bz"], to=TensorProto.DOUBLE),
            helper.make_node("Sub", [p + "b", p + "bz"], [p + "b0"]),
            helper.make_node("MatMul", [p + "a0", p + "b0"], [p + "y"]),
            helper.make_node("Cast", [p + "y"], [node.output[0]], to=TensorProto.INT32),
        ]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    onnx.save(model, str(dst))
