"""A socket's burst of sends, sent without waiting for acks: stored in the order sent, each
delivered once, and an ordinary event after the burst sees every message of it."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.client import Client
from tests.support.harness import HubHarness


async def _emit(c: Client, event: str, data: dict[str, Any]) -> asyncio.Future[Any]:
    """Send now (in call order); the future gets the ack."""
    ack: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    await c.sio.emit(event, data, namespace=c.namespace, callback=ack.set_result)
    return ack


async def test_burst_is_stored_in_send_order_and_delivered_once(hub: HubHarness) -> None:
    buyer, seller, _listing, conv = await hub.pair()
    cid = conv["id"]
    ids = [f"p{i}" for i in range(25)] + ["p3"]  # the last is a retry of an earlier send
    acks = [
        await _emit(buyer, "message.send", {"conversation_id": cid, "client_msg_id": m, "text": m})
        for m in ids
    ]
    history = await _emit(buyer, "conversation.history", {"conversation_id": cid, "limit": 100})
    replies = [await asyncio.wait_for(a, 10) for a in acks]
    assert all(r["ok"] for r in replies), replies
    seqs = [r["message"]["seq"] for r in replies[:-1]]
    assert seqs == list(range(1, 26))  # the order sent, without gaps
    assert replies[-1]["message"]["id"] == replies[3]["message"]["id"]  # the retry: same message
    pushed = [(await seller.next("message.new"))["message"] for _ in range(25)]
    assert [m["seq"] for m in pushed] == seqs  # delivered in seq order
    await seller.quiet("message.new")  # and the retry not again
    hist = await asyncio.wait_for(history, 10)
    assert [m["client_msg_id"] for m in hist["messages"]] == ids[:-1]


async def test_refused_send_in_a_burst_does_not_stall_the_socket(hub: HubHarness) -> None:
    buyer, _seller, _listing, conv = await hub.pair()
    cid = conv["id"]
    first = await _emit(buyer, "message.send", {"conversation_id": cid, "client_msg_id": "a"})
    bad = await _emit(buyer, "message.send", {"conversation_id": "nope", "client_msg_id": "b"})
    last = await _emit(
        buyer, "message.send", {"conversation_id": cid, "client_msg_id": "c", "text": "c"}
    )
    assert (await asyncio.wait_for(first, 10))["error"]["code"] == "invalid"  # no text
    assert (await asyncio.wait_for(bad, 10))["error"]["code"] in {"invalid", "not_found"}
    assert (await asyncio.wait_for(last, 10))["message"]["seq"] == 1
