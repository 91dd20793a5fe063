"""The lexical half of the model stage: features, parity with training, loading, blending."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort  # type: ignore[import-untyped]
import pytest
from tokenizers import Tokenizer

from pipeline.stages.lexical import LexicalLoadError, LexicalModel, hashed_counts, vectors
from pipeline.stages.model import ModelArtifacts, ModelLoadError, OnnxModel

LABELS = ("scam", "off_platform", "harassment", "spam")


def test_features_are_stable_across_processes() -> None:
    # CRC-32, not Python's salted hash(): training and every hub process must agree.
    code = (
        "from pipeline.stages.lexical import hashed_counts as h;"
        "w, c = h('Send the CODE now', 1023); print(sorted(w.items()), sorted(c.items()))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    words, chars = hashed_counts("Send the CODE now", 1023)
    assert sum(words.values()) == 4 + 3  # words (2+ characters) and bigrams
    assert sum(chars.values()) > sum(words.values())
    assert hashed_counts("send the code now", 1023) == (words, chars)  # lower-cased


def test_vectors_normalize_each_block_and_handle_empty_text() -> None:
    idf = np.ones(1024, dtype=np.float32)
    indices, values, pointers = vectors(["hello there friend", "", "ok"], idf)
    assert pointers.tolist()[0] == 0
    assert pointers[-1] == len(indices)
    first = values[pointers[0] : pointers[1]]
    # Two blocks, each of unit norm (collisions aside, a bucket is one entry per block).
    assert np.sum(first * first) == pytest.approx(2.0, abs=1e-5)
    assert pointers[2] == pointers[1]  # the empty text has no features


def test_training_and_runtime_agree(tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="training extra not installed")
    from scipy.sparse import csr_matrix

    from models import lexical
    from models.data.corpus import model_text
    from models.data.synthetic import generate

    rows = generate("train", 400, seed=2)
    path = tmp_path / "lexical.npz"
    info = lexical.fit(rows, path, buckets=1 << 14)
    assert info["features"] > 100
    assert info["rows"] == len(rows)
    model = LexicalModel(path, LABELS)
    texts = [model_text(r.text) for r in rows[:50]] + [""]
    got = model.predict(texts)
    # The same features, scored as the fitted logistic regressions define it, on dense weights
    # rebuilt from the file (the runtime keeps them compact).
    with np.load(path) as data:
        idf = np.zeros(int(data["buckets"]), dtype=np.float32)
        coef = np.zeros((len(idf), len(LABELS)), dtype=np.float32)
        idf[data["index"]] = data["idf"]
        coef[data["index"]] = data["coef"]
        intercept = data["intercept"]
    indices, values, pointers = vectors(texts, idf)
    x = csr_matrix((values, indices, pointers), shape=(len(texts), len(idf)))
    expected = 1.0 / (1.0 + np.exp(-(x @ coef + intercept)))
    np.testing.assert_allclose(got, expected, atol=1e-5)
    # It learned something: training messages score their own labels higher than others.
    truth = np.array([[name in r.labels for name in LABELS] for r in rows[:50]])
    assert got[:50][truth].mean() > got[:50][~truth].mean() + 0.3


def test_loading_refuses_bad_files(tmp_path: Path) -> None:
    with pytest.raises(LexicalLoadError):
        LexicalModel(tmp_path / "missing.npz", LABELS)
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(LexicalLoadError):
        LexicalModel(tmp_path / "junk.npz", LABELS)
    good = tmp_path / "good.npz"
    np.savez(
        good,
        labels=np.asarray(LABELS),
        buckets=np.asarray(16),
        index=np.asarray([1, 2], dtype=np.int32),
        idf=np.ones(2, dtype=np.float32),
        coef=np.ones((2, 4), dtype=np.float32),
        intercept=np.zeros(4, dtype=np.float32),
    )
    assert LexicalModel(good, LABELS).predict(["hi"]).shape == (1, 4)
    with pytest.raises(LexicalLoadError):
        LexicalModel(good, ("spam",))
    for broken in (
        {"buckets": np.asarray(12)},  # not a power of two
        {"index": np.asarray([1, 16], dtype=np.int32)},  # outside the buckets
        {"index": np.asarray([3, 3], dtype=np.int32)},  # a bucket twice
        {"coef": np.ones((3, 4), dtype=np.float32)},  # weights that do not fit the index
    ):
        with np.load(good) as data:
            fields = {key: data[key] for key in data.files}
        np.savez(tmp_path / "broken.npz", **(fields | broken))
        with pytest.raises(LexicalLoadError):
            LexicalModel(tmp_path / "broken.npz", LABELS)


def test_shipped_model_blends_as_declared(artifacts: Path) -> None:
    arts = ModelArtifacts(artifacts)
    meta = json.loads(arts.labels.read_text(encoding="utf-8"))
    weight = float(meta.get("lexical_weight", 0.0))
    texts = ["is it still available?", "[payment_app] pay me on zelle first", ""]
    blended = OnnxModel(arts, cascade=False).predict(texts)
    student = OnnxModel(arts, lexical=False, cascade=False).predict(texts)
    if weight:
        lexical = LexicalModel(arts.lexical, tuple(meta["labels"])).predict(texts)
        np.testing.assert_allclose(blended, (1 - weight) * student + weight * lexical, atol=1e-6)
    else:
        np.testing.assert_allclose(blended, student)


def test_shipped_cascade_mixes_as_declared(artifacts: Path) -> None:
    """Labels the cascade routes (in the declared band, or a short message's short labels) get
    `(1 - w) * first + w * judge`; the others keep the first stage's scores."""
    arts = ModelArtifacts(artifacts)
    model = OnnxModel(arts)
    if model.cascade is None:
        assert not json.loads(arts.labels.read_text(encoding="utf-8")).get("cascade")
        return
    texts = [
        "is it still available?",
        "[payment_app] pay me on zelle first",
        "you'll regret this, i know where you park",
        "ok",
        "[link] confirm your payment here to receive the money",
    ]
    first = OnnxModel(arts, cascade=False).predict(texts)
    tok = Tokenizer.from_file(str(arts.tokenizer))
    tok.no_padding()
    tok.enable_truncation(model.max_length)
    rows = [tok.encode(text).ids for text in texts]
    # Like the runtime: short messages route by their length too (without [CLS] and [SEP]), and
    # the judge scores each routed message alone. (Dynamic int8 quantizes activations per
    # batch, so in a batch a row's scores would depend a little on the others.)
    cells = model.cascade.cells(first, np.array([len(r) - 2 for r in rows]))
    assert cells.any(), "no message of the list reaches the judge"
    judge = ort.InferenceSession(str(arts.judge), providers=["CPUExecutionProvider"])
    judged = np.zeros_like(first)
    for i in np.flatnonzero(cells.any(axis=1)):
        ids = np.array([rows[i]], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        judged[i] = 1.0 / (1.0 + np.exp(-judge.run(["logits"], feeds)[0][0]))
    w = model.cascade.weight
    want = np.where(cells, (1 - w) * first + w * judged, first)
    np.testing.assert_allclose(model.predict(texts), want, atol=1e-5)


def test_declared_lexical_weights_must_exist(artifacts: Path, tmp_path: Path) -> None:
    for name in ("model.onnx", "tokenizer.json", "policy.json", "VERSION"):
        shutil.copyfile(artifacts / name, tmp_path / name)
    meta = json.loads((artifacts / "labels.json").read_text(encoding="utf-8"))
    meta["lexical_weight"] = 0.5
    (tmp_path / "labels.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelLoadError):
        OnnxModel(ModelArtifacts(tmp_path))  # no lexical.npz
    meta["lexical_weight"] = 1.5
    (tmp_path / "labels.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelLoadError):
        OnnxModel(ModelArtifacts(tmp_path))
    model = OnnxModel(ModelArtifacts(tmp_path), lexical=False, cascade=False)
    assert model.predict(["hi"]).shape == (1, 4)
