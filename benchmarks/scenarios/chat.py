"""chat and moderated-chat: two-party conversations at a steady open-loop message rate."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
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
    padded,
    run_id,
    session,
)
from benchmarks.scenarios.corpus import DEFAULT_MIX, NORMAL, picker
from benchmarks.sio import LeanClient
from benchmarks.target import Target

TextSource = Callable[[int], tuple[str, str]]


async def chat(target: Target, cfg: RunConfig, progress: Progress) -> Outcome:
    """Ordinary marketplace messages at ``cfg.rate`` msgs/s over ``cfg.users // 2`` chats."""
    texts = [padded(t, cfg.text_bytes) for t in NORMAL]
    return await _run(target, cfg, progress, lambda i: ("normal", texts[i % len(texts)]))


async def moderated_chat(target: Target, cfg: RunConfig, progress: Progress) -> Outcome:
    """The same load with a realistic mix of normal, scam, off-platform, harassment and spam."""
    mix = dict(DEFAULT_MIX, **cfg.extra.get("mix", {}))
    cats, texts = picker(mix, cfg.seed)
    return await _run(target, cfg, progress, lambda i: (cats[i % len(cats)], texts[i % len(texts)]))


async def _run(target: Target, cfg: RunConfig, progress: Progress, source: TextSource) -> Outcome:
    rid = run_id()
    pairs = max(1, cfg.users // 2)
    buyers = [f"bench-{rid}-b{i}" for i in range(pairs)]
    sellers = [f"bench-{rid}-s{i}" for i in range(pairs)]
    setup_errors: dict[str, int] = {}
    async with session() as http:
        progress.phase(f"connecting {2 * pairs} clients to {len(target.urls)} node(s)")
        # Buyer i and seller i land on different nodes when there are several: cross-node fan-out.
        clients = await connect_many(http, target, [*buyers, *sellers], cfg, setup_errors)
        try:
            convs = await _open_conversations(http, target, rid, clients, buyers, sellers)
            progress.phase(f"{len(convs)} conversations open; sending {cfg.total()} messages")
            out = await _drive(cfg, progress, convs, source)
        finally:
            await close_all(clients)
    out.extra["setup_errors"] = setup_errors
    out.extra["conversations"] = len(convs)
    return out


Conv = tuple[str, LeanClient, str, LeanClient, str]  # (id, buyer, buyer_id, seller, seller_id)


async def _open_conversations(
    http: Any,
    target: Target,
    rid: str,
    clients: list[LeanClient | None],
    buyers: list[str],
    sellers: list[str],
) -> list[Conv]:
    pairs = len(buyers)

    async def one(i: int) -> Conv | None:
        buyer, seller = clients[i], clients[pairs + i]
        if buyer is None or seller is None:
            return None
        listing = f"bench-{rid}-l{i}"
        await target.put_listing(http, listing, sellers[i], 10_000)
        ack = await buyer.call(
            "conversation.open", {"listing_id": listing, **_relay_extra(target, sellers[i])}
        )
        if not isinstance(ack, dict) or not ack.get("ok"):
            raise RuntimeError(f"conversation.open failed: {ack}")
        return (ack["conversation"]["id"], buyer, buyers[i], seller, sellers[i])

    gate = asyncio.Semaphore(50)

    async def gated(i: int) -> Conv | None:
        async with gate:
            return await one(i)

    found = await asyncio.gather(*(gated(i) for i in range(pairs)))
    return [c for c in found if c is not None]


def _relay_extra(target: Target, seller: str) -> dict[str, str]:
    return {"seller_id": seller} if target.kind == "relay" else {}


async def _drive(
    cfg: RunConfig, progress: Progress, convs: list[Conv], source: TextSource
) -> Outcome:
    if not convs:
        raise RuntimeError("no conversation could be opened")
    start = time.perf_counter() + 0.2
    ledger = Ledger(measure_from=start + cfg.warmup)
    interventions: dict[str, int] = {"count": 0}
    for _cid, buyer, buyer_id, seller, seller_id in convs:
        _listen(buyer, buyer_id, ledger, interventions)
        _listen(seller, seller_id, ledger, interventions)
    rid = run_id()

    def fire(i: int, scheduled: float) -> None:
        cid, buyer, buyer_id, seller, seller_id = convs[i % len(convs)]
        forward = (i // len(convs)) % 2 == 0
        sender, receiver = (buyer, seller_id) if forward else (seller, buyer_id)
        category, text = source(i)
        key = f"{rid}-{i}"
        ledger.sent_at(key, scheduled, {receiver})
        ledger.outcome(f"sent:{category}")

        def on_ack(reply: Any) -> None:
            status = _status(reply)
            if status:
                ledger.outcome(f"{category}->{status}")
            ledger.acked(key, time.perf_counter(), reply, delivers=status == "delivered")

        sender.emit(
            "message.send", {"conversation_id": cid, "client_msg_id": key, "text": text}, on_ack
        )

    lag = await open_loop(cfg.rate, cfg.total(), start, fire, lambda: progress.tick(ledger, "chat"))
    end = time.perf_counter()
    await drain(ledger, cfg.drain_s, lambda: progress.tick(ledger, "drain"))
    return Outcome(ledger, start + cfg.warmup, end, lag, {"interventions": interventions["count"]})


def _listen(client: LeanClient, user: str, ledger: Ledger, interventions: dict[str, int]) -> None:

    def on_message(data: Any) -> None:
        msg = data.get("message") if isinstance(data, dict) else None
        key = msg.get("client_msg_id") if isinstance(msg, dict) else None
        if isinstance(key, str):
            ledger.received(key, user, time.perf_counter())
        else:
            ledger.unexpected += 1

    def on_intervention(_data: Any) -> None:
        interventions["count"] += 1

    client.on("message.new", on_message)
    client.on("intervention", on_intervention)


def _status(reply: Any) -> str | None:
    if isinstance(reply, dict) and reply.get("ok") and isinstance(reply.get("message"), dict):
        status = reply["message"].get("status")
        return status if isinstance(status, str) else None
    return None
