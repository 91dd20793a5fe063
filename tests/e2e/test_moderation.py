"""Moderation in the chat path and the moderators' namespace, over real Socket.IO clients.

The hub runs the real pipeline. These tests point it at an empty artifacts folder, so that it
runs on its rules alone (degraded) and each text below earns the same action whatever model is
shipped; tests/e2e/test_moderation_model.py covers the shipped model.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
import socketio
import sqlalchemy as sa

from hub.__main__ import build_parser
from hub.settings import Settings
from hub.training_export import export_decisions
from models.data import decisions
from storage.repositories import moderation as queue_repo
from storage.tables import conversations, moderation_decisions, moderation_queue
from tests.support.client import Client
from tests.support.harness import HubHarness, uid

ALLOW = "Is it still available? I could pick it up on Saturday."
WARN = "Call me at 5551234567 and we sort it out"
HOLD = "Please send me the verification code you got by sms"
BLOCK = "I know where you live, watch your back"
TIP = "Keep payments in the app: BuyShield only protects payments made here"


def moderated(settings_factory: Callable[..., Settings], tmp_path: Any, **kw: Any) -> Settings:
    return settings_factory(moderation_enabled=True, model_dir=tmp_path / "no-model", **kw)


async def cleanup(h: HubHarness) -> None:
    """Drop this test's queue items and decisions (MariaDB is shared between tests)."""
    if h.hub.db.dialect != "mysql" or not h._listings:
        return
    async with h.hub.db.transaction() as conn:
        stmt = sa.select(conversations.c.id).where(conversations.c.listing_id.in_(h._listings))
        conv_ids = [r[0] for r in await conn.execute(stmt)]
        held = sa.select(moderation_queue.c.message_id).where(
            moderation_queue.c.conversation_id.in_(conv_ids)
        )
        ids = [r[0] for r in await conn.execute(held)]
        await conn.execute(
            sa.delete(moderation_decisions).where(moderation_decisions.c.message_id.in_(ids))
        )
        await conn.execute(
            sa.delete(moderation_queue).where(moderation_queue.c.message_id.in_(ids))
        )


@pytest.fixture
async def mhub(
    hub_factory: Any, settings_factory: Callable[..., Settings], tmp_path: Any
) -> AsyncIterator[HubHarness]:
    h: HubHarness = await hub_factory(moderated(settings_factory, tmp_path))
    yield h
    await cleanup(h)
    await h.close()


async def moderator(h: HubHarness, role: str = "moderator") -> Client:
    return await h.client(uid("mod"), role=role, namespace="/moderation")


async def send(c: Client, conv: dict[str, Any], text: str, cmid: str | None = None) -> dict:
    body = {"conversation_id": conv["id"], "client_msg_id": cmid or uid("m"), "text": text}
    return (await c.ok("message.send", body))["message"]


async def history(c: Client, conv: dict[str, Any]) -> list[dict[str, Any]]:
    return (await c.ok("conversation.history", {"conversation_id": conv["id"]}))["messages"]


async def test_allow_delivers_and_shows_the_sender_its_verdict(mhub: HubHarness) -> None:
    buyer, seller, _, conv = await mhub.pair()
    msg = await send(buyer, conv, ALLOW)
    assert msg["status"] == "delivered"
    assert msg["moderation"] == {"action": "allow", "reasons": []}
    pushed = (await seller.next("message.new"))["message"]
    assert pushed["id"] == msg["id"]
    assert "moderation" not in pushed
    await buyer.quiet("intervention", 0.2)


async def test_warn_delivers_with_an_intervention_kept_in_history_and_sync(
    mhub: HubHarness,
) -> None:
    buyer, seller, _, conv = await mhub.pair()
    msg = await send(buyer, conv, WARN)
    assert msg["status"] == "delivered"
    assert msg["moderation"]["action"] == "warn"
    assert "off_platform:phone" in msg["moderation"]["reasons"]
    assert (await seller.next("message.new"))["message"]["id"] == msg["id"]
    for who in (buyer, seller):
        tip = await who.next("intervention")
        assert tip["conversation_id"] == conv["id"]
        assert tip["kind"] == "off_platform"
        assert tip["text"] == TIP
        assert tip["about_message_id"] == msg["id"]
    seen = await history(seller, conv)
    assert [m["kind"] for m in seen] == ["text", "intervention"]
    assert seen[1]["id"] == tip["message_id"]
    assert seen[1]["sender_id"] == "system"
    synced = (await buyer.ok("sync", {"cursors": {conv["id"]: 0}}))["messages"]
    assert [(m["seq"], m["kind"], m["status"]) for m in synced] == [
        (1, "text", "delivered"),
        (2, "intervention", "delivered"),
    ]


async def test_hold_keeps_it_from_the_recipient_and_queues_it(mhub: HubHarness) -> None:
    mod = await moderator(mhub)
    buyer, seller, _, conv = await mhub.pair()
    msg = await send(seller, conv, HOLD)
    assert msg["status"] == "held"
    assert msg["moderation"]["action"] == "hold"
    assert msg["moderation"]["reasons"] == ["scam:verification_code"]
    notice = await seller.next("intervention")
    assert notice["kind"] == "held"
    item = (await mod.next_where("queue.item", lambda e: e["item"]["message_id"] == msg["id"]))[
        "item"
    ]
    assert item["text"] == HOLD
    assert item["status"] == "pending"
    assert item["flagged"] == ["scam"]
    assert item["labels"]["scam"] >= 0.5
    assert item["recipient_id"] == conv["buyer_id"]
    flag = await mod.next_where("flag", lambda e: e["message"]["id"] == msg["id"])
    assert flag["message"]["moderation"]["labels"]["scam"] >= 0.5
    items = (await mod.ok("queue.list", {}))["items"]
    assert msg["id"] in [i["message_id"] for i in items]
    await buyer.quiet("message.new", 0.3)
    await buyer.quiet("intervention", 0.1)
    assert [m["id"] for m in await history(buyer, conv)] == []
    assert next((m["id"], m["status"]) for m in await history(seller, conv)) == (msg["id"], "held")
    assert (await buyer.ok("sync", {"cursors": {conv["id"]: 0}}))["messages"] == []
    synced = (await seller.ok("sync", {"cursors": {conv["id"]: 0}}))["messages"]
    assert [(m["kind"], m["status"]) for m in synced] == [
        ("text", "held"),
        ("intervention", "delivered"),
    ]
    # a retry of the same send is the same message, queued once
    again = await send(seller, conv, HOLD, cmid=msg["client_msg_id"])
    assert again["id"] == msg["id"]
    assert again["status"] == "held"
    async with mhub.hub.db.read() as conn:
        assert (await queue_repo.get(conn, msg["id"])).status == "pending"


async def test_block_delivers_nothing_and_is_not_queued(mhub: HubHarness) -> None:
    mod = await moderator(mhub)
    buyer, seller, _, conv = await mhub.pair()
    msg = await send(buyer, conv, BLOCK)
    assert msg["status"] == "blocked"
    assert msg["moderation"]["action"] == "block"
    assert "severe:threat" in msg["moderation"]["reasons"]
    await mod.next_where("flag", lambda e: e["message"]["id"] == msg["id"])
    await seller.quiet("message.new", 0.3)
    assert await history(seller, conv) == []
    mine = await history(buyer, conv)
    assert (mine[0]["id"], mine[0]["status"]) == (msg["id"], "blocked")
    await mod.error("decision", {"message_id": msg["id"], "action": "approve"}, "not_found")


async def test_approve_reaches_both_parties_and_is_audited(mhub: HubHarness) -> None:
    mod = await moderator(mhub)
    buyer, seller, _, conv = await mhub.pair()
    msg = await send(seller, conv, HOLD)
    ack = await mod.ok("decision", {"message_id": msg["id"], "action": "approve", "note": "ok"})
    assert ack["message"]["status"] == "delivered"
    assert ack["decision"]["action"] == "approve"
    got = (await buyer.next("message.new"))["message"]
    assert (got["id"], got["status"], got["text"]) == (msg["id"], "delivered", HOLD)
    updated = (await seller.next("message.updated"))["message"]
    assert (updated["id"], updated["status"]) == (msg["id"], "delivered")
    assert [m["id"] for m in await history(buyer, conv)] == [msg["id"]]
    synced = (await buyer.ok("sync", {"cursors": {conv["id"]: 0}}))["messages"]
    assert [(m["id"], m["status"]) for m in synced] == [(msg["id"], "delivered")]
    await mod.error("decision", {"message_id": msg["id"], "action": "remove"}, "conflict")
    async with mhub.hub.db.read() as conn:
        audit = await queue_repo.decisions_for(conn, msg["id"])
        item = await queue_repo.get(conn, msg["id"])
    assert [(d.moderator_id, d.action, d.note) for d in audit] == [(mod_id(mod), "approve", "ok")]
    assert item.status == "approved"
    assert item.decided_by == mod_id(mod)
    assert msg["id"] not in [i["message_id"] for i in (await mod.ok("queue.list", {}))["items"]]


def mod_id(c: Client) -> str:
    import jwt

    return str(jwt.decode(c.token, options={"verify_signature": False})["sub"])


async def test_remove_marks_it_removed_for_the_sender_only(mhub: HubHarness) -> None:
    mod = await moderator(mhub, role="admin")
    buyer, seller, _, conv = await mhub.pair()
    msg = await send(buyer, conv, HOLD)
    await mod.ok("decision", {"message_id": msg["id"], "action": "remove"})
    updated = (await buyer.next("message.updated"))["message"]
    assert (updated["id"], updated["status"]) == (msg["id"], "removed")
    await seller.quiet("message.new", 0.3)
    assert await history(seller, conv) == []
    assert [m["status"] for m in await history(buyer, conv) if m["kind"] == "text"] == ["removed"]


async def test_decisions_export_as_labelled_messages_for_the_next_model(
    mhub: HubHarness, tmp_path: Any
) -> None:
    """`hub moderation-export`: an approved held message is a fine (hard) one, a removed one is
    risky for the labels flagged; pending ones, and those decided before --since, are left
    out; `python -m models data --decisions` reads the file back as corpus rows."""
    mod = await moderator(mhub)
    buyer, seller, _, conv = await mhub.pair()
    kept = await send(seller, conv, HOLD + " for the pickup")
    dropped = await send(buyer, conv, HOLD)
    waiting = await send(buyer, conv, HOLD + " please")
    await mod.ok("decision", {"message_id": kept["id"], "action": "approve"})
    await mod.ok("decision", {"message_id": dropped["id"], "action": "remove"})
    out = tmp_path / "decisions.jsonl"

    def export(*extra: str) -> list[dict[str, Any]]:
        args = build_parser().parse_args(["moderation-export", "--out", str(out), *extra])
        assert args.func(mhub.settings, args) == 0
        mine = {kept["id"], dropped["id"], waiting["id"]}  # MariaDB is shared between tests
        lines = out.read_text(encoding="utf-8").splitlines()
        return [row for row in map(json.loads, lines) if row["message_id"] in mine]

    rows = await asyncio.to_thread(export)
    assert [(r["message_id"], r["decision"], r["labels"], r["hard"]) for r in rows] == [
        (kept["id"], "approved", [], True),
        (dropped["id"], "removed", ["scam"], False),
    ]
    assert rows[0]["text"] == HOLD + " for the pickup"
    assert rows[1]["flagged"] == ["scam"]
    assert all(r["decided_at"].endswith("Z") for r in rows)
    assert not ({"sender_id", "recipient_id", "decided_by"} & set(rows[0]))  # no user ids
    loaded, counts = await asyncio.to_thread(decisions.load, [out])
    assert counts["disputed"] == 0
    by_text = {r.text: r for r in loaded}
    assert by_text[HOLD + " for the pickup"].hard
    assert by_text[HOLD].labels == ("scam",)
    # Paged by when each was decided: a page of one walks through the same rows.
    buffer = io.StringIO()
    counts_by_page = await export_decisions(mhub.hub.db, buffer, page=1)
    paged = [json.loads(x) for x in buffer.getvalue().splitlines()]
    assert [r for r in paged if r["message_id"] in {kept["id"], dropped["id"]}] == rows
    assert counts_by_page.approved + counts_by_page.removed == len(paged)
    assert await asyncio.to_thread(export, "--since", "2999-01-01") == []
    args = build_parser().parse_args(["moderation-export", "--out", "-", "--since", "yesterday"])
    assert args.func(mhub.settings, args) == 2  # a clear error, not a traceback


async def test_two_moderators_deciding_at_once_one_wins(mhub: HubHarness) -> None:
    first, second = await moderator(mhub), await moderator(mhub)
    _, seller, _, conv = await mhub.pair()
    msg = await send(seller, conv, HOLD)
    acks = await asyncio.gather(
        first.call("decision", {"message_id": msg["id"], "action": "approve"}),
        second.call("decision", {"message_id": msg["id"], "action": "remove"}),
    )
    assert sorted(a["ok"] for a in acks) == [False, True], acks
    loser = next(a for a in acks if not a["ok"])
    assert loser["error"]["code"] == "conflict"
    async with mhub.hub.db.read() as conn:
        assert len(await queue_repo.decisions_for(conn, msg["id"])) == 1


async def test_moderation_namespace_refuses_users_and_services(mhub: HubHarness) -> None:
    for role in ("user", "service"):
        c = Client(mhub.url, mhub.token(uid(), role), namespace="/moderation")
        with pytest.raises(socketio.exceptions.ConnectionError):
            await c.connect()
        await c.close()
        error = c.connect_error.get("data", c.connect_error)
        assert error["code"] == "forbidden"
    user = await mhub.client(uid())
    await user.error("queue.list", {}, "invalid")  # not an event of "/"


async def test_moderator_events_validate_payloads(mhub: HubHarness) -> None:
    mod = await moderator(mhub)
    await mod.error("decision", {"message_id": "x", "action": "ban"}, "invalid")
    await mod.error("decision", {"message_id": uid(), "action": "approve"}, "not_found")
    await mod.error("queue.context", {"message_id": uid()}, "not_found")
    await mod.error("queue.list", {"limit": 0}, "invalid")


async def test_context_shows_the_conversation_around_a_held_message(mhub: HubHarness) -> None:
    mod = await moderator(mhub)
    buyer, seller, _, conv = await mhub.pair()
    first = await send(buyer, conv, ALLOW)
    held = await send(seller, conv, HOLD)
    ctx = await mod.ok("queue.context", {"message_id": held["id"]})
    ids = [m["id"] for m in ctx["messages"]]
    assert ids[:2] == [first["id"], held["id"]]
    assert ctx["item"]["message_id"] == held["id"]
    assert ctx["messages"][1]["moderation"]["labels"]["scam"] >= 0.5


async def test_stats_stream_counts_this_nodes_traffic(mhub: HubHarness) -> None:
    mod = await moderator(mhub)
    buyer, _, _, conv = await mhub.pair()
    await send(buyer, conv, ALLOW)
    await send(buyer, conv, WARN)
    # other hubs sharing Redis stream their own stats too: take this node's
    node = mhub.settings.node_id
    stats = await mod.next_where(
        "stats", lambda s: s["node_id"] == node and s["messages"] >= 2, timeout=8
    )
    assert stats["enabled"] is True
    assert stats["flagged"]["off_platform"] >= 1
    assert stats["messages_per_s"] > 0
    assert set(stats["latency_ms"]) == {"p50", "p95", "p99"}
    assert stats["queue_depth"] >= 0
    assert stats["model_version"] == ""  # this hub has no model folder: rules only


async def test_score_route_returns_the_verdict_without_adding_context(mhub: HubHarness) -> None:
    buyer, _, _, conv = await mhub.pair()
    url = f"{mhub.url}/api/moderation/score"

    async def post(token: str | None, body: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with aiohttp.ClientSession() as s, s.post(url, json=body, headers=headers) as r:
            return r.status, await r.json()

    status, verdict = await post(
        mhub.token(uid(), "service"), {"text": WARN, "conversation_id": conv["id"]}
    )
    assert status == 200
    assert verdict["action"] == "warn"
    assert verdict["flagged"] == ["off_platform"]
    assert set(verdict["labels"]) >= {"scam", "off_platform", "harassment", "spam"}
    assert verdict["reasons"] == ["off_platform:phone"]
    assert verdict["degraded"] is True
    # scoring did not add the phone number to the conversation's context
    later = await send(buyer, conv, "ok, I will pay with zelle then")
    assert "off_platform:context_contact_payment" not in later["moderation"]["reasons"]
    assert (await post(mhub.token(uid(), "user"), {"text": "x"}))[0] == 403
    assert (await post(None, {"text": "x"}))[0] == 401
    status, body = await post(mhub.token(uid(), "moderator"), {"text": ""})
    assert status == 400
    assert body["error"]["code"] == "invalid"


async def test_context_builds_across_messages(mhub: HubHarness) -> None:
    buyer, _, _, conv = await mhub.pair()
    await send(buyer, conv, "my number is 5551234567")
    later = await send(buyer, conv, "ok, I will pay with zelle then")
    assert "off_platform:context_contact_payment" in later["moderation"]["reasons"]
    # a moderator scoring a text in this conversation sees the same context
    headers = {"Authorization": f"Bearer {mhub.token(uid(), 'moderator')}"}
    body = {"text": "venmo works too", "conversation_id": conv["id"]}
    async with (
        aiohttp.ClientSession() as s,
        s.post(f"{mhub.url}/api/moderation/score", json=body, headers=headers) as r,
    ):
        verdict = await r.json()
    assert "off_platform:context_contact_payment" in verdict["reasons"]


async def test_a_full_pipeline_queue_answers_unavailable(
    hub_factory: Any, settings_factory: Callable[..., Settings], tmp_path: Any
) -> None:
    h: HubHarness = await hub_factory(moderated(settings_factory, tmp_path, moderation_max_queue=0))
    try:
        buyer, _, _, conv = await h.pair()
        body = {"conversation_id": conv["id"], "client_msg_id": uid(), "text": ALLOW}
        await buyer.error("message.send", body, "unavailable")
        assert await history(buyer, conv) == []
    finally:
        await h.close()


async def test_readyz_reports_a_degraded_model(mhub: HubHarness) -> None:
    async with aiohttp.ClientSession() as s, s.get(f"{mhub.url}/readyz") as r:
        body = await r.json()
    assert r.status == 503
    assert body["checks"]["model"].startswith("failing")
    assert body["checks"]["database"] == "ok"


@pytest.mark.parametrize("backend", ["production"])  # several nodes need Redis
async def test_held_message_and_approval_cross_hub_nodes(
    backend: str, hub_factory: Any, settings_factory: Callable[..., Settings], tmp_path: Any
) -> None:
    node_a: HubHarness = await hub_factory(moderated(settings_factory, tmp_path, node_id=uid("a")))
    node_b: HubHarness = await hub_factory(moderated(settings_factory, tmp_path, node_id=uid("b")))
    try:
        mod = await moderator(node_a)
        buyer, seller, _, conv = await node_b.pair()
        await send(buyer, conv, "my number is 5551234567")
        buyer_a = await node_a.client(conv["buyer_id"])
        later = await send(buyer_a, conv, "ok, I will pay with zelle then")
        assert "off_platform:context_contact_payment" in later["moderation"]["reasons"]
        msg = await send(seller, conv, HOLD)
        await mod.next_where("queue.item", lambda e: e["item"]["message_id"] == msg["id"])
        await mod.next_where("stats", lambda s: s["node_id"] == node_b.settings.node_id, timeout=8)
        await mod.ok("decision", {"message_id": msg["id"], "action": "approve"})
        got = await buyer.next_where("message.new", lambda e: e["message"]["id"] == msg["id"])
        assert got["message"]["status"] == "delivered"
    finally:
        await cleanup(node_b)
        await node_a.close()
        await node_b.close()
