"""Training smoke test: what CI runs so that training, export and parity cannot rot.

A tiny synthetic corpus, a few optimizer steps of the MiniLM teacher and of a one-layer student,
export to ONNX in a temporary folder with the parity check, int8 quantization, and a load through
the runtime's own model stage. Runs in well under two minutes on two cores.
"""

import json
import os
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest

try:
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("torch is not installed (pip install -e .[train])", allow_module_level=True)

from models import train
from models.bands import GRID
from models.data import corpus, decisions
from models.data.synthetic import Example, generate, generate_blind
from models.evaluate import evaluate
from models.export import (
    BLEND_WEIGHTS,
    MAX_ROUTED,
    ExportConfig,
    ExportError,
    check_parity,
    export,
    onnx_probs,
    session,
)
from models.graph import streamline_model
from pipeline.stages.lexical import LexicalModel
from pipeline.stages.model import ModelArtifacts, ModelLoadError, OnnxModel

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("smoke")
    splits = {s: generate(s, n, seed=3) for s, n in (("train", 160), ("val", 96), ("test", 32))}
    splits[corpus.BLIND] = generate_blind(1, seed=3)[::10]
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
        judge_examples=32,  # two batches of 16: the third step starts the second epoch
        judge_epochs=2,
        max_steps=3,
        device=train.pick_device("auto"),  # the GPU where torch sees one
    )
    timings = train.train(config)
    assert timings["total_s"] > 0
    assert (root / "run" / "teacher.pt").is_file()
    assert (root / "run" / "teacher1.pt").is_file()
    assert (root / "run" / "judge.pt").is_file()
    meta = json.loads((root / "run" / "train.json").read_text())
    assert meta["device"] == config.device
    assert meta["device_name"]
    return root


def test_device_choice() -> None:
    assert train.pick_device("cpu") == "cpu"
    assert train.pick_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ValueError, match="unknown device"):
        train.pick_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="no CUDA device"):
            train.pick_device("cuda")


def test_train_export_and_load(trained: Path) -> None:
    arts = trained / "artifacts"
    # The tiny model's macro-F1 is noise, so the int8 gate is loosened here; parity is not.
    report = export(ExportConfig(trained / "run", trained / "data", arts, max_int8_f1_drop=1.0))
    assert report["parity_max_abs_logit_drift"] <= 1e-4
    for name in ("model.onnx", "tokenizer.json", "labels.json", "policy.json", "VERSION"):
        assert (arts / name).is_file(), name
    # Streamlined by export (`models.graph`): the same outputs, a smaller graph, merged Q/K/V.
    shipped = onnx.load(str(arts / "model.onnx"))
    assert not streamline_model(shipped).changed
    assert any(node.name.endswith("_merged") for node in shipped.graph.node)
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
    # The judge: exported with the same checks; the cascade is shipped only if it won on
    # validation, within the routing budget.
    cascade = report["cascade"]
    assert cascade["judge_parity_max_abs_logit_drift"] <= 1e-4
    assert (arts / "judge.onnx").is_file() == cascade["used"]
    if cascade["val_routed_share"] is None:  # no band within the budget (likely at this size)
        assert not cascade["used"]
    else:
        assert cascade["val_routed_share"] <= MAX_ROUTED
        assert cascade["used"] == (
            cascade["val_macro_f1_cascade"] > cascade["val_macro_f1_first_stage"]
        )
    # The block bands: picked on validation through the runtime pipeline, written to the policy.
    policy = json.loads((arts / "policy.json").read_text(encoding="utf-8"))
    assert set(report["block_bands"]) == {"scam", "harassment", "spam"}
    for label, band in report["block_bands"].items():
        assert band["after"] in GRID
        assert policy["labels"][label]["bands"] == [[band["after"], "block"]]
        assert band["fine_blocked_after"] == 0 or band["after"] == max(GRID)


def test_cascade_rescores_unsure_messages(trained: Path, tmp_path: Path) -> None:
    """A judge with a band that covers everything: every message gets the documented mix; a
    band that covers nothing leaves the first stage alone."""
    arts = trained / "artifacts"
    if not arts.exists():
        export(ExportConfig(trained / "run", trained / "data", arts, max_int8_f1_drop=1.0))
    forced = tmp_path / "forced"
    shutil.copytree(arts, forced)
    shutil.copyfile(trained / "run" / "onnx" / "judge.int8.onnx", forced / "judge.onnx")
    meta = json.loads((forced / "labels.json").read_text())
    texts = ["is it available?", "send me the verification code you got", "ok"]
    first = OnnxModel(ModelArtifacts(forced), cascade=False).predict(texts)
    tok = train.tokenizer(int(meta["max_length"]))
    judge = session(forced / "judge.onnx")
    # The runtime's judge scores each message alone (its int8 scales would follow the batch).
    judged = np.vstack([onnx_probs(judge, [tok.encode(t).ids]) for t in texts])
    for low, high, routed in ((0.0, 1.01, True), (0.999, 1.0, False)):
        meta["cascade"] = {"low": low, "high": high, "weight": 0.75}
        (forced / "labels.json").write_text(json.dumps(meta))
        got = OnnxModel(ModelArtifacts(forced)).predict(texts)
        want = 0.25 * first + 0.75 * judged if routed else first
        np.testing.assert_allclose(got, want, atol=1e-5)
    meta["cascade"] = {"low": 0.5, "high": 0.2, "weight": 0.75}
    (forced / "labels.json").write_text(json.dumps(meta))
    with pytest.raises(ModelLoadError):
        OnnxModel(ModelArtifacts(forced))
    meta["cascade"] = {"low": 0.1, "high": 0.9, "weight": 0.75}
    (forced / "labels.json").write_text(json.dumps(meta))
    (forced / "judge.onnx").unlink()
    with pytest.raises(ModelLoadError):
        OnnxModel(ModelArtifacts(forced))


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


def test_eval_writes_metrics_with_intervals_and_the_card(trained: Path, tmp_path: Path) -> None:
    arts, data = tmp_path / "artifacts", tmp_path / "data"
    export(ExportConfig(trained / "run", trained / "data", arts, max_int8_f1_drop=1.0))
    shutil.copytree(trained / "data", data)
    # A few SMS-like rows, so that the real-data figures have something to count.
    sms = [
        ("WINNER!! claim your prize now, call 09061701461", ("spam",), "sms_spam"),
        ("Free entry to win 1000 cash, text WIN to 80086", ("spam",), "sms_spam"),
        ("URGENT your mobile number won a bonus, reply YES", ("spam",), "sms_spam"),
        ("ok see you at 5", (), "sms_ham"),
        ("are you coming home for dinner tonight?", (), "sms_ham"),
        ("sorry i'll call you later", (), "sms_ham"),
    ]
    rows = corpus.read(data, "test") + [Example(t, y, "sms", f, False) for t, y, f in sms]
    # ... and moderators' decisions as `hub moderation-export` writes them: reported apart.
    exported = [
        {"text": "the gift card is not included, just the wallet", "labels": [], "hard": True},
        {"text": "do you want the charger too?", "labels": [], "hard": True},
        {"text": "send the code you got, then I pay", "labels": ["scam"], "hard": False},
    ]
    decided = [decisions.parse(json.dumps(e), f"e:{i}") for i, e in enumerate(exported)]
    rows += decided
    corpus.write({"test": rows}, data)
    results = evaluate(arts, data)
    synthetic_hard = sum(r.hard for r in rows if r.source == "synthetic")
    for scorer in ("model", "pipeline_no_context", "baseline_tfidf_logreg"):
        report = results[scorer]
        assert report["hard_negatives"] == synthetic_hard  # decisions are not counted there
        assert report["moderation_test"]["approved"] == 2
        assert report["moderation_test"]["removed"] == 1
    assert (
        "moderators' decisions in test (real chat): of 2 approved"
        in (arts / "MODEL_CARD.md").read_text()
    )
    families = results["intervals"]["families"]
    synthetic = [r for r in rows if r.source == "synthetic"]
    assert families["synthetic"] == len({r.family for r in synthetic})
    assert families["sms_rows"] == len(sms)
    low, high = results["intervals"]["synthetic_macro_f1>=0.95"]
    assert 0.0 <= low <= high <= 1.0
    assert results["targets"]["synthetic_macro_f1>=0.95"]["ci95"] == [low, high]
    assert set(results["targets"]["beats_baseline_f1:spam"]["ci95"]) == {"ci", "share_above_zero"}
    saved = json.loads((arts / "metrics.json").read_text())
    assert saved["intervals"]["families"] == families
    card = (arts / "MODEL_CARD.md").read_text()
    assert "95% interval" in card
    assert f"{families['synthetic']} families" in card
    blind = results["blind_hard_negatives"]
    blind_rows = corpus.read(data, corpus.BLIND)
    assert blind["rows"] == len(blind_rows)
    assert blind["families"] == len({r.family for r in blind_rows})
    for scorer in ("model", "pipeline_no_context", "baseline_tfidf_logreg"):
        figures = blind[scorer]
        assert figures["fpr"] == pytest.approx(figures["flagged"] / len(blind_rows))
        assert sum(figures["by_concept"].values()) == figures["flagged"]
        low, high = figures["ci95"]
        assert 0.0 <= low <= high <= 1.0
    target = results["targets"]["blind_hard_negative_fpr<=0.01"]
    assert target["value"] == blind["model"]["fpr"]
    assert "### Blind hard negatives" in card
    actions = results["hard_negative_actions"]
    assert sum(actions["test"].values()) == synthetic_hard
    assert sum(actions["blind"].values()) == len(blind_rows)
    assert set(actions["at_threshold"]) == set(results["thresholds"])
    assert f"of the blind set's {len(blind_rows):,} rows it warns about" in card
    assert f"{blind['rows']} rows from {blind['families']} families" in card


def test_export_per_message_scores_a_message_the_same_in_any_batch(
    trained: Path, tmp_path: Path
) -> None:
    """`models export --per-message`: the student and the judge quantize each message alone."""
    arts = tmp_path / "per-message"
    export(
        ExportConfig(
            trained / "run", trained / "data", arts, max_int8_f1_drop=1.0, per_message=True
        )
    )
    texts = ["is it available?", "send me the verification code you got " * 3, "ok", "zelle?"]
    model = OnnxModel(ModelArtifacts(arts))
    alone = np.vstack([model.predict([text]) for text in texts])
    np.testing.assert_allclose(model.predict(texts), alone, atol=1e-6)
