"""The shipped model card is what its template renders from the shipped metrics."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from models import card

ARTIFACTS = Path(__file__).resolve().parents[3] / "models" / "artifacts"


def test_shipped_card_matches_its_template(tmp_path: Path) -> None:
    # Only VERSION and model.onnx's size are read from the folder besides the metrics.
    shutil.copy(ARTIFACTS / "VERSION", tmp_path / "VERSION")
    (tmp_path / "model.onnx").symlink_to(ARTIFACTS / "model.onnx")
    results = json.loads((ARTIFACTS / "metrics.json").read_text(encoding="utf-8"))
    card.write(tmp_path, results)
    rendered = (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8")
    shipped = (ARTIFACTS / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert rendered == shipped, (
        "models/artifacts/MODEL_CARD.md is stale or the template does not render: regenerate it "
        "with models.card.write (or `python -m models eval`)"
    )


def test_hard_negative_actions_sentence_follows_the_counts() -> None:
    def counts(warn: int, hold: int, block: int) -> dict[str, int]:
        return {"allow": 100, "warn": warn, "hold": hold, "block": block}

    policy = {"scam": "hold", "off_platform": "warn", "harassment": "hold"}
    held = card._actions(
        {"test": counts(2, 5, 1), "blind": counts(3, 9, 0), "at_threshold": policy}
    )
    assert "of test's 108 hard negatives it warns about 2" in held
    assert "holds 9 for a moderator and blocks 0" in held
    assert "keep a fine message back until a moderator approves it" in held
    assert "`scam`, `harassment`: hold; `off_platform`: warn" in held
    warned = card._actions({"test": counts(6, 1, 0), "blind": counts(9, 2, 1)})
    assert "most of these flags are warnings" in warned
    assert "run `python -m models eval`" in card._actions(None)


def test_speed_names_the_cpu_and_model_when_the_benchmark_recorded_them() -> None:
    bench = {"machine": "x86_64, 2 CPU cores", "pipeline_p50_ms": 1.0}
    assert card._speed(bench)[0].endswith("on x86_64, 2 CPU cores:")
    bench |= {"cpu": "AMD EPYC (avx2)", "model_version": "1.4.1"}
    assert card._speed(bench)[0].endswith("2 CPU cores, CPU AMD EPYC (avx2), model 1.4.1:")
    bench |= {"int8_weights": "int8"}
    assert card._speed(bench)[0].endswith("model 1.4.1, weights run as int8:")


def test_speed_shows_long_message_latency_when_measured() -> None:
    bench = {
        "machine": "x86_64, 2 CPU cores",
        "long_message_ms": {"2000": {"p50_ms": 21.5, "p99_ms": 30.25, "windows": 24.6}},
    }
    rows = [line for line in card._speed(bench) if "2,000 characters" in line]
    assert rows == [
        "| pipeline latency, one message of 2,000 characters (25 windows), p50 / p99 (ms) "
        "| 21.50 / 30.25 |  |"
    ]
