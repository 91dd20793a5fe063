"""price-fanout: one seller changes a price; every watcher of the listing must get each change."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from benchmarks.ledger import Ledger
from benchmarks.scenarios.common import (
    Outcome,
    Progress,
    RunConfig,
    close_all,
    connect_many,
    drain,
    open_loop,
    run_id,
    session,
)
from benchmarks.sio import LeanClient
from benchmarks.target import Target

BASE_PRICE = 100_000


async def price_fanout(target: Target, cfg: RunConfig, progress: Progress) -> Outcome:
    """``cfg.users - 1`` watchers; the seller sends ``cfg.rate`` price updates a second."""
    rid = run_id()
    seller_id, listing = f"bench-{rid}-seller", f"bench-{rid}-listing"
    watchers = [f"bench-{rid}-w{i}" for i in range(max(1, cfg.users - 1))]
    errors: dict[str, int] = {}
    async with session() as http:
        await target.put_listing(http, listing, seller_id, BASE_PRICE)
        progress.phase(f"connecting {len(watchers)} watchers and the seller")
        clients = await connect_many(http, target, [seller_id, *watchers], cfg, errors)
        try:
            seller = clients[0]
            if seller is None:
                raise RuntimeError("the seller could not connect")
            live = await _watch(clients[1:], watchers, listing, errors)
            progress.phase(f"{len(live)} watching; {cfg.total()} price updates")
            out = await _drive(cfg, progress, seller, live, listing)
        finally:
            await close_all(clients)
    out.extra.update(watchers=len(live), setup_errors=errors)
    return out


async def _watch(
    clients: list[LeanClient | None], users: list[str], listing: str, errors: dict[str, int]
) -> list[tuple[LeanClient, str]]:
    gate = asyncio.Semaphore(100)

    async def one(c: LeanClient, user: str) -> tuple[LeanClient, str] | None:
        async with gate:
            ack = await c.call("listing.watch", {"listing_id": listing})
        if isinstance(ack, dict) and ack.get("ok"):
            return c, user
        errors["listing.watch"] = errors.get("listing.watch", 0) + 1
        return None

    pairs = [(c, u) for c, u in zip(clients, users, strict=True) if c is not None]
    found = await asyncio.gather(*(one(c, u) for c, u in pairs))
    return [f for f in found if f is not None]


async def _drive(
    cfg: RunConfig,
    progress: Progress,
    seller: LeanClient,
    watchers: list[tuple[LeanClient, str]],
    listing: str,
) -> Outcome:
    start = time.perf_counter() + 0.2
    ledger = Ledger(measure_from=start + cfg.warmup)
    for client, user in watchers:
        client.on("listing.price_update", _receiver(ledger, user))
    receivers = {u for _, u in watchers}

    def fire(i: int, scheduled: float) -> None:
        price = BASE_PRICE + 1 + i
        key = f"price:{price}"
        ledger.sent_at(key, scheduled, receivers)
        seller.emit(
            "listing.price_update",
            {"listing_id": listing, "price_cents": price},
            lambda reply: ledger.acked(key, time.perf_counter(), reply),
        )

    lag = await open_loop(
        cfg.rate, cfg.total(), start, fire, lambda: progress.tick(ledger, "fanout")
    )
    end = time.perf_counter()
    await drain(ledger, cfg.drain_s, lambda: progress.tick(ledger, "drain"))
    return Outcome(ledger, start + cfg.warmup, end, lag)


def _receiver(ledger: Ledger, user: str) -> Any:
    def on_update(data: Any) -> None:
        price = data.get("price_cents") if isinstance(data, dict) else None
        ledger.received(f"price:{price}", user, time.perf_counter())

    return on_update
