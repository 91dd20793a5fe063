"""Which messages the judge rescores: the unsure band, and since 1.4.4 short messages however
sure the first stage is (`Cascade.short`; model card, History, "Short messages to the judge")."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from models import export
from models.export import CASCADE_SHORT, CASCADE_SHORT_LABELS, apply_cascade, choose_cascade
from pipeline.stages.model import Cascade, ModelArtifacts, OnnxModel
from pipeline.stages.normalize import normalize
from pipeline.stages.rules import match_rules, model_input


def _input(text: str) -> str:
    clean = normalize(text)
    return model_input(clean, match_rules(clean))


def test_parse_reads_short_and_defaults_to_none() -> None:
    assert Cascade.parse({"low": 0.15, "high": 0.7, "weight": 0.5}).short == 0
    assert Cascade.parse({"low": 0.15, "high": 0.7, "weight": 0.5, "short": 6}).short == 6


@pytest.mark.parametrize("short", [-1, 2.5, "6", True, None])
def test_parse_refuses_a_short_that_is_not_a_token_count(short: object) -> None:
    with pytest.raises(ValueError, match="short"):
        Cascade.parse({"low": 0.15, "high": 0.7, "weight": 0.5, "short": short})


def test_route_sends_short_rows_from_the_bands_bottom_up() -> None:
    cascade = Cascade(0.15, 0.7, 0.5, short=6)
    probs = np.array(
        [
            [0.95, 0.0, 0.0, 0.0],  # sure, long: first stage decides
            [0.95, 0.0, 0.0, 0.0],  # sure, short: judge
            [0.10, 0.0, 0.0, 0.0],  # below the band, short: nothing to check
            [0.30, 0.0, 0.0, 0.0],  # unsure, long: judge, as always
            [0.95, 0.0, 0.0, 0.0],  # sure, exactly `short` tokens: judge
        ],
        dtype=np.float32,
    )
    lengths = np.array([7, 2, 1, 40, 6])
    assert cascade.route(probs, lengths).tolist() == [False, True, False, True, True]
    # Without lengths (windows of long messages) or with short 0, the band alone.
    assert cascade.route(probs).tolist() == [False, False, False, True, False]
    band = dataclasses.replace(cascade, short=0)
    assert band.route(probs, lengths).tolist() == [False, False, False, True, False]


def test_export_blends_as_the_runtime_routes() -> None:
    first = np.array([[0.95, 0.0, 0.0, 0.0], [0.95, 0.0, 0.0, 0.0]], dtype=np.float32)
    judged = np.array([[0.05, 0.0, 0.0, 0.0], [0.05, 0.0, 0.0, 0.0]], dtype=np.float32)
    cascade = {"low": 0.15, "high": 0.7, "weight": 0.5, "short": 6}
    out = apply_cascade(first, judged, cascade, np.array([3, 12]))
    assert out[:, 0].tolist() == pytest.approx([0.5, 0.95])


def test_the_shipped_model_asks_the_judge_about_a_short_message_it_is_sure_of(
    artifacts: Path,
) -> None:
    model = OnnxModel(ModelArtifacts(artifacts), cache=0)
    assert model.cascade is not None
    assert model.cascade.short > 0
    # 1.5.0's first stage holds "you're smart" as harassment (0.87); the judge does not.
    text = _input("you're smart")
    assert model.head_lengths([text]).tolist() == [4]
    first = OnnxModel(ModelArtifacts(artifacts), cascade=False).predict([text])
    assert first.max() >= model.cascade.high  # sure of itself: outside the band
    harassment = model.labels.index("harassment")
    judged = model.predict([text])
    assert model.judge_calls == 1
    assert judged[0, harassment] < first[0, harassment] - 0.2
    # The same message with the band alone keeps the first stage's scores.
    model.cascade = dataclasses.replace(model.cascade, short=0)
    assert np.array_equal(model.predict([text]), first)
    assert model.judge_calls == 1


def test_a_long_message_is_not_routed_for_being_short(artifacts: Path) -> None:
    model = OnnxModel(ModelArtifacts(artifacts), cache=0)
    assert model.cascade is not None
    text = _input("thanks so much, the chair is perfect and my wife loves it already")
    first = OnnxModel(ModelArtifacts(artifacts), cascade=False).predict([text])
    assert model.head_lengths([text])[0] > model.cascade.short
    assert not model.cascade.route(first).any()
    model.predict([text])
    assert model.judge_calls == 0


def test_short_labels_name_the_labels_a_short_message_is_judged_on() -> None:
    labels = ("scam", "off_platform", "harassment", "spam")
    raw = {"low": 0.15, "high": 0.7, "weight": 0.5, "short": 6, "short_labels": ["harassment"]}
    cascade = Cascade.parse(raw, labels)
    assert cascade.short_columns == (2,)
    probs = np.array(
        [
            [0.95, 0.0, 0.0, 0.0],  # short, sure of a scam: the first stage decides
            [0.95, 0.0, 0.9, 0.0],  # short, sure of both: the judge speaks to harassment only
            [0.30, 0.0, 0.9, 0.0],  # in the band: every label, as always
        ],
        dtype=np.float32,
    )
    cells = cascade.cells(probs, np.array([3, 3, 3]))
    assert cells.tolist() == [
        [False, False, False, False],
        [False, False, True, False],
        [True, True, True, True],
    ]
    judged = np.zeros_like(probs)
    assert cascade.blend(probs, judged, cells)[1].tolist() == pytest.approx([0.95, 0.0, 0.45, 0.0])


@pytest.mark.parametrize("names", [[], ["insult"], "harassment"])
def test_short_labels_must_be_known_labels(names: object) -> None:
    raw = {"low": 0.15, "high": 0.7, "weight": 0.5, "short": 6, "short_labels": names}
    with pytest.raises(ValueError, match="short_labels"):
        Cascade.parse(raw, ("scam", "harassment"))


def test_export_picks_the_band_with_the_runtimes_short_routing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One band and weight: the grid's search is export's own business (and slow).
    monkeypatch.setattr(export, "CASCADE_LOWS", (0.15,))
    monkeypatch.setattr(export, "CASCADE_HIGHS", (0.7,))
    monkeypatch.setattr(export, "CASCADE_WEIGHTS", (0.5,))
    rng = np.random.default_rng(0)
    truth = (rng.random((400, 4)) < 0.2).astype(np.float32)
    # A first stage that is unsure of a fifth of the rows, and a judge that is always right.
    first = np.where(truth > 0, 0.9, 0.05).astype(np.float32)
    unsure = rng.random(400) < 0.2
    first[unsure] = 0.5
    judged = np.where(truth > 0, 0.99, 0.01).astype(np.float32)
    lengths = rng.integers(1, 30, size=400)
    report = choose_cascade(truth, np.zeros(400, dtype=bool), first, judged, 0.5, lengths)
    assert report["used"]
    cascade = report["cascade"]
    assert cascade["short"] == CASCADE_SHORT
    assert cascade["short_labels"] == list(CASCADE_SHORT_LABELS or ())
    parsed = Cascade.parse(cascade, ("scam", "off_platform", "harassment", "spam"))
    assert parsed.short_columns == (2,)
    # Without token counts (as before 1.4.4) nothing is routed for being short.
    assert (
        choose_cascade(truth, np.zeros(400, dtype=bool), first, judged, 0.5)["cascade"]["short"]
        == 0
    )
