"""Report writing (JSON and PNG), compare as ratios, the sweep's rule, the Socket.IO framing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import report
from benchmarks.ledger import Ledger
from benchmarks.sio import decode_packet, encode_event
from benchmarks.sweep import holds, rates
from benchmarks.target import TargetError, check_loopback


def _report(delivered_per_s: int = 100, latency_s: float = 0.01) -> dict[str, object]:
    led = Ledger(measure_from=0.0)
    for i in range(delivered_per_s * 2):
        t = i / delivered_per_s
        led.sent_at(f"k{i}", t, {"bob"})
        led.acked(f"k{i}", t + latency_s / 2, {"ok": True})
        led.received(f"k{i}", "bob", t + latency_s)
    hub = {"cpu_percent_mean": 50.0, "rss_mb_max": 100.0}
    return report.build(
        "chat",
        {"rate": delivered_per_s},
        {"backend": "embedded"},
        led,
        (0.0, 2.0),
        hub,
        {},
        {"note": 1},
    )


def test_report_has_rates_percentiles_and_counts() -> None:
    r = _report()
    assert r["offered_rate"] == 100.0
    assert r["delivered_rate"] == 100.0
    e2e = r["latency_ms"]["e2e"]  # type: ignore[index]
    assert e2e["p50"] == pytest.approx(10, rel=0.02)
    assert set(e2e) >= {"p50", "p95", "p99", "p99.9", "max"}
    assert report.passed(r)
    assert len(r["timeline"]) == 2  # type: ignore[arg-type]


def test_write_produces_json_and_png(tmp_path: Path) -> None:
    r = _report()
    json_path, png_path = report.write(r, tmp_path, "run1")
    assert json.loads(json_path.read_text())["scenario"] == "chat"
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "delivered 100.0/s" in report.summary(r)


def test_compare_gives_ratios_b_over_a() -> None:
    a, b = _report(100, 0.01), _report(200, 0.02)
    rows = {label: ratio for label, _a, _b, ratio in report.compare(a, b)}
    assert rows["delivered_rate"] == pytest.approx(2.0)
    assert rows["e2e p50"] == pytest.approx(2.0, rel=0.03)
    assert rows["lost"] is None
    assert "B/A" in report.format_compare(a, b, ("a", "b"))


def test_a_rate_holds_only_within_the_bound_and_without_loss() -> None:
    r = _report(100, 0.01)
    assert holds(r, p99_bound_ms=50)
    assert not holds(r, p99_bound_ms=5)
    r["counts"]["lost"] = 1  # type: ignore[index]
    assert not holds(r, p99_bound_ms=50)
    assert rates(100, 2, 800) == [100, 200, 400, 800]


def test_event_framing_round_trips() -> None:
    text = encode_event("message.send", {"text": "hé"}, 12)
    assert text.startswith("4212[")
    assert decode_packet(text[1:]) == ("2", "/", 12, ["message.send", {"text": "hé"}])
    assert decode_packet('3/moderation,7[{"ok":true}]') == ("3", "/moderation", 7, [{"ok": True}])
    assert decode_packet('0{"sid":"x"}') == ("0", "/", None, {"sid": "x"})
    assert encode_event("e", None, None, "/moderation") == '42/moderation,["e",null]'


def test_only_loopback_targets_unless_allowed() -> None:
    check_loopback("http://127.0.0.1:8080", allow_remote=False)
    check_loopback("http://localhost:8080", allow_remote=False)
    with pytest.raises(TargetError):
        check_loopback("http://10.1.2.3:8080", allow_remote=False)
    check_loopback("http://10.1.2.3:8080", allow_remote=True)
