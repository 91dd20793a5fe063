"""connections: how many idle authenticated connections one hub holds, and what each costs."""

from __future__ import annotations

import asyncio
import random
import time

from benchmarks.ledger import Ledger
from benchmarks.probe import Probe
from benchmarks.scenarios.common import (
    Outcome,
    Progress,
    RunConfig,
    close_all,
    connect_many,
    run_id,
    session,
)
from benchmarks.sio import LeanClient
from benchmarks.target import Target


async def connections(target: Target, cfg: RunConfig, progress: Progress) -> Outcome:
    """Open ``cfg.users`` connections, hold them ``cfg.duration`` s idle, check a sample answers.

    RSS per connection is the hub's growth from a baseline (taken after a few connections have
    warmed its code paths) to the plateau, divided by the connections that were accepted.
    """
    rid = run_id()
    probe = Probe(list(target.pids))
    probe.start()
    await probe.stop()
    errors: dict[str, int] = {}
    async with session() as http:
        warm = await connect_many(http, target, [f"bench-{rid}-warm{i}" for i in range(20)], cfg)
        await asyncio.sleep(0.5)
        rss_before = probe.rss()
        users = [f"bench-{rid}-c{i}" for i in range(cfg.users)]
        progress.phase(f"opening {len(users)} connections ({cfg.connect_concurrency} at a time)")
        t0 = time.perf_counter()
        clients = await connect_many(http, target, users, cfg, errors)
        connect_s = time.perf_counter() - t0
        try:
            live = [c for c in clients if c is not None]
            progress.phase(
                f"{len(live)} connected in {connect_s:.1f}s; holding {cfg.duration}s idle"
            )
            await asyncio.sleep(cfg.duration)
            rss_after = probe.rss()
            ledger = Ledger(measure_from=0.0)
            await _check_alive(live, ledger, cfg.seed)
            still = sum(1 for c in live if c.connected)
        finally:
            await close_all(clients)
            await close_all(warm)
    grown = max(0, rss_after - rss_before)
    extra = {
        "requested": cfg.users,
        "connected": len(live),
        "still_connected": still,
        "connect_seconds": round(connect_s, 2),
        "connect_rate": round(len(live) / connect_s, 1) if connect_s else None,
        "hub_rss_mb_before": round(rss_before / 2**20, 1),
        "hub_rss_mb_after": round(rss_after / 2**20, 1),
        "hub_kb_per_connection": round(grown / 1024 / len(live), 1)
        if live and target.pids
        else None,
        "setup_errors": errors,
    }
    return Outcome(ledger, t0, t0 + connect_s + cfg.duration, 0.0, extra)


async def _check_alive(
    live: list[LeanClient], ledger: Ledger, seed: int, sample: int = 200
) -> None:
    """Each sampled connection must still answer an event (an unknown one, acked as invalid)."""
    chosen = random.Random(seed).sample(live, min(sample, len(live)))

    async def one(i: int, c: LeanClient) -> None:
        key = f"alive-{i}"
        ledger.sent_at(key, time.perf_counter(), set())
        try:
            reply = await c.call("bench.ping", {}, wait_s=10)
        except TimeoutError:
            return
        # Any well-formed ack proves the socket is alive and served; the code is not an error here.
        ledger.acked(key, time.perf_counter(), {"ok": True} if isinstance(reply, dict) else reply)

    await asyncio.gather(*(one(i, c) for i, c in enumerate(chosen)))
