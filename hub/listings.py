"""The listing read model: watching, price updates, and writes from the listing service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from hub import wire
from hub.errors import ClientError, ErrorCode
from hub.gateway import Gateway, listing_room, user_room
from hub.schemas import ListingPut
from storage.engine import Database
from storage.errors import NotFound
from storage.repositories import conversations as convs
from storage.repositories import listings
from storage.repositories.listings import Listing

Clock = Callable[[], datetime]


class ListingService:
    def __init__(self, db: Database, gateway: Gateway, clock: Clock) -> None:
        self._db = db
        self._gw = gateway
        self._now = clock

    async def get(self, listing_id: str) -> Listing:
        async with self._db.read() as conn:
            found = await listings.find(conn, listing_id)
        if found is None:
            raise ClientError(ErrorCode.NOT_FOUND, "no such listing")
        return found

    async def watch(self, sid: str, listing_id: str) -> dict[str, Any]:
        found = await self.get(listing_id)
        await self._gw.enter_room(sid, listing_room(listing_id))
        return wire.listing(found)

    async def unwatch(self, sid: str, listing_id: str) -> None:
        await self._gw.leave_room(sid, listing_room(listing_id))

    async def put(self, listing_id: str, body: ListingPut) -> tuple[Listing, bool]:
        """Create or replace from the listing service; a price change is pushed like any other."""
        new = Listing(listing_id, updated_at=self._now(), **body.model_dump())
        async with self._db.transaction() as conn:
            before = await listings.find(conn, listing_id)
            created = await listings.put(conn, new)
        if before is not None and before.price_cents != new.price_cents:
            await self.push_price(before, new)
        return new, created

    async def set_price(self, user_id: str, listing_id: str, price_cents: int) -> Listing:
        """The seller changes the price; watchers and the listing's conversations are told."""
        found = await self.get(listing_id)
        if found.seller_id != user_id:
            raise ClientError(ErrorCode.FORBIDDEN, "only the seller may change the price")
        if found.status != "active":
            raise ClientError(ErrorCode.CONFLICT, f"listing is {found.status}")
        return await self.apply(listing_id, price_cents=price_cents)

    async def apply(self, listing_id: str, **fields: Any) -> Listing:
        """Change fields of the read model and push a price change if there was one."""
        try:
            async with self._db.transaction() as conn:
                before, after = await listings.update_fields(
                    conn, listing_id, self._now(), **fields
                )
        except NotFound as e:
            raise ClientError(ErrorCode.NOT_FOUND, "no such listing") from e
        if before.price_cents != after.price_cents:
            await self.push_price(before, after)
        return after

    async def push_price(self, before: Listing, after: Listing, *, local: bool = False) -> None:
        async with self._db.read() as conn:
            found = await convs.for_listing(conn, after.id)
        rooms = {listing_room(after.id)}
        for conv in found:
            rooms.update(user_room(u) for u in conv.participants())
        body = {
            "listing_id": after.id,
            "old_price_cents": before.price_cents,
            "price_cents": after.price_cents,
            "currency": after.currency,
        }
        await self._gw.emit("listing.price_update", body, sorted(rooms), local=local)
