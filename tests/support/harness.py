"""A hub under test: real server, real clients, helpers to mint tokens and seed listings."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp
import sqlalchemy as sa
from aiohttp import web

from hub.app import HUB
from hub.auth import mint
from hub.settings import Settings
from storage.engine import Database
from storage.tables import conversations, listings, messages, read_cursors
from tests.support.client import Client

SECRET = "test-secret-for-echolist-hub-tests-0123456789"


def uid(prefix: str = "u") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class HubHarness:
    def __init__(self, url: str, app: web.Application | None, settings: Settings) -> None:
        self.url = url
        self.app = app
        self.settings = settings
        self._clients: list[Client] = []
        self._listings: list[str] = []

    @property
    def hub(self) -> Any:
        return self.app[HUB]

    def token(self, sub: str, role: str = "user", ttl: int = 3600) -> str:
        return mint(self.settings, sub, role, ttl)

    async def client(
        self, sub: str, *, role: str = "user", namespace: str = "/", **kw: Any
    ) -> Client:
        c = Client(self.url, self.token(sub, role), namespace=namespace, **kw)
        self._clients.append(c)
        return await c.connect()

    def track(self, c: Client) -> Client:
        self._clients.append(c)
        return c

    async def put_listing(
        self,
        seller_id: str,
        *,
        listing_id: str | None = None,
        price_cents: int = 10_000,
        currency: str = "USD",
        status: str = "active",
        local_pickup: bool = True,
        title: str = "Test item",
    ) -> dict[str, Any]:
        listing_id = listing_id or uid("lst")
        body = {
            "seller_id": seller_id,
            "title": title,
            "price_cents": price_cents,
            "currency": currency,
            "status": status,
            "local_pickup": local_pickup,
        }
        headers = {"Authorization": f"Bearer {self.token('listing-service', 'service')}"}
        async with (
            aiohttp.ClientSession() as s,
            s.put(f"{self.url}/api/listings/{listing_id}", json=body, headers=headers) as r,
        ):
            assert r.status in (200, 201), await r.text()
            self._listings.append(listing_id)
            data: dict[str, Any] = (await r.json())["listing"]
            return data

    async def pair(self) -> tuple[Client, Client, dict[str, Any], dict[str, Any]]:
        """A buyer and a seller, connected, with a listing and an open conversation."""
        buyer_id, seller_id = uid("buyer"), uid("seller")
        seller = await self.client(seller_id)
        buyer = await self.client(buyer_id)
        listing = await self.put_listing(seller_id)
        conv = (await buyer.ok("conversation.open", {"listing_id": listing["id"]}))["conversation"]
        return buyer, seller, listing, conv

    async def close(self) -> None:
        for c in self._clients:
            await c.close()
        if not self._listings or not (self.settings.database_url or "").startswith("mysql"):
            return
        if self.app is not None:
            await self._delete_rows(self.hub.db)
            return
        db = Database(self.settings.effective_database_url, pool_size=1)
        try:
            await self._delete_rows(db)
        finally:
            await db.dispose()

    async def _delete_rows(self, db: Database) -> None:
        async with db.transaction() as conn:
            ids = sa.select(conversations.c.id).where(
                conversations.c.listing_id.in_(self._listings)
            )
            conv_ids = [r[0] for r in await conn.execute(ids)]
            if conv_ids:
                await conn.execute(
                    sa.delete(messages).where(messages.c.conversation_id.in_(conv_ids))
                )
                await conn.execute(
                    sa.delete(read_cursors).where(read_cursors.c.conversation_id.in_(conv_ids))
                )
                await conn.execute(sa.delete(conversations).where(conversations.c.id.in_(conv_ids)))
            await conn.execute(sa.delete(listings).where(listings.c.id.in_(self._listings)))
