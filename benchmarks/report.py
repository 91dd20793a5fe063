"""A run's report: JSON with every number, a PNG plot, and ``compare`` of two runs as ratios."""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.histogram import Histogram
from benchmarks.ledger import Ledger


def build(
    scenario: str,
    params: dict[str, Any],
    target: dict[str, Any],
    ledger: Ledger,
    window: tuple[float, float],
    hub: dict[str, Any] | None,
    generator: dict[str, Any] | None,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """Every number of one run, as plain JSON-able data."""
    seconds = max(window[1] - window[0], 1e-9)
    counts = ledger.counts()
    return {
        "scenario": scenario,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": {
            "machine": platform.machine(),
            "python": platform.python_version(),
            "cpus": _cpus(),
        },
        "params": params,
        "target": target,
        "measured_seconds": round(seconds, 3),
        "offered_rate": round(counts["measured_sent"] / seconds, 1),
        "delivered_rate": round(counts["measured_delivered"] / seconds, 1),
        "counts": counts,
        "latency_ms": {"e2e": ledger.e2e.summary_ms(), "ack": ledger.ack.summary_ms()},
        "timeline": [
            {"t": t, "sent": s.sent, "delivered": s.delivered, **_brief(s.e2e)}
            for t, s in sorted(ledger.timeline.items())
        ],
        "histograms": {"e2e": ledger.e2e.to_json(), "ack": ledger.ack.to_json()},
        "hub": hub,
        "generator": generator,
        "extra": extra,
    }


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


def _brief(h: Histogram) -> dict[str, float]:
    s = h.summary_ms()
    return {"p50": float(s["p50"]), "p99": float(s["p99"]), "max": float(s["max"])}


def passed(report: dict[str, Any]) -> bool:
    """Nothing lost, duplicated, unacked or refused."""
    c = report["counts"]
    return not (c["lost"] or c["duplicated"] or c["unacked"] or c["errors"])


def write(report: dict[str, Any], out_dir: Path, name: str | None = None) -> tuple[Path, Path]:
    """``<name>.json`` and ``<name>.png`` in ``out_dir``; returns both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = name or f"{report['scenario']}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}"
    json_path = out_dir / f"{stem}.json"
    json_path.write_text(json.dumps(report, indent=2, sort_keys=False))
    png_path = out_dir / f"{stem}.png"
    plot(report, png_path)
    return json_path, png_path


def plot(report: dict[str, Any], path: Path) -> None:
    """Latency over time (p50, p99, max per second) and the percentile curve (e2e and ack)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (over_time, curve) = plt.subplots(1, 2, figsize=(13, 4.8))
    tl = report["timeline"]
    ts = [p["t"] for p in tl]
    for key, style in (("p50", "-"), ("p99", "-"), ("max", ":")):
        over_time.plot(ts, [p[key] for p in tl], style, label=f"e2e {key}")
    over_time.set(
        xlabel="seconds into the measured window",
        ylabel="ms",
        yscale="symlog",
        title="End-to-end latency over time",
    )
    over_time.legend()
    for name in ("e2e", "ack"):
        hist = Histogram.from_json(report["histograms"][name])
        if hist.count:
            pts = [(p, ms) for p, ms in hist.curve_ms() if p < 100.0]
            curve.plot([1 / (1 - p / 100) for p, _ in pts], [ms for _, ms in pts], label=name)
    curve.set(xscale="log", xlabel="percentile", ylabel="ms", title="Latency by percentile")
    ticks = [1, 2, 10, 100, 1000, 10000]
    curve.set_xticks(ticks, ["0%", "50%", "90%", "99%", "99.9%", "99.99%"])
    curve.legend()
    offered, delivered = report["offered_rate"], report["delivered_rate"]
    fig.suptitle(
        f"{report['scenario']}: offered {offered}/s, delivered {delivered}/s, "
        f"lost {report['counts']['lost']}, dup {report['counts']['duplicated']} ({report['date']})"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


COMPARED = [
    ("offered_rate", ("offered_rate",)),
    ("delivered_rate", ("delivered_rate",)),
    *[(f"e2e {p}", ("latency_ms", "e2e", p)) for p in ("p50", "p95", "p99", "p99.9", "max")],
    *[(f"ack {p}", ("latency_ms", "ack", p)) for p in ("p50", "p99", "max")],
    ("lost", ("counts", "lost")),
    ("duplicated", ("counts", "duplicated")),
    ("hub cpu % mean", ("hub", "cpu_percent_mean")),
    ("hub rss MB max", ("hub", "rss_mb_max")),
]


def _dig(data: Any, path: tuple[str, ...]) -> float | None:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return float(data) if isinstance(data, int | float) else None


def compare(
    a: dict[str, Any], b: dict[str, Any]
) -> list[tuple[str, float | None, float | None, float | None]]:
    """(metric, a, b, b/a) rows; the ratio is None where it has no meaning."""
    rows = []
    for label, path in COMPARED:
        va, vb = _dig(a, path), _dig(b, path)
        ratio = vb / va if va and vb is not None else None
        rows.append((label, va, vb, ratio))
    return rows


def format_compare(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str]) -> str:
    head = f"{'metric':<18}{names[0]:>16}{names[1]:>16}{'B/A':>9}"
    lines = [head, "-" * len(head)]
    for label, va, vb, ratio in compare(a, b):
        lines.append(f"{label:<18}{_fmt(va):>16}{_fmt(vb):>16}{_fmt(ratio, 2):>9}")
    return "\n".join(lines)


def _fmt(v: float | None, digits: int = 1) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def summary(report: dict[str, Any]) -> str:
    """A few lines for the terminal."""
    e2e, ack, c = report["latency_ms"]["e2e"], report["latency_ms"]["ack"], report["counts"]
    hub = report.get("hub") or {}
    lines = [
        f"{report['scenario']} against {report['target'].get('backend', 'url')}: "
        f"offered {report['offered_rate']}/s, delivered {report['delivered_rate']}/s",
        "e2e ms  " + _pcts(e2e),
        "ack ms  " + _pcts(ack),
        f"lost {c['lost']}, duplicated {c['duplicated']}, unacked {c['unacked']}, "
        f"errors {c['errors'] or 0}, outcomes {c['outcomes'] or '-'}",
        f"hub cpu {hub.get('cpu_percent_mean')}% mean / {hub.get('cpu_percent_max')}% max, "
        f"rss {hub.get('rss_mb_max')} MB",
    ]
    if report.get("reference"):
        lines.append(f"reference relay: {json.dumps(report['reference_ratio'])}")
    extra = {k: v for k, v in report["extra"].items() if not isinstance(v, dict | list)}
    if extra:
        lines.append(f"extra: {extra}")
    return "\n".join(lines)


def _pcts(s: dict[str, Any]) -> str:
    return (
        " ".join(f"{k}={s[k]}" for k in ("p50", "p95", "p99", "p99.9", "max"))
        + f" (n={s['count']})"
    )
