import json
from pathlib import Path

import pytest

from pipeline.stages.policy import DEFAULT_POLICY, Policy, decide
from pipeline.verdict import Action, Audience

ARTIFACTS = Path(__file__).resolve().parents[3] / "models" / "artifacts"


@pytest.fixture
def policy() -> Policy:
    return Policy.from_dict(DEFAULT_POLICY)


def scores(**values: float) -> dict[str, float]:
    base = dict.fromkeys(("scam", "off_platform", "harassment", "spam"), 0.0)
    base.update(values)
    return base


def test_nothing_flagged_allows(policy: Policy) -> None:
    decision = decide(policy, scores(scam=0.1), ["scam:model"])
    assert decision.action is Action.ALLOW
    assert decision.flagged == ()
    assert decision.reasons == ()
    assert decision.intervention is None


def test_off_platform_warns_both_to_keep_payments_in_app(policy: Policy) -> None:
    decision = decide(policy, scores(off_platform=0.91), ["off_platform:phone", "spam:link"])
    assert decision.action is Action.WARN
    assert decision.flagged == ("off_platform",)
    assert decision.reasons == ("off_platform:phone",)
    assert decision.intervention is not None
    assert decision.intervention.text.startswith("Keep payments in the app: BuyShield")
    assert decision.intervention.audience is Audience.BOTH


def test_scam_holds_and_very_sure_scam_blocks(policy: Policy) -> None:
    assert decide(policy, scores(scam=0.7), []).action is Action.HOLD
    assert decide(policy, scores(scam=0.99), []).action is Action.BLOCK


def test_strictest_label_wins_and_drives_the_notice(policy: Policy) -> None:
    decision = decide(policy, scores(scam=0.7, off_platform=0.9), [])
    assert decision.action is Action.HOLD
    assert set(decision.flagged) == {"scam", "off_platform"}
    assert decision.intervention is not None
    assert decision.intervention.audience is Audience.SENDER


def test_a_sure_rule_flags_its_label_above_any_threshold() -> None:
    strict = Policy.from_dict(
        {
            **DEFAULT_POLICY,
            "labels": {
                **DEFAULT_POLICY["labels"],
                "off_platform": {**DEFAULT_POLICY["labels"]["off_platform"], "threshold": 0.95},
            },
        }
    )
    assert decide(strict, scores(off_platform=0.9), []).action is Action.ALLOW
    decision = decide(strict, scores(off_platform=0.9), [], forced=["off_platform"])
    assert decision.action is Action.WARN
    assert decision.flagged == ("off_platform",)


def test_severe_rule_blocks(policy: Policy) -> None:
    decision = decide(policy, scores(harassment=0.9), ["harassment:threat"], ["threat"])
    assert decision.action is Action.BLOCK
    assert "severe:threat" in decision.reasons


def test_shipped_policy_matches_the_default_shape() -> None:
    data = json.loads((ARTIFACTS / "policy.json").read_text(encoding="utf-8"))
    shipped = Policy.from_dict(data)
    assert set(shipped.labels) == set(DEFAULT_POLICY["labels"])
    assert all(0.0 < t < 1.0 for t in shipped.thresholds.values())
