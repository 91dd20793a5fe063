"""Handlers for listing events on "/"."""

from __future__ import annotations

from typing import Any

from hub import wire
from hub.gateway import EventContext, Gateway
from hub.listings import ListingService
from hub.schemas import ListingRef, PriceUpdate


def register(gw: Gateway, svc: ListingService) -> None:
    async def watch(ctx: EventContext, p: ListingRef) -> dict[str, Any]:
        return {"listing": await svc.watch(ctx.sid, p.listing_id)}

    async def unwatch(ctx: EventContext, p: ListingRef) -> dict[str, Any]:
        await svc.unwatch(ctx.sid, p.listing_id)
        return {}

    async def price(ctx: EventContext, p: PriceUpdate) -> dict[str, Any]:
        return {
            "listing": wire.listing(await svc.set_price(ctx.user_id, p.listing_id, p.price_cents))
        }

    gw.on("listing.watch", ListingRef, watch)
    gw.on("listing.unwatch", ListingRef, unwatch)
    gw.on("listing.price_update", PriceUpdate, price, limited=True)
