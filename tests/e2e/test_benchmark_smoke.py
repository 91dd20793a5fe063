"""A short run of each benchmark scenario against a test hub: it must complete with nothing lost.

Seconds, not minutes; no timing assertions. The numbers are the benchmarks' business.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from benchmarks import report, runner
from benchmarks.scenarios import SCENARIOS
from benchmarks.scenarios.common import Progress, RunConfig
from benchmarks.target import Target
from tests.support.harness import SECRET, HubHarness

SMOKE = RunConfig(users=6, rate=40, duration=0.5, warmup=0.2, drain_s=10, extra={"missed": 2})


async def _run(hub: HubHarness, scenario: str, cfg: RunConfig = SMOKE) -> dict[str, Any]:
    target = Target([hub.url], SECRET, [os.getpid()], "hub", {"backend": "test"})
    try:
        return await runner.run_once(scenario, target, cfg, Progress(None))
    finally:
        hub._listings.extend(target.seeded)  # the harness deletes their rows on MariaDB


def _clean(result: dict[str, Any]) -> None:
    c = result["counts"]
    assert c["lost"] == 0, c
    assert c["duplicated"] == 0, c
    assert c["unacked"] == 0, c
    assert c["unexpected"] == 0, c
    assert c["errors"] == {}, c


@pytest.mark.parametrize("scenario", ["chat", "moderated-chat"])
async def test_chat_scenarios_deliver_every_message_once(hub: HubHarness, scenario: str) -> None:
    result = await _run(hub, scenario)
    _clean(result)
    assert result["counts"]["delivered"] == result["counts"]["sent"] == SMOKE.total()
    assert result["latency_ms"]["e2e"]["count"] == result["counts"]["measured_delivered"] > 0
    assert result["hub"]["rss_mb_max"] > 0


async def test_price_fanout_reaches_every_watcher(hub: HubHarness) -> None:
    result = await _run(hub, "price-fanout")
    _clean(result)
    watchers = result["extra"]["watchers"]
    assert watchers == SMOKE.users - 1
    assert result["counts"]["delivered"] == SMOKE.total() * watchers


async def test_offers_negotiate_to_acceptance(hub: HubHarness) -> None:
    result = await _run(hub, "offers")
    _clean(result)
    extra = result["extra"]
    assert extra["accepted"] == extra["negotiations"] == SMOKE.total()
    assert result["counts"]["delivered"] == 3 * SMOKE.total()


async def test_reconnect_storm_syncs_every_missed_message(hub: HubHarness) -> None:
    result = await _run(hub, "reconnect-storm")
    _clean(result)
    extra = result["extra"]
    assert extra["back"] == extra["synced"] == SMOKE.users
    assert result["counts"]["delivered"] == SMOKE.users * 2


async def test_connections_are_held_and_answer(hub: HubHarness) -> None:
    result = await _run(hub, "connections", RunConfig(users=30, duration=0.3))
    _clean(result)
    extra = result["extra"]
    assert extra["connected"] == extra["still_connected"] == 30
    assert result["counts"]["sent"] == 30  # every held connection was asked, and answered


async def test_a_report_is_written_and_compared(hub: HubHarness, tmp_path: Path) -> None:
    result = await _run(hub, "chat")
    json_path, png_path = await asyncio.to_thread(report.write, result, tmp_path, "smoke")
    assert json_path.exists()
    assert png_path.stat().st_size > 0
    rows = report.compare(result, result)
    assert dict((label, ratio) for label, _a, _b, ratio in rows)["delivered_rate"] == 1.0


def test_every_scenario_is_smoke_tested() -> None:
    tested = {"chat", "moderated-chat", "price-fanout", "offers", "reconnect-storm", "connections"}
    assert set(SCENARIOS) == tested
