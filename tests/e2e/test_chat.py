"""Chat over real Socket.IO clients against a running hub, on both backends."""

from __future__ import annotations

import asyncio
import time

import jwt
import pytest
import socketio

from tests.support.client import Client
from tests.support.harness import SECRET, HubHarness, uid


async def refused(hub: HubHarness, token: object, namespace: str = "/") -> dict:
    c = Client(hub.url, token if isinstance(token, str) else "", namespace=namespace)
    if not isinstance(token, str):
        c.token = token  # type: ignore[assignment]
    with pytest.raises(socketio.exceptions.ConnectionError):
        await c.connect()
    await c.close()
    assert c.connect_error is not None
    return c.connect_error.get("data", c.connect_error)


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda: None, id="missing"),
        pytest.param(lambda: "not-a-jwt", id="malformed"),
        pytest.param(
            lambda: jwt.encode(
                {"sub": "a", "role": "user", "exp": int(time.time()) + 60},
                "x" * 40,
                algorithm="HS256",
            ),
            id="forged",
        ),
        pytest.param(
            lambda: jwt.encode(
                {"sub": "a", "role": "user", "exp": int(time.time()) - 5}, SECRET, algorithm="HS256"
            ),
            id="expired",
        ),
        pytest.param(
            lambda: jwt.encode(
                {"sub": "a", "role": "user", "exp": int(time.time()) + 60}, None, algorithm="none"
            ),
            id="alg-none",
        ),
        pytest.param(
            lambda: jwt.encode(
                {"sub": "a", "exp": int(time.time()) + 60}, SECRET, algorithm="HS256"
            ),
            id="no-role",
        ),
    ],
)
async def test_bad_tokens_are_refused_unauthorized(hub: HubHarness, make_token) -> None:
    data = await refused(hub, make_token())
    assert data["code"] == "unauthorized"
    assert data["message"]


async def test_moderator_token_is_forbidden_on_the_user_namespace(hub: HubHarness) -> None:
    data = await refused(hub, hub.token(uid(), "moderator"))
    assert data["code"] == "forbidden"


async def test_user_token_is_forbidden_on_moderation(hub: HubHarness) -> None:
    data = await refused(hub, hub.token(uid(), "user"), namespace="/moderation")
    assert data["code"] == "forbidden"


async def test_conversation_and_message_round_trip(hub: HubHarness) -> None:
    buyer, seller, listing, conv = await hub.pair()
    assert conv["buyer_id"] != conv["seller_id"]
    assert conv["listing_id"] == listing["id"]
    assert conv["last_seq"] == 0
    assert conv["unread"] == 0
    # opening again gives the same conversation
    again = (await buyer.ok("conversation.open", {"listing_id": listing["id"]}))["conversation"]
    assert again["id"] == conv["id"]

    ack = await buyer.ok(
        "message.send",
        {"conversation_id": conv["id"], "client_msg_id": "m1", "text": "Is it still available?"},
    )
    msg = ack["message"]
    assert msg["seq"] == 1
    assert msg["status"] == "delivered"
    assert msg["kind"] == "text"
    assert msg["sender_id"] == conv["buyer_id"]
    assert msg["client_msg_id"] == "m1"
    for key in ("id", "conversation_id", "created_at", "offer_id"):
        assert key in msg
    pushed = await seller.next("message.new")
    assert pushed["message"]["id"] == msg["id"]
    assert pushed["message"]["text"] == "Is it still available?"

    listed = (await seller.ok("conversation.list"))["conversations"]
    mine = next(c for c in listed if c["id"] == conv["id"])
    assert mine["unread"] == 1
    assert mine["last_message"]["id"] == msg["id"]

    await seller.ok("message.read", {"conversation_id": conv["id"], "seq": 1})
    read = await buyer.next("message.read")
    assert read == {"conversation_id": conv["id"], "user_id": conv["seller_id"], "seq": 1}
    listed = (await seller.ok("conversation.list"))["conversations"]
    assert next(c for c in listed if c["id"] == conv["id"])["unread"] == 0

    await seller.ok("typing", {"conversation_id": conv["id"], "typing": True})
    typing = await buyer.next("typing")
    assert typing == {"conversation_id": conv["id"], "user_id": conv["seller_id"], "typing": True}
    await seller.quiet("typing")

    hist = (await buyer.ok("conversation.history", {"conversation_id": conv["id"]}))["messages"]
    assert [m["id"] for m in hist] == [msg["id"]]


async def test_history_pages_backwards_newest_last(hub: HubHarness) -> None:
    buyer, _seller, _listing, conv = await hub.pair()
    for i in range(7):
        await buyer.ok(
            "message.send",
            {"conversation_id": conv["id"], "client_msg_id": f"h{i}", "text": f"m{i}"},
        )
    page = (await buyer.ok("conversation.history", {"conversation_id": conv["id"], "limit": 3}))[
        "messages"
    ]
    assert [m["seq"] for m in page] == [5, 6, 7]
    older = (
        await buyer.ok(
            "conversation.history", {"conversation_id": conv["id"], "before_seq": 5, "limit": 3}
        )
    )["messages"]
    assert [m["seq"] for m in older] == [2, 3, 4]
    await buyer.error(
        "conversation.history", {"conversation_id": conv["id"], "limit": 101}, "invalid"
    )


async def test_refusals(hub: HubHarness) -> None:
    buyer, seller, listing, conv = await hub.pair()
    stranger = await hub.client(uid("stranger"))
    cid = conv["id"]
    await stranger.error(
        "message.send", {"conversation_id": cid, "client_msg_id": "x", "text": "hi"}, "forbidden"
    )
    await stranger.error("conversation.history", {"conversation_id": cid}, "forbidden")
    await stranger.error("message.read", {"conversation_id": cid, "seq": 0}, "forbidden")
    await stranger.error("typing", {"conversation_id": cid, "typing": True}, "forbidden")
    await stranger.error("sync", {"cursors": {cid: 0}}, "forbidden")
    await buyer.error(
        "message.send", {"conversation_id": "nope", "client_msg_id": "x", "text": "hi"}, "not_found"
    )
    await buyer.error("conversation.open", {"listing_id": "no-such-listing"}, "not_found")
    await seller.error("conversation.open", {"listing_id": listing["id"]}, "forbidden")
    await buyer.error("message.send", {"conversation_id": cid, "client_msg_id": "x"}, "invalid")
    await buyer.error(
        "message.send", {"conversation_id": cid, "client_msg_id": "x", "text": ""}, "invalid"
    )
    await buyer.error(
        "message.send",
        {"conversation_id": cid, "client_msg_id": "x", "text": "a" * 2001},
        "too_large",
    )
    await buyer.error(
        "message.send", {"conversation_id": cid, "client_msg_id": "x", "text": 5}, "invalid"
    )
    await buyer.error("message.send", ["not", "an", "object"], "invalid")
    await buyer.error(
        "message.send",
        {"conversation_id": cid, "client_msg_id": "x", "text": "hi", "extra": 1},
        "invalid",
    )
    await buyer.error("message.read", {"conversation_id": cid, "seq": 99}, "invalid")
    await buyer.error("no.such.event", {}, "invalid")
    await buyer.error(
        "listing.price_update", {"listing_id": listing["id"], "price_cents": 500}, "forbidden"
    )
    await seller.error(
        "listing.price_update", {"listing_id": listing["id"], "price_cents": -5}, "invalid"
    )
    await seller.error(
        "listing.price_update", {"listing_id": "missing", "price_cents": 5}, "not_found"
    )
    await buyer.error("listing.watch", {"listing_id": "missing"}, "not_found")
    # after all that, the sockets still work and nothing was stored
    hist = (await buyer.ok("conversation.history", {"conversation_id": cid}))["messages"]
    assert hist == []


async def test_sold_listing_refuses_new_conversations(hub: HubHarness) -> None:
    seller_id = uid("seller")
    listing = await hub.put_listing(seller_id, status="sold")
    buyer = await hub.client(uid("buyer"))
    await buyer.error("conversation.open", {"listing_id": listing["id"]}, "conflict")


async def test_send_is_idempotent_per_client_msg_id(hub: HubHarness) -> None:
    buyer, seller, _listing, conv = await hub.pair()
    payload = {"conversation_id": conv["id"], "client_msg_id": "same", "text": "hello"}
    first = (await buyer.ok("message.send", payload))["message"]
    await seller.next("message.new")
    # again on the same socket, then after a reconnect on a new one
    assert (await buyer.ok("message.send", payload))["message"]["id"] == first["id"]
    await buyer.close()
    buyer2 = await hub.client(conv["buyer_id"])
    assert (await buyer2.ok("message.send", payload))["message"]["id"] == first["id"]
    await seller.quiet("message.new", 0.5)
    hist = (await seller.ok("conversation.history", {"conversation_id": conv["id"]}))["messages"]
    assert len(hist) == 1


async def test_concurrent_sends_get_gap_free_seqs(hub: HubHarness) -> None:
    buyer, seller, _listing, conv = await hub.pair()
    buyer2 = await hub.client(conv["buyer_id"])
    seller2 = await hub.client(conv["seller_id"])
    clients = [buyer, buyer2, seller, seller2]

    async def burst(c: Client, k: int) -> list[int]:
        seqs = []
        for i in range(10):
            m = (
                await c.ok(
                    "message.send",
                    {
                        "conversation_id": conv["id"],
                        "client_msg_id": f"c{k}-{i}",
                        "text": f"{k}/{i}",
                    },
                )
            )["message"]
            seqs.append(m["seq"])
        return seqs

    results = await asyncio.gather(*(burst(c, k) for k, c in enumerate(clients)))
    for seqs in results:  # each sender's messages keep their order
        assert seqs == sorted(seqs)
    all_seqs = sorted(s for r in results for s in r)
    assert all_seqs == list(range(1, 41))
    hist = (await buyer.ok("conversation.history", {"conversation_id": conv["id"], "limit": 100}))[
        "messages"
    ]
    assert [m["seq"] for m in hist] == list(range(1, 41))


async def test_other_devices_see_own_sends_and_late_devices_get_pushes(hub: HubHarness) -> None:
    buyer, seller, _listing, conv = await hub.pair()
    phone = await hub.client(conv["buyer_id"])  # connected after the conversation was opened
    tablet = await hub.client(conv["seller_id"])
    sent = (
        await buyer.ok(
            "message.send", {"conversation_id": conv["id"], "client_msg_id": "d1", "text": "hey"}
        )
    )["message"]
    assert (await phone.next("message.new"))["message"]["id"] == sent["id"]
    assert (await tablet.next("message.new"))["message"]["id"] == sent["id"]
    assert (await seller.next("message.new"))["message"]["id"] == sent["id"]
    await buyer.quiet("message.new")  # the sending socket gets the ack, not a push


async def test_sync_after_disconnect_gets_each_missed_message_once_in_order(
    hub: HubHarness,
) -> None:
    buyer, seller, _listing, conv = await hub.pair()
    first = (
        await buyer.ok(
            "message.send", {"conversation_id": conv["id"], "client_msg_id": "s0", "text": "before"}
        )
    )["message"]
    await seller.next("message.new")
    await seller.close()
    for i in range(5):
        await buyer.ok(
            "message.send",
            {"conversation_id": conv["id"], "client_msg_id": f"s{i + 1}", "text": f"missed {i}"},
        )
    back = await hub.client(conv["seller_id"])
    synced = await back.ok("sync", {"cursors": {conv["id"]: first["seq"]}})
    assert [m["seq"] for m in synced["messages"]] == [2, 3, 4, 5, 6]
    assert [m["text"] for m in synced["messages"]] == [f"missed {i}" for i in range(5)]
    assert synced["has_more"] is False
    again = await back.ok("sync", {"cursors": {conv["id"]: 6}})
    assert again["messages"] == []


async def test_price_updates_reach_watchers_and_conversations(hub: HubHarness) -> None:
    buyer, seller, listing, _conv = await hub.pair()
    watcher = await hub.client(uid("watcher"))
    got = await watcher.ok("listing.watch", {"listing_id": listing["id"]})
    assert got["listing"]["price_cents"] == 10_000
    ack = await seller.ok(
        "listing.price_update", {"listing_id": listing["id"], "price_cents": 8_000}
    )
    assert ack["listing"]["price_cents"] == 8_000
    expect = {
        "listing_id": listing["id"],
        "old_price_cents": 10_000,
        "price_cents": 8_000,
        "currency": "USD",
    }
    assert await watcher.next("listing.price_update") == expect
    assert await buyer.next("listing.price_update") == expect
    await watcher.ok("listing.unwatch", {"listing_id": listing["id"]})
    await seller.ok("listing.price_update", {"listing_id": listing["id"], "price_cents": 7_000})
    assert (await buyer.next("listing.price_update"))["price_cents"] == 7_000
    await watcher.quiet("listing.price_update")


async def test_a_long_message_counts_as_several_events_against_the_rate_limit(
    hub_factory, settings_factory
) -> None:
    """Moderation scores a long message in windows, so it costs the node several short ones:
    2,000 characters count as 8 events (hub/events/chat.py)."""
    hub = await hub_factory(settings_factory(rate_limit_events=12, rate_limit_window_s=30))
    try:
        buyer, _seller, _listing, conv = await hub.pair()

        async def send(i: int, text: str) -> dict:
            body = {"conversation_id": conv["id"], "client_msg_id": f"long{i}", "text": text}
            return await buyer.call("message.send", body)

        assert (await send(0, "x" * 2000))["ok"]  # 9 of 12 (opening the conversation was 1)
        limited = await send(1, "y" * 2000)  # 17 of 12
        assert not limited["ok"]
        assert limited["error"]["code"] == "rate_limited"
        assert limited["error"]["retry_after_ms"] > 0
    finally:
        await hub.close()


async def test_rate_limit_answers_rate_limited_with_retry_after(
    hub_factory, settings_factory
) -> None:
    hub = await hub_factory(settings_factory(rate_limit_events=5, rate_limit_window_s=30))
    try:
        buyer, _seller, _listing, conv = await hub.pair()
        codes = []
        for i in range(8):
            ack = await buyer.call(
                "message.send",
                {"conversation_id": conv["id"], "client_msg_id": f"r{i}", "text": "x"},
            )
            codes.append("ok" if ack["ok"] else ack["error"]["code"])
            if not ack["ok"]:
                assert ack["error"]["retry_after_ms"] > 0
        assert "rate_limited" in codes
    finally:
        await hub.close()
