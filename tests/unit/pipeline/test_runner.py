import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from pipeline import (
    Action,
    ModerationRunner,
    PipelineError,
    PipelineOverloaded,
    RunnerConfig,
    Verdict,
)
from pipeline.scoring import Scored
from pipeline.stages.model import ModelArtifacts, OnnxModel


@pytest.fixture
async def runner(artifacts: Path) -> AsyncIterator[ModerationRunner]:
    runner = ModerationRunner(RunnerConfig(artifacts_dir=artifacts, max_wait_ms=5.0))
    await runner.start()
    yield runner
    await runner.close()


@pytest.mark.parametrize(
    "text",
    [
        "send me the verification code you just got",
        "text me at 415 555 0192, i'll send a code, tell me what it says",
        "I overpaid by $200, please refund the difference with zelle",
    ],
)
async def test_clear_risky_messages_are_not_allowed(runner: ModerationRunner, text: str) -> None:
    verdict = await runner.moderate(text)
    assert verdict.action is not Action.ALLOW
    assert verdict.flagged
    assert verdict.reasons
    assert not verdict.degraded


@pytest.mark.parametrize(
    "text",
    [
        "Is it still available? I can pick up Saturday",
        "i'll pay cash at pickup, see you at the starbucks on 5th",
        "would you take $120? I'll pay in the app",
        # Errands that the threat rule once blocked as severe.
        "i'll find the charger and bring it",
        "i'll beat any price you find",
        "i'm gonna kill it at my interview today, then i'll come by",
    ],
)
async def test_clear_fine_messages_are_allowed(runner: ModerationRunner, text: str) -> None:
    verdict = await runner.moderate(text)
    assert verdict.action is Action.ALLOW
    assert verdict.flagged == ()
    assert set(verdict.labels) == {"scam", "off_platform", "harassment", "spam"}


async def test_phone_number_warns_with_keep_in_app_tip(runner: ModerationRunner) -> None:
    verdict = await runner.moderate("call me at (415) 555-0192")
    assert verdict.action is Action.WARN
    assert "off_platform:phone" in verdict.reasons
    data = verdict.to_dict()
    assert data["intervention"]["text"].startswith("Keep payments in the app")
    assert set(data) == {"action", "flagged", "labels", "reasons", "intervention"}


async def test_concurrent_messages_are_batched(runner: ModerationRunner) -> None:
    texts = [f"is the bike still available? #{i}" for i in range(24)]
    verdicts = await asyncio.gather(*(runner.moderate(t) for t in texts))
    assert len(verdicts) == 24
    stats = runner.stats()
    assert stats["batch_size"]["max"] > 1
    assert stats["batches"] < 24
    assert stats["messages"] == 24


async def test_inference_runs_off_the_event_loop_thread(
    runner: ModerationRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    original = OnnxModel.predict

    def recording(self: OnnxModel, texts: Sequence[str]) -> object:
        seen.append(threading.get_ident())
        return original(self, texts)

    monkeypatch.setattr(OnnxModel, "predict", recording)
    await runner.moderate("hello there")
    assert seen
    assert threading.get_ident() not in seen


async def test_full_queue_raises_overloaded(
    artifacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = ModerationRunner(RunnerConfig(artifacts_dir=artifacts, max_queue=4, max_batch=2))
    await runner.start()
    gate = threading.Event()
    score = runner._scorer.score

    def gated(texts: Sequence[str]) -> list[Scored]:
        gate.wait(10.0)
        return score(texts)

    monkeypatch.setattr(runner._scorer, "score", gated)
    waiting = [asyncio.create_task(runner.moderate(f"hi {i}")) for i in range(4)]
    await asyncio.sleep(0.05)
    with pytest.raises(PipelineOverloaded):
        await runner.moderate("one too many")
    assert runner.stats()["rejected"] == 1
    gate.set()
    verdicts = await asyncio.gather(*waiting)
    assert all(isinstance(v, Verdict) for v in verdicts)
    await runner.moderate("room again")
    await runner.close()


async def test_close_drains_queued_messages(artifacts: Path) -> None:
    runner = ModerationRunner(RunnerConfig(artifacts_dir=artifacts, max_batch=4))
    await runner.start()
    waiting = [asyncio.create_task(runner.moderate(f"message {i}")) for i in range(12)]
    await asyncio.sleep(0)
    await runner.close()
    assert all(task.done() and task.exception() is None for task in waiting)
    assert not runner.ready
    with pytest.raises(PipelineError):
        await runner.moderate("after close")


async def test_corrupt_model_falls_back_to_rules_with_alarm(
    broken_artifacts: Path, caplog: pytest.LogCaptureFixture
) -> None:
    runner = ModerationRunner(RunnerConfig(artifacts_dir=broken_artifacts))
    with caplog.at_level(logging.CRITICAL):
        await runner.start()
    try:
        assert runner.ready
        assert runner.degraded
        assert any("ALARM" in record.getMessage() for record in caplog.records)
        risky = await runner.moderate("send me the verification code")
        assert risky.degraded
        assert risky.action is not Action.ALLOW
        assert "scam:verification_code" in risky.reasons
        fine = await runner.moderate("is it still available?")
        assert fine.action is Action.ALLOW
        assert runner.stats()["degraded"] is True
    finally:
        await runner.close()


async def test_missing_model_falls_back_to_rules(broken_artifacts: Path) -> None:
    (broken_artifacts / "model.onnx").unlink()
    runner = ModerationRunner(RunnerConfig(artifacts_dir=broken_artifacts))
    await runner.start()
    try:
        verdict = await runner.moderate("email me at john at gmail dot com")
        assert verdict.degraded
        assert verdict.action is Action.WARN
        assert verdict.model_ms >= 0.0
    finally:
        await runner.close()


async def test_risk_builds_across_a_conversation(broken_artifacts: Path) -> None:
    # Rules-only, so that the scores are exact: a payment app alone is only a signal.
    runner = ModerationRunner(RunnerConfig(artifacts_dir=broken_artifacts))
    await runner.start()
    try:
        alone = await runner.moderate("do you take zelle?", conversation_id="c0", sender_id="s")
        assert alone.action is Action.ALLOW
        first = await runner.moderate("text me 415 555 0192", conversation_id="c1", sender_id="s")
        assert first.action is Action.WARN
        other = await runner.moderate("do you take zelle?", conversation_id="c1", sender_id="b")
        assert other.action is Action.ALLOW
        second = await runner.moderate("do you take zelle?", conversation_id="c1", sender_id="s")
        assert second.action is Action.WARN
        assert "off_platform:context_contact_payment" in second.reasons
    finally:
        await runner.close()


async def test_a_phone_number_sent_in_pieces_is_joined(broken_artifacts: Path) -> None:
    """Rules-only, so that no model score carries over: only the join can flag the last piece."""
    runner = ModerationRunner(RunnerConfig(artifacts_dir=broken_artifacts))
    await runner.start()
    try:
        pieces = ["415", "555", "0192"]
        verdicts = [await runner.moderate(p, conversation_id="c", sender_id="s") for p in pieces]
        assert [v.action for v in verdicts] == [Action.ALLOW, Action.ALLOW, Action.WARN]
        assert "off_platform:context_split_number" in verdicts[-1].reasons
        # Prices haggled one after another are not a number.
        prices = ["40", "35", "30"]
        haggled = [await runner.moderate(p, conversation_id="h", sender_id="s") for p in prices]
        assert all(v.action is Action.ALLOW for v in haggled)
    finally:
        await runner.close()


async def test_score_sync_matches_moderate(runner: ModerationRunner) -> None:
    text = "send me the verification code"
    (sync,) = runner.score_sync([text])
    verdict = await runner.moderate(text)
    assert sync.action == verdict.action
    assert sync.labels == pytest.approx(verdict.labels)


@pytest.mark.parametrize("judge", [True, False])
async def test_judge_setting_reaches_the_model_stage(artifacts: Path, judge: bool) -> None:
    """`RunnerConfig.judge` (HUB_MODERATION_JUDGE) decides whether the shipped cascade runs."""
    shipped = OnnxModel(ModelArtifacts(artifacts)).cascade
    runner = ModerationRunner(RunnerConfig(artifacts_dir=artifacts, judge=judge))
    await runner.start()
    try:
        model = await asyncio.to_thread(runner._scorer.load)
        assert model.cascade == (shipped if judge else None)
        verdict = await runner.moderate("send me the verification code you just got")
        assert verdict.action is not Action.ALLOW
    finally:
        await runner.close()


@pytest.mark.parametrize("size", [0, 7])
async def test_message_cache_setting_reaches_every_stage(artifacts: Path, size: int) -> None:
    """`RunnerConfig.message_cache` (HUB_MODERATION_MESSAGE_CACHE) sizes the scorer's cache and
    each worker model's."""
    runner = ModerationRunner(RunnerConfig(artifacts_dir=artifacts, message_cache=size))
    await runner.start()
    try:
        model = await asyncio.to_thread(runner._scorer.load)
        assert model.cache_size == size
        assert hasattr(runner._scorer._prepare, "cache_info") == (size > 0)
        first = await runner.moderate("send me the verification code you just got")
        again = await runner.moderate("send me the verification code you just got")
        assert (first.action, first.reasons) == (again.action, again.reasons)
    finally:
        await runner.close()
