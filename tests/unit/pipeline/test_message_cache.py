"""What depends on a message alone is remembered: the same text again skips normalizing, the
rules, the lexical half and the judge, and gets the same results to the bit."""

from pathlib import Path

import numpy as np
import pytest

from pipeline.scoring import Scorer
from pipeline.stages.lexical import LexicalModel
from pipeline.stages.model import ModelArtifacts, OnnxModel
from pipeline.stages.normalize import normalize
from pipeline.stages.rules import match_rules, model_input

# Risky-looking chat, some of which the first stage is unsure of (routed to the judge).
CANDIDATES = [
    "can you send the money first, then i ship",
    "i only accept payment through a link i send you",
    "my cousin will pick it up, i pay extra for the trouble",
    "dont be stupid, the price is fair",
    "we can sort it out somewhere else if you want",
    "you're slow, hurry up",
    "i need the code to confirm the order",
    "visit my page for more deals",
    "pay a small deposit and it's yours",
    "i'll send a courier, he brings a check",
    "what's your number?",
    "you will regret this",
    "give me your address and i'll come",
    "the app is slow, can we talk elsewhere",
]


def _inputs(texts: list[str]) -> list[str]:
    return [model_input(normalize(t), match_rules(normalize(t))) for t in texts]


@pytest.fixture
def routed(artifacts: Path) -> list[str]:
    first = OnnxModel(ModelArtifacts(artifacts), cascade=False)
    judge = OnnxModel(ModelArtifacts(artifacts))
    assert judge.cascade is not None, "the shipped artifacts have a judge"
    texts = _inputs(CANDIDATES)
    probs = np.vstack([first.predict([t]) for t in texts])
    chosen = [t for t, row in zip(texts, judge.cascade.route(probs), strict=True) if row]
    assert len(chosen) >= 3, "expected some of the candidates to be routed to the judge"
    return chosen


def test_a_message_scored_again_skips_the_judge_with_the_same_scores(
    artifacts: Path, routed: list[str]
) -> None:
    model = OnnxModel(ModelArtifacts(artifacts))
    first = np.vstack([model.predict([t]) for t in routed])
    calls = model.judge_calls
    assert calls == len(routed)
    again = np.vstack([model.predict([t]) for t in routed])
    assert model.judge_calls == calls  # every one remembered
    assert np.array_equal(first, again)
    cold = OnnxModel(ModelArtifacts(artifacts))
    assert np.array_equal(np.vstack([cold.predict([t]) for t in routed]), first)


def test_the_cache_keeps_the_most_recent_messages_only(artifacts: Path, routed: list[str]) -> None:
    model = OnnxModel(ModelArtifacts(artifacts), cache=2)
    a, b, c = routed[:3]
    for text in (a, b, a, c):  # a is used again, so b is the oldest when c comes
        model.predict([text])
    assert model.judge_calls == 3
    model.predict([a])
    assert model.judge_calls == 3
    model.predict([b])
    assert model.judge_calls == 4


def test_no_cache_runs_the_judge_every_time(artifacts: Path, routed: list[str]) -> None:
    model = OnnxModel(ModelArtifacts(artifacts), cache=0)
    first = model.predict(routed[:2])
    assert np.array_equal(model.predict(routed[:2]), first)
    assert model.judge_calls == 4


def test_lexical_rows_do_not_depend_on_the_batch(artifacts: Path) -> None:
    """Why the lexical half may be remembered per text."""
    model = OnnxModel(ModelArtifacts(artifacts), cache=0)
    assert model._lexical is not None
    texts = _inputs(CANDIDATES)
    together = model._lexical.predict(texts)
    alone = np.vstack([model._lexical.predict([t]) for t in texts])
    assert np.array_equal(together, alone)


def test_lexical_probabilities_are_remembered(
    artifacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    predict = LexicalModel.predict

    def counting(self: LexicalModel, texts: list[str]) -> np.ndarray:
        seen.append(len(texts))
        return predict(self, texts)

    monkeypatch.setattr(LexicalModel, "predict", counting)
    model = OnnxModel(ModelArtifacts(artifacts), cascade=False, cache=4)
    texts = _inputs(CANDIDATES[:3])
    model.predict(texts)  # the model stage goes through the cache
    assert seen == [3]
    first = model._lexical_probs(texts)
    assert seen == [3]  # all three remembered
    repeated = model._lexical_probs([texts[1], texts[1], texts[0]])
    assert np.array_equal(repeated, first[[1, 1, 0]])
    assert seen == [3]
    model._lexical_probs(_inputs(CANDIDATES[3:6]))  # three more: the cache keeps four
    assert seen == [3, 3]
    model._lexical_probs([texts[0]])  # used last before the three: still there
    assert seen == [3, 3]
    model._lexical_probs([texts[2]])  # the least recently used: dropped
    assert seen == [3, 3, 1]


def test_the_scorer_remembers_normalizing_and_rules(artifacts: Path) -> None:
    scorer = Scorer(ModelArtifacts(artifacts), ("scam", "off_platform", "harassment", "spam"), None)
    first = scorer.score(CANDIDATES[:4])
    again = scorer.score(CANDIDATES[:4])
    info = scorer._prepare.cache_info()  # type: ignore[attr-defined]
    assert (info.hits, info.misses) == (4, 4)
    for a, b in zip(first, again, strict=True):
        assert (a.normalized, a.hits, a.scores) == (b.normalized, b.hits, b.scores)
    uncached = Scorer(
        ModelArtifacts(artifacts), ("scam", "off_platform", "harassment", "spam"), None, cache=0
    )
    assert not hasattr(uncached._prepare, "cache_info")
    for a, b in zip(first, uncached.score(CANDIDATES[:4]), strict=True):
        assert (a.normalized, a.hits) == (b.normalized, b.hits)
