"""offers: negotiations to acceptance (make → counter → accept) and the transaction updates.

Each negotiation has its own listing and conversation. Negotiations start on an open-loop
schedule; within one, each party answers the other's ``offer.updated`` push, as the app would.
The e2e latency of a step runs from its send to the other party's ``offer.updated``.
"""

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
    run_id,
    session,
)
from benchmarks.sio import LeanClient
from benchmarks.target import Target

PRICE, OFFER, COUNTER = 20_000, 15_000, 18_000


class _Negotiations:
    """Who is in which negotiation, and the reaction to each push."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.parties: dict[str, tuple[LeanClient, str, LeanClient, str]] = {}
        self.transactions: dict[str, set[str]] = {}

    def step(
        self,
        cid: str,
        name: str,
        scheduled: float,
        actor: LeanClient,
        receiver: str,
        event: str,
        payload: dict[str, Any],
    ) -> None:
        key = f"{cid}:{name}"
        self.ledger.sent_at(key, scheduled, {receiver})

        def on_ack(reply: Any) -> None:
            self.ledger.outcome(f"{name}:{_offer_status(reply) or _code(reply)}")
            self.ledger.acked(key, time.perf_counter(), reply)

        actor.emit(event, payload, on_ack)

    def on_offer(self, user: str) -> Callable[[Any], None]:
        def handle(data: Any) -> None:
            offer = data.get("offer") if isinstance(data, dict) else None
            if not isinstance(offer, dict) or (
                offer.get("made_by") == user and offer.get("status") == "pending"
            ):
                return
            cid = str(offer.get("conversation_id"))
            found = self.parties.get(cid)
            if found is None:
                return
            buyer, buyer_id, seller, seller_id = found
            now = time.perf_counter()
            status, maker = offer.get("status"), offer.get("made_by")
            if status == "pending" and maker == buyer_id and user == seller_id:
                self.ledger.received(f"{cid}:make", user, now)
                self.step(
                    cid,
                    "counter",
                    now,
                    seller,
                    buyer_id,
                    "offer.counter",
                    {"offer_id": offer["id"], "amount_cents": COUNTER},
                )
            elif status == "pending" and maker == seller_id and user == buyer_id:
                self.ledger.received(f"{cid}:counter", user, now)
                self.step(
                    cid, "accept", now, buyer, seller_id, "offer.accept", {"offer_id": offer["id"]}
                )
            elif status == "accepted" and user == seller_id:
                self.ledger.received(f"{cid}:accept", user, now)

        return handle

    def on_transaction(self, user: str) -> Callable[[Any], None]:
        def handle(data: Any) -> None:
            txn = data.get("transaction") if isinstance(data, dict) else None
            if isinstance(txn, dict):
                self.transactions.setdefault(str(txn.get("offer_id")), set()).add(user)
                self.ledger.outcome(f"transaction.update:{txn.get('status')}")

        return handle


async def offers(target: Target, cfg: RunConfig, progress: Progress) -> Outcome:
    """``cfg.rate`` negotiations a second, spread over ``cfg.users // 2`` buyer/seller pairs."""
    rid = run_id()
    pairs = max(1, cfg.users // 2)
    buyers = [f"bench-{rid}-b{i}" for i in range(pairs)]
    sellers = [f"bench-{rid}-s{i}" for i in range(pairs)]
    errors: dict[str, int] = {}
    total = cfg.total()
    async with session() as http:
        clients = await connect_many(http, target, [*buyers, *sellers], cfg, errors)
        try:
            progress.phase(f"seeding {total} listings and conversations")
            convs = await _conversations(http, target, rid, clients, buyers, sellers, total)
            out = await _drive(cfg, progress, convs)
        finally:
            await close_all(clients)
    out.extra["setup_errors"] = errors
    return out


Conv = tuple[str, LeanClient, str, LeanClient, str]


async def _conversations(
    http: Any,
    target: Target,
    rid: str,
    clients: list[LeanClient | None],
    buyers: list[str],
    sellers: list[str],
    total: int,
) -> list[Conv]:
    pairs = len(buyers)
    gate = asyncio.Semaphore(50)

    async def one(n: int) -> Conv | None:
        i = n % pairs
        buyer, seller = clients[i], clients[pairs + i]
        if buyer is None or seller is None:
            return None
        listing = f"bench-{rid}-l{n}"
        async with gate:
            await target.put_listing(http, listing, sellers[i], PRICE)
            ack = await buyer.call("conversation.open", {"listing_id": listing})
        if not isinstance(ack, dict) or not ack.get("ok"):
            raise RuntimeError(f"conversation.open failed: {ack}")
        return ack["conversation"]["id"], buyer, buyers[i], seller, sellers[i]

    found = await asyncio.gather(*(one(n) for n in range(total)))
    return [c for c in found if c is not None]


async def _drive(cfg: RunConfig, progress: Progress, convs: list[Conv]) -> Outcome:
    start = time.perf_counter() + 0.2
    ledger = Ledger(measure_from=start + cfg.warmup)
    neg = _Negotiations(ledger)
    listening: set[int] = set()
    for cid, buyer, buyer_id, seller, seller_id in convs:
        neg.parties[cid] = (buyer, buyer_id, seller, seller_id)
        for client, user in ((buyer, buyer_id), (seller, seller_id)):
            if id(client) not in listening:
                listening.add(id(client))
                client.on("offer.updated", neg.on_offer(user))
                client.on("transaction.update", neg.on_transaction(user))
    rid = run_id()

    def fire(i: int, scheduled: float) -> None:
        cid, buyer, _b, _s, seller_id = convs[i]
        neg.step(
            cid,
            "make",
            scheduled,
            buyer,
            seller_id,
            "offer.make",
            {"conversation_id": cid, "amount_cents": OFFER, "client_msg_id": f"{rid}-{i}"},
        )

    lag = await open_loop(
        cfg.rate, len(convs), start, fire, lambda: progress.tick(ledger, "offers")
    )
    end = time.perf_counter()
    await drain(ledger, cfg.drain_s, lambda: progress.tick(ledger, "drain"))
    accepted = ledger.outcomes.get("accept:accepted", 0)
    both = sum(1 for users in neg.transactions.values() if len(users) == 2)
    extra = {"negotiations": len(convs), "accepted": accepted, "transactions_seen_by_both": both}
    return Outcome(ledger, start + cfg.warmup, end, lag, extra)


def _offer_status(reply: Any) -> str | None:
    if isinstance(reply, dict) and reply.get("ok") and isinstance(reply.get("offer"), dict):
        status = reply["offer"].get("status")
        return status if isinstance(status, str) else None
    return None


def _code(reply: Any) -> str:
    if isinstance(reply, dict) and isinstance(reply.get("error"), dict):
        return str(reply["error"].get("code"))
    return "no-ack"
