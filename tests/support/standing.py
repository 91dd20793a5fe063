"""What the standing lists share: hand-written chat scored through the whole shipped pipeline
(normalize, rules, model, policy), each message alone, with the model's known misses kept as
strict xfails (`known`), so that a model that fixes one, or breaks another, fails the list."""

from collections.abc import Iterable
from pathlib import Path

import pytest

from pipeline import ModerationRunner, RunnerConfig
from pipeline.verdict import Action, Verdict

ARTIFACTS = Path(__file__).resolve().parents[2] / "models" / "artifacts"


def known(*values: str, reason: str) -> object:
    """A case the shipped model gets wrong: a strict xfail, with why."""
    return pytest.param(*values, marks=pytest.mark.xfail(strict=True, reason=reason))


def text_of(case: object) -> str:
    """The message of a list entry: a text, a (text, label) pair, or either as `known`."""
    values = getattr(case, "values", case)
    return values if isinstance(values, str) else str(values[0])  # type: ignore[index]


def verdicts_alone(cases: Iterable[object]) -> dict[str, Verdict]:
    """The shipped pipeline's verdict on each message, scored one at a time: as a message is
    scored whatever else is in flight (1.4.1's scores moved with the other messages of a batch;
    model card, History, "Batch composition")."""
    runner = ModerationRunner(RunnerConfig(artifacts_dir=ARTIFACTS))
    return {text: runner.score_sync([text])[0] for text in map(text_of, cases)}


def assert_delivered(verdict: Verdict) -> None:
    """Delivered as it is: no warning, no hold."""
    assert verdict.action is Action.ALLOW, (verdict.flagged, verdict.reasons)


def assert_flagged(verdict: Verdict, label: str) -> None:
    """Flagged for `label` (or several, a|b, of which any will do), and not simply delivered."""
    assert set(label.split("|")) & set(verdict.flagged), (verdict.flagged, verdict.reasons)
    assert verdict.action is not Action.ALLOW
