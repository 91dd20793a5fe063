"""The moderators' dashboard and the demo chat: static pages, no build step.

``GET /demo/tokens`` hands out tokens for the seeded demo users. It exists only where the demo
is seeded (the embedded default, or HUB_SEED_DEMO), never with production settings.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from hub.auth import mint
from hub.settings import Settings

STATIC = Path(__file__).resolve().parent.parent / "static"
DEMO_LISTING_ID = "demo-listing"
DEMO_USERS = {"buyer": "demo-buyer", "seller": "demo-seller"}
_DEMO_TOKEN_TTL_S = 12 * 3600


def _page(name: str) -> web.FileResponse:
    return web.FileResponse(STATIC / name, headers={"Cache-Control": "no-cache"})


def routes(settings: Settings) -> list[web.AbstractRouteDef]:
    async def dashboard(_: web.Request) -> web.FileResponse:
        return _page("dashboard.html")

    async def demo(_: web.Request) -> web.FileResponse:
        return _page("demo.html")

    async def demo_tokens(_: web.Request) -> web.Response:
        tokens = {
            role: {"user_id": user, "token": mint(settings, user, "user", _DEMO_TOKEN_TTL_S)}
            for role, user in DEMO_USERS.items()
        }
        return web.json_response({"listing_id": DEMO_LISTING_ID, **tokens})

    out: list[web.AbstractRouteDef] = [
        web.get("/dashboard", dashboard),
        web.get("/demo", demo),
        web.static("/static", STATIC),
    ]
    if settings.should_seed_demo and settings.jwt_algorithm == "HS256":
        out.append(web.get("/demo/tokens", demo_tokens))
    return out
