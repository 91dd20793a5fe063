"""reconnect-storm: N clients drop at once, miss messages, reconnect together and ``sync``.

Each of the N clients (buyers) has a conversation with one of a few sellers. While every buyer
is down the sellers send ``cfg.extra["missed"]`` messages into each conversation; then all buyers
reconnect at once and sync with their cursors. Every missed message must come back, once.
The e2e latency of a missed message runs from the start of the storm to its arrival in sync.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from benchmarks.histogram import Histogram
from benchmarks.ledger import Ledger
from benchmarks.scenarios.common import (
    Outcome,
    Progress,
    RunConfig,
    close_all,
    connect_many,
    connect_one,
    run_id,
    session,
)
from benchmarks.sio import LeanClient
from benchmarks.target import Target

Conv = tuple[str, str, str]  # (conversation id, buyer id, seller index)


async def reconnect_storm(target: Target, cfg: RunConfig, progress: Progress) -> Outcome:
    rid = run_id()
    n = max(1, cfg.users)
    missed = int(cfg.extra.get("missed", 2))
    buyers = [f"bench-{rid}-b{i}" for i in range(n)]
    sellers = [f"bench-{rid}-s{i}" for i in range(max(1, n // 100))]
    errors: dict[str, int] = {}
    async with session() as http:
        progress.phase(f"connecting {n} clients and {len(sellers)} sellers")
        seller_clients = await connect_many(http, target, sellers, cfg, errors)
        buyer_clients = await connect_many(http, target, buyers, cfg, errors)
        try:
            convs = await _open(http, target, rid, buyer_clients, buyers, sellers)
            progress.phase(f"{len(convs)} conversations; dropping every client")
            await close_all(buyer_clients)
            ledger = Ledger(measure_from=0.0)
            cursors = await _send_missed(ledger, seller_clients, convs, missed, rid)
            progress.phase(
                f"{ledger.sent} messages sent while down; storm of {len(convs)} reconnects"
            )
            extra = await _storm(http, target, cfg, ledger, convs, cursors, errors)
        finally:
            await close_all(seller_clients)
    extra.update(clients=n, missed_per_client=missed, setup_errors=errors)
    return Outcome(ledger, extra.pop("_t0"), extra.pop("_t1"), 0.0, extra)


async def _open(
    http: aiohttp.ClientSession,
    target: Target,
    rid: str,
    clients: list[LeanClient | None],
    buyers: list[str],
    sellers: list[str],
) -> list[Conv]:
    gate = asyncio.Semaphore(50)

    async def one(i: int) -> Conv | None:
        client = clients[i]
        if client is None:
            return None
        s = i % len(sellers)
        listing = f"bench-{rid}-l{i}"
        async with gate:
            await target.put_listing(http, listing, sellers[s], 10_000)
            ack = await client.call("conversation.open", {"listing_id": listing})
        if not isinstance(ack, dict) or not ack.get("ok"):
            raise RuntimeError(f"conversation.open failed: {ack}")
        return ack["conversation"]["id"], buyers[i], str(s)

    found = await asyncio.gather(*(one(i) for i in range(len(buyers))))
    return [c for c in found if c is not None]


async def _send_missed(
    ledger: Ledger, sellers: list[LeanClient | None], convs: list[Conv], missed: int, rid: str
) -> dict[str, int]:
    """Send while the buyers are away; cursors are 0 (the buyers saw nothing before the drop)."""
    gate = asyncio.Semaphore(200)

    async def one(cid: str, buyer: str, s: str, k: int) -> None:
        seller = sellers[int(s)]
        if seller is None:
            ledger.errors["seller-down"] += 1
            return
        key = f"{rid}-{cid}-{k}"
        ledger.sent_at(key, time.perf_counter(), {buyer})
        async with gate:
            reply = await seller.call(
                "message.send",
                {"conversation_id": cid, "client_msg_id": key, "text": f"while you were away {k}"},
            )
        ledger.acked(key, time.perf_counter(), reply)

    await asyncio.gather(*(one(cid, b, s, k) for cid, b, s in convs for k in range(missed)))
    return {cid: 0 for cid, _, _ in convs}


async def _storm(
    http: aiohttp.ClientSession,
    target: Target,
    cfg: RunConfig,
    ledger: Ledger,
    convs: list[Conv],
    cursors: dict[str, int],
    errors: dict[str, int],
) -> dict[str, Any]:
    back, synced = Histogram(), Histogram()
    clients: list[LeanClient] = []
    t0 = time.perf_counter()
    ledger.restamp(t0)
    # All at once, as after a network blip; the per-process gate only bounds open sockets in flight.
    gate = asyncio.Semaphore(max(cfg.connect_concurrency, 1000))

    async def one(i: int, cid: str, buyer: str) -> bool:
        async with gate:
            try:
                client = await connect_one(http, target, buyer, i, cfg.deflate, attempts=5)
            except Exception as e:
                errors[f"reconnect:{type(e).__name__}"] = (
                    errors.get(f"reconnect:{type(e).__name__}", 0) + 1
                )
                return False
        clients.append(client)
        back.record(time.perf_counter() - t0)
        reply = await client.call("sync", {"cursors": {cid: cursors[cid]}}, wait_s=60)
        for msg in reply.get("messages", []) if isinstance(reply, dict) else []:
            ledger.received(str(msg.get("client_msg_id")), buyer, time.perf_counter())
        if not (isinstance(reply, dict) and reply.get("ok")):
            ledger.errors[f"sync:{_code(reply)}"] += 1
            return False
        synced.record(time.perf_counter() - t0)
        return True

    try:
        results = await asyncio.gather(*(one(i, c, b) for i, (c, b, _) in enumerate(convs)))
        t1 = time.perf_counter()
    finally:
        await close_all(clients)
    return {
        "_t0": t0,
        "_t1": t1,
        "back": len(clients),
        "synced": sum(results),
        "all_synced_seconds": round(t1 - t0, 2),
        "reconnect_ms": back.summary_ms(),
        "synced_ms": synced.summary_ms(),
    }


def _code(reply: Any) -> str:
    if isinstance(reply, dict) and isinstance(reply.get("error"), dict):
        return str(reply["error"].get("code"))
    return "no-ack"
