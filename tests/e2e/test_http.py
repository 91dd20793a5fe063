"""HTTP routes: health, readiness, metrics, the listing read model."""

from __future__ import annotations

import aiohttp

from tests.support.harness import HubHarness, uid


async def test_health_ready_metrics(hub: HubHarness) -> None:
    buyer, _seller, _listing, conv = await hub.pair()
    await buyer.ok(
        "message.send", {"conversation_id": conv["id"], "client_msg_id": "m", "text": "hi"}
    )
    async with aiohttp.ClientSession() as s:
        async with s.get(f"{hub.url}/healthz") as r:
            assert r.status == 200
        async with s.get(f"{hub.url}/readyz") as r:
            body = await r.json()
            assert r.status == 200, body
            assert body["checks"]["database"] == "ok"
            if hub.settings.redis_url:
                assert body["checks"]["redis"] == "ok"
        async with s.get(f"{hub.url}/metrics") as r:
            text = await r.text()
            assert 'hub_events_total{event="message.send",outcome="ok"} 1.0' in text
            assert "hub_event_seconds_bucket" in text
            assert 'hub_connections{namespace="/"} 2.0' in text


async def test_listing_put_creates_then_updates(hub: HubHarness) -> None:
    lid, seller = uid("lst"), uid("seller")
    headers = {"Authorization": f"Bearer {hub.token('svc', 'service')}"}
    body = {
        "seller_id": seller,
        "title": "Lamp",
        "price_cents": 1500,
        "currency": "EUR",
        "status": "active",
        "local_pickup": False,
    }
    async with aiohttp.ClientSession() as s:
        async with s.put(f"{hub.url}/api/listings/{lid}", json=body, headers=headers) as r:
            assert r.status == 201
            assert (await r.json())["listing"] == {"id": lid, **body}
        async with s.put(
            f"{hub.url}/api/listings/{lid}", json={**body, "price_cents": 1200}, headers=headers
        ) as r:
            assert r.status == 200
            assert (await r.json())["listing"]["price_cents"] == 1200
        user_headers = {"Authorization": f"Bearer {hub.token('someone')}"}
        async with s.put(f"{hub.url}/api/listings/{lid}", json=body, headers=user_headers) as r:
            assert r.status == 403
            assert (await r.json())["error"]["code"] == "forbidden"
        async with s.put(f"{hub.url}/api/listings/{lid}", json=body) as r:
            assert r.status == 401
            assert (await r.json())["error"]["code"] == "unauthorized"
        async with s.put(
            f"{hub.url}/api/listings/{lid}", json={**body, "currency": "euro"}, headers=headers
        ) as r:
            assert r.status == 400
            assert (await r.json())["error"]["code"] == "invalid"
        async with s.put(f"{hub.url}/api/listings/{lid}", data="{not json", headers=headers) as r:
            assert r.status == 400
        async with s.get(f"{hub.url}/no/such/route") as r:
            assert r.status == 404
            assert (await r.json())["error"]["code"] == "not_found"
