from pathlib import Path

from benchmarks.moderation import long_latency, long_texts
from pipeline import ModerationRunner, RunnerConfig
from pipeline.stages.model import ModelArtifacts, OnnxModel

ARTIFACTS = Path(__file__).resolve().parents[3] / "models" / "artifacts"
TEXTS = ["is it still available?", "would you take 40?", "meet at the library at 5"]


def test_long_texts_join_messages_up_to_the_length() -> None:
    longs = long_texts(TEXTS, 500, 4)
    assert len(longs) == 4
    assert all(490 <= len(text) <= 500 for text in longs)
    assert longs[0].startswith("is it still available? would you take 40?")
    assert longs[0] != longs[1]  # each starts where the last one stopped


def test_long_latency_reports_percentiles_and_windows() -> None:
    runner = ModerationRunner(RunnerConfig(artifacts_dir=ARTIFACTS))
    model = OnnxModel(ModelArtifacts(ARTIFACTS))
    figures = long_latency(runner, model, TEXTS, 2000, count=3)
    assert figures["chars"] == 2000
    assert figures["p50_ms"] > 0
    assert figures["windows"] > 20  # about 450 tokens: the head and up to 24 more
