"""Helpers for BuyShield tests: a transaction to protect, photos, the verify call, cleanup."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import aiohttp
import sqlalchemy as sa

from storage.engine import Database
from storage.tables import escrow_transitions, escrows, payment_events
from tests.support.client import Client
from tests.support.harness import HubHarness

# The smallest valid PNG and JPEG headers, padded: the route checks magic bytes, not pixels.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 256
GIF = b"GIF89a" + b"\x00" * 256


async def transaction(hub: HubHarness, *, local_pickup: bool = True) -> dict[str, Any]:
    """A buyer and a seller (connected) with an accepted offer on a listing."""
    buyer_id, seller_id = f"buyer-{uuid.uuid4().hex[:10]}", f"seller-{uuid.uuid4().hex[:10]}"
    seller = await hub.client(seller_id)
    buyer = await hub.client(buyer_id)
    listing = await hub.put_listing(seller_id, local_pickup=local_pickup)
    conv = (await buyer.ok("conversation.open", {"listing_id": listing["id"]}))["conversation"]
    offer = (
        await buyer.ok(
            "offer.make",
            {
                "conversation_id": conv["id"],
                "amount_cents": 9000,
                "client_msg_id": uuid.uuid4().hex,
            },
        )
    )["offer"]
    txn = (await seller.ok("offer.accept", {"offer_id": offer["id"]}))["transaction"]
    return {
        "buyer": buyer,
        "seller": seller,
        "buyer_id": buyer_id,
        "seller_id": seller_id,
        "txn": txn,
        "listing": listing,
    }


async def status(c: Client, transaction_id: str, wanted: str, within: float = 15) -> dict[str, Any]:
    """The next ``buyshield.status`` push of this transaction with status ``wanted``."""
    pushed = await c.next_where(
        "buyshield.status",
        lambda e: (
            e["buyshield"]["transaction_id"] == transaction_id
            and e["buyshield"]["status"] == wanted
        ),
        within,
    )
    view: dict[str, Any] = pushed["buyshield"]
    return view


async def verify(
    hub: HubHarness,
    user_id: str,
    transaction_id: str,
    code: str,
    photo: bytes = PNG,
    *,
    content_type: str = "image/png",
) -> tuple[int, dict[str, Any]]:
    form = aiohttp.FormData()
    form.add_field("photo", photo, filename="meetup.png", content_type=content_type)
    form.add_field("code", code)
    headers = {"Authorization": f"Bearer {hub.token(user_id)}"}
    async with (
        aiohttp.ClientSession() as s,
        s.post(f"{hub.url}/api/buyshield/{transaction_id}/verify", data=form, headers=headers) as r,
    ):
        return r.status, await r.json()


def signed(event: dict[str, Any], secret: str, *, at: int | None = None) -> tuple[bytes, str]:
    """A webhook body and its ``Stripe-Signature`` header, the way Stripe signs them."""
    payload = json.dumps(event).encode()
    t = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return payload, f"t={t},v1={mac}"


def event(event_type: str, obj: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_test_{uuid.uuid4().hex}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": obj},
    }


async def post_webhook(hub: HubHarness, payload: bytes, signature: str | None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    async with (
        aiohttp.ClientSession() as s,
        s.post(f"{hub.url}/api/stripe/webhook", data=payload, headers=headers) as r,
    ):
        return r.status, await r.json()


async def audit(db: Database, transaction_id: str) -> list[dict[str, Any]]:
    async with db.read() as conn:
        rows = await conn.execute(
            sa.select(escrow_transitions)
            .where(escrow_transitions.c.transaction_id == transaction_id)
            .order_by(escrow_transitions.c.id)
        )
        return [dict(r._mapping) for r in rows]


async def delete_buyshield_rows(db: Database, transaction_ids: list[str]) -> None:
    if not transaction_ids:
        return
    async with db.transaction() as conn:
        pis = [
            r[0]
            for r in await conn.execute(
                sa.select(escrows.c.payment_intent_id).where(
                    escrows.c.transaction_id.in_(transaction_ids)
                )
            )
            if r[0]
        ]
        await conn.execute(
            sa.delete(escrow_transitions).where(
                escrow_transitions.c.transaction_id.in_(transaction_ids)
            )
        )
        await conn.execute(sa.delete(escrows).where(escrows.c.transaction_id.in_(transaction_ids)))
        if pis:
            await conn.execute(
                sa.delete(payment_events).where(payment_events.c.payment_intent_id.in_(pis))
            )
