"""Handlers for offer events on "/"."""

from __future__ import annotations

from typing import Any

from hub.gateway import EventContext, Gateway
from hub.offers import OfferHub
from hub.schemas import OfferCounter, OfferMake, OfferRef


def register(gw: Gateway, offers: OfferHub) -> None:
    async def make(ctx: EventContext, p: OfferMake) -> dict[str, Any]:
        return await offers.make(
            ctx.user_id, p.conversation_id, p.amount_cents, p.currency, p.client_msg_id
        )

    async def counter(ctx: EventContext, p: OfferCounter) -> dict[str, Any]:
        return await offers.counter(ctx.user_id, p.offer_id, p.amount_cents)

    async def accept(ctx: EventContext, p: OfferRef) -> dict[str, Any]:
        return await offers.accept(ctx.user_id, p.offer_id)

    async def decline(ctx: EventContext, p: OfferRef) -> dict[str, Any]:
        return await offers.decline(ctx.user_id, p.offer_id)

    async def withdraw(ctx: EventContext, p: OfferRef) -> dict[str, Any]:
        return await offers.withdraw(ctx.user_id, p.offer_id)

    gw.on("offer.make", OfferMake, make, limited=True)
    gw.on("offer.counter", OfferCounter, counter, limited=True)
    gw.on("offer.accept", OfferRef, accept, limited=True)
    gw.on("offer.decline", OfferRef, decline, limited=True)
    gw.on("offer.withdraw", OfferRef, withdraw, limited=True)
