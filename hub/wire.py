"""Entities as the contract's JSON (DESIGN.md section 4)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from commerce.offers import Offer
from commerce.transactions import Transaction
from storage.repositories.conversations import Conversation
from storage.repositories.listings import Listing
from storage.repositories.messages import Message


def iso(t: datetime | None) -> str | None:
    if t is None:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def listing(x: Listing) -> dict[str, Any]:
    return {
        "id": x.id,
        "seller_id": x.seller_id,
        "title": x.title,
        "price_cents": x.price_cents,
        "currency": x.currency,
        "status": x.status,
        "local_pickup": x.local_pickup,
    }


def conversation(
    c: Conversation, unread: int, last: Message | None = None, *, viewer: str = ""
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.id,
        "listing_id": c.listing_id,
        "buyer_id": c.buyer_id,
        "seller_id": c.seller_id,
        "last_seq": c.last_seq,
        "unread": unread,
        "created_at": iso(c.created_at),
    }
    if viewer:
        out["last_message"] = None if last is None else message(last, viewer)
    return out


def message(m: Message, viewer: str | None) -> dict[str, Any]:
    """A message as ``viewer`` sees it: the sender also sees the moderation action and reasons."""
    out: dict[str, Any] = {
        "id": m.id,
        "conversation_id": m.conversation_id,
        "seq": m.seq,
        "sender_id": m.sender_id,
        "kind": m.kind,
        "text": m.text,
        "status": m.status,
        "client_msg_id": m.client_msg_id,
        "created_at": iso(m.created_at),
        "offer_id": m.offer_id,
    }
    if viewer is not None and viewer == m.sender_id and m.moderation:
        out["moderation"] = {
            "action": m.moderation.get("action"),
            "reasons": list(m.moderation.get("reasons", [])),
        }
    return out


def offer(o: Offer) -> dict[str, Any]:
    return {
        "id": o.id,
        "conversation_id": o.conversation_id,
        "listing_id": o.listing_id,
        "buyer_id": o.buyer_id,
        "seller_id": o.seller_id,
        "made_by": o.made_by,
        "amount_cents": o.amount_cents,
        "currency": o.currency,
        "status": o.status,
        "parent_id": o.parent_id,
        "expires_at": iso(o.expires_at),
        "created_at": iso(o.created_at),
    }


def transaction(t: Transaction) -> dict[str, Any]:
    return t.to_json()
