"""A message's scores do not depend on what it is batched with.

`quantize_dynamic` quantizes each activation tensor with one scale for the whole batch, padding
included; `models.export.per_message_activations` makes that per message. See the card's
History ("Batch composition").
"""

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from pipeline.stages.model import ModelArtifacts, OnnxModel
from tests.support.int8 import ARTIFACTS, CHAT

# Messages of many lengths and kinds, so that batches pad and one message can set the range.
MESSAGES = [
    *CHAT,
    "SEND ME THE CODE NOW!!! 🔥🔥🔥 " * 4,
    "hi",
    "can you hold it until friday? i get paid thursday and can pick up after work, around six",
    "you better watch out",
    "i'll pay in the app",
    "dm me on insta @bobsells for the real price, cheaper than here",
    "is the price negotiable? my budget is about 40",
]


def _two_layers(path: Path) -> None:
    """y = relu(x @ w1) @ w2 on (batch, sequence, features), with an attention_mask input."""
    rng = np.random.default_rng(0)
    w1 = rng.normal(0, 1, (16, 32)).astype(np.float32)
    w2 = rng.normal(0, 1, (32, 4)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "w1"], ["h"]),
            helper.make_node("Relu", ["h"], ["r"]),
            helper.make_node("MatMul", ["r", "w2"], ["y"]),
        ],
        "two",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["b", "s", 16]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["b", "s"]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["b", "s", 4])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def _export(tmp_path: Path, per_message: bool) -> ort.InferenceSession:
    export = pytest.importorskip("models.export")
    _two_layers(tmp_path / "fp32.onnx")
    out = tmp_path / f"int8-{per_message}.onnx"
    export.quantize(tmp_path / "fp32.onnx", out, per_message=per_message)
    return ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])


def _batch_and_alone(session: ort.InferenceSession) -> tuple[np.ndarray, np.ndarray]:
    """Row 0 scored in a batch (next to a message of large values, then padding) and alone."""
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, (2, 6, 16)).astype(np.float32)
    x[1] *= 20.0  # another message with a far wider range
    mask = np.ones((2, 6), np.int64)
    mask[0, 4:] = 0  # row 0 has 4 tokens; positions 4-5 are padding with large values
    x[0, 4:] = 50.0
    (batched,) = session.run(["y"], {"x": x, "attention_mask": mask})
    (alone,) = session.run(["y"], {"x": x[:1, :4], "attention_mask": mask[:1, :4]})
    return np.asarray(batched)[0, :4], np.asarray(alone)[0]


def test_export_quantizes_each_message_by_its_own_range(tmp_path: Path) -> None:
    batched, alone = _batch_and_alone(_export(tmp_path, per_message=True))
    np.testing.assert_array_equal(batched, alone)


def test_per_batch_quantization_lets_other_messages_move_a_score(tmp_path: Path) -> None:
    """What the rewrite removes: with one scale per batch, row 0's output moves."""
    batched, alone = _batch_and_alone(_export(tmp_path, per_message=False))
    assert np.abs(batched - alone).max() > 0.01


def test_per_message_int8_stays_close_to_the_float_product(tmp_path: Path) -> None:
    session = _export(tmp_path, per_message=True)
    float_session = ort.InferenceSession(
        str(tmp_path / "fp32.onnx"), providers=["CPUExecutionProvider"]
    )
    rng = np.random.default_rng(2)
    x = rng.normal(0, 1, (3, 5, 16)).astype(np.float32)
    mask = np.ones((3, 5), np.int64)
    (y8,) = session.run(["y"], {"x": x, "attention_mask": mask})
    (y32,) = float_session.run(["y"], {"x": x, "attention_mask": mask})
    assert np.abs(np.asarray(y8) - np.asarray(y32)).max() < 0.02 * np.abs(y32).max()


def test_the_judge_scores_each_message_alone() -> None:
    """The runtime sends the judge one message at a time: what is left of the batch's effect is
    the student's, at most about 0.01 (1.4.1's batched judge moved these by up to 0.035)."""
    model = OnnxModel(ModelArtifacts(ARTIFACTS))
    alone = np.vstack([model.predict([text]) for text in MESSAGES])
    for batch in (MESSAGES, MESSAGES[::-1]):
        # A fresh model each time: one that has scored a message remembers its judge result.
        scores = OnnxModel(ModelArtifacts(ARTIFACTS)).predict(batch)
        if batch is not MESSAGES:
            scores = scores[::-1]
        assert np.abs(scores - alone).max() < 0.015


@pytest.mark.xfail(
    strict=True,
    reason="1.4.1's student quantizes per batch (at most about 0.01): the per-message rewrite "
    "cost about 10% of the runner's throughput and is not shipped (card, History)",
)
def test_shipped_model_scores_a_message_the_same_in_any_batch() -> None:
    model = OnnxModel(ModelArtifacts(ARTIFACTS))
    alone = np.vstack([model.predict([text]) for text in MESSAGES])
    together = model.predict(MESSAGES)
    reversed_ = model.predict(MESSAGES[::-1])[::-1]
    np.testing.assert_allclose(together, alone, atol=1e-6)
    np.testing.assert_allclose(reversed_, alone, atol=1e-6)
