"""One run of one scenario against one target, with the hub and the generator probed."""

from __future__ import annotations

import dataclasses
from typing import Any

from benchmarks import report
from benchmarks.probe import Probe, self_probe
from benchmarks.scenarios import SCENARIOS
from benchmarks.scenarios.common import Progress, RunConfig
from benchmarks.target import Target


async def run_once(
    scenario: str, target: Target, cfg: RunConfig, progress: Progress
) -> dict[str, Any]:
    """Run ``scenario`` and build its report (CPU and RSS over the measured window)."""
    hub_probe, gen_probe = Probe(list(target.pids)), self_probe()
    hub_probe.start()
    gen_probe.start()
    try:
        outcome = await SCENARIOS[scenario](target, cfg, progress)
    finally:
        await hub_probe.stop()
        await gen_probe.stop()
    window = (outcome.measure_start, outcome.measure_end)
    params = {k: v for k, v in dataclasses.asdict(cfg).items()}
    gen = gen_probe.summary(*window) or {}
    gen["max_schedule_lag_ms"] = round(outcome.generator_lag_ms, 2)
    return report.build(
        scenario,
        params,
        {"urls": target.urls, "kind": target.kind, **target.description},
        outcome.ledger,
        window,
        hub_probe.summary(*window),
        gen,
        outcome.extra,
    )


def with_reference(hub: dict[str, Any], relay: dict[str, Any]) -> dict[str, Any]:
    """Attach the relay's run to the hub's, with the hub/relay ratios the bar is stated in."""
    out = dict(hub)
    out["reference"] = {
        k: relay[k]
        for k in ("offered_rate", "delivered_rate", "latency_ms", "counts", "hub", "target")
    }
    rows = {label: ratio for label, _a, _b, ratio in report.compare(relay, hub)}
    out["reference_ratio"] = {
        "delivered_rate": _r(rows.get("delivered_rate")),
        "e2e_p99": _r(rows.get("e2e p99")),
        "hub_cpu": _r(rows.get("hub cpu % mean")),
        "rss": _r(rows.get("hub rss MB max")),
    }
    return out


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 3)
