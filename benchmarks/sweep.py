"""Sweep: raise the offered rate until p99 passes a bound; the last rate that holds is the knee."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from benchmarks.scenarios.common import RunConfig

RunAt = Callable[[RunConfig], Awaitable[dict[str, Any]]]


def holds(step: dict[str, Any], p99_bound_ms: float) -> bool:
    """A rate holds when p99 is within the bound, ~all of it was delivered, nothing lost."""
    c = step["counts"]
    if c["lost"] or c["duplicated"] or c["errors"] or c["unacked"]:
        return False
    if step["latency_ms"]["e2e"]["p99"] > p99_bound_ms:
        return False
    return bool(step["delivered_rate"] >= 0.97 * step["offered_rate"] > 0)


def rates(start: float, factor: float, maximum: float) -> list[float]:
    out, r = [], start
    while r <= maximum:
        out.append(round(r, 1))
        r *= factor
    return out


async def sweep(
    cfg: RunConfig,
    run_at: RunAt,
    steps: list[float],
    p99_bound_ms: float,
    on_step: Callable[[dict[str, Any]], None] = lambda _: None,
) -> dict[str, Any]:
    """Run each rate in turn; stop after the first that does not hold."""
    done: list[dict[str, Any]] = []
    knee: dict[str, Any] | None = None
    for rate in steps:
        report = await run_at(dataclasses.replace(cfg, rate=rate))
        ok = holds(report, p99_bound_ms)
        step = {
            "rate": rate,
            "holds": ok,
            "offered_rate": report["offered_rate"],
            "delivered_rate": report["delivered_rate"],
            "e2e_ms": report["latency_ms"]["e2e"],
            "ack_ms": report["latency_ms"]["ack"],
            "counts": report["counts"],
            "hub": report["hub"],
        }
        done.append(step)
        on_step(step)
        if not ok:
            break
        knee = step
    return {
        "p99_bound_ms": p99_bound_ms,
        "steps": done,
        "knee_rate": knee["delivered_rate"] if knee else 0.0,
        "knee_p99_ms": knee["e2e_ms"]["p99"] if knee else None,
    }


def plot(result: dict[str, Any], path: Path, title: str) -> None:
    """p99 and delivered rate against the offered rate, for the hub (and the relay, if swept)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (lat, thr) = plt.subplots(1, 2, figsize=(12, 4.5))
    for name, res in result["runs"].items():
        steps = res["steps"]
        offered = [s["offered_rate"] for s in steps]
        lat.plot(offered, [s["e2e_ms"]["p99"] for s in steps], "o-", label=f"{name} p99")
        thr.plot(offered, [s["delivered_rate"] for s in steps], "o-", label=name)
    lat.axhline(result["p99_bound_ms"], color="grey", linestyle="--", label="bound")
    lat.set(xlabel="offered msgs/s", ylabel="e2e p99 ms", yscale="log", title="p99 by offered rate")
    thr.set(xlabel="offered msgs/s", ylabel="delivered msgs/s", title="Delivered by offered rate")
    lat.legend()
    thr.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
