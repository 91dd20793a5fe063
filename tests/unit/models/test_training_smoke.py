"""Training smoke test: what CI runs so that training, export and parity cannot rot.

A tiny synthetic corpus, a few optimizer steps of the MiniLM teacher and of a one-layer student,
export to ONNX in a temporary folder with the parity check, int8 quantization, and a load through
the runtime's own model stage. Runs in well under two minutes on two cores.
"""

import os
from pathlib import Path

import numpy as np
import pytest

try:
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("torch is not installed (pip install -e .[train])", allow_module_level=True)

from models import train
from models.data import corpus
from models.data.synthetic import generate
from models.export import BLEND_WEIGHTS, ExportConfig, ExportError, check_parity, export, session
from pipeline.stages.lexical import LexicalModel
from pipeline.stages.model import ModelArtifacts, OnnxModel

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("smoke")
    splits = {s: generate(s, n, seed=3) for s, n in (("train", 160), ("val", 96), ("test", 32))}
    corpus.write(splits, root / "data")
    config = train.TrainConfig(
        data_dir=root / "data",
        out_dir=root / "run",
        teacher_examples=48,
        teacher_batch=16,
        student_layers=1,
        student_hidden=32,
        student_heads=2,
        student_batch=32,
        extra_examples=64,
        teachers=2,
        student_hard_weight=2.0,
        max_steps=3,
    )
    timings = train.train(config)
    assert timings["total_s"] > 0
    assert (root / "run" / "teacher.pt").is_file()
    assert (root / "run" / "teacher1.pt").is_file()
    return root


def test_train_export_and_load(trained: Path) -> None:
    arts = trained / "artifacts"
    # The tiny model's macro-F1 is noise, so the int8 gate is loosened here; parity is not.
    report = export(ExportConfig(trained / "run", trained / "data", arts, max_int8_f1_drop=1.0))
    assert report["parity_max_abs_logit_drift"] <= 1e-4
    for name in ("model.onnx", "tokenizer.json", "labels.json", "policy.json", "VERSION"):
        assert (arts / name).is_file(), name
    model = OnnxModel(ModelArtifacts(arts))
    texts = ["is it available?", "send me the verification code you got"]
    probs = model.predict(texts)
    assert probs.shape == (2, 4)
    assert ((probs >= 0) & (probs <= 1)).all()
    # The lexical half: fitted, its weight picked among the candidates, blended as documented.
    weight = report["lexical_weight"]
    assert weight in BLEND_WEIGHTS
    assert set(report["val_macro_f1_by_lexical_weight"]) == {str(w) for w in BLEND_WEIGHTS}
    assert model.lexical_weight == weight
    assert (arts / "lexical.npz").is_file() == (weight > 0)
    student = OnnxModel(ModelArtifacts(arts), lexical=False).predict(texts)
    if weight:
        lexical = LexicalModel(arts / "lexical.npz", model.labels).predict(texts)
        np.testing.assert_allclose(probs, (1 - weight) * student + weight * lexical, atol=1e-6)
    else:
        np.testing.assert_allclose(probs, student, atol=1e-6)


def test_parity_check_catches_drift(trained: Path) -> None:
    model, _ = train.load_student(trained / "run")
    onnx_file = trained / "run" / "onnx" / "model.fp32.onnx"
    if not onnx_file.exists():
        from models.export import to_onnx

        to_onnx(model, onnx_file, 64)
    ids = [[101, 2003, 2009, 102], [101, 7592, 102]]
    assert check_parity(model, session(onnx_file), ids) <= 1e-4
    with torch.no_grad():
        model.head.bias += 0.5
    with pytest.raises(ExportError):
        check_parity(model, session(onnx_file), ids)
