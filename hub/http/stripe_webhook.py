"""``POST /api/stripe/webhook``: Stripe's signed events (signature over the raw body)."""

from __future__ import annotations

from aiohttp import web

from hub.buyshield import BuyShieldHub

MAX_EVENT_BYTES = 512 * 1024


def routes(bs: BuyShieldHub) -> list[web.RouteDef]:
    async def webhook(request: web.Request) -> web.Response:
        if request.content_length is not None and request.content_length > MAX_EVENT_BYTES:
            raise web.HTTPRequestEntityTooLarge(
                max_size=MAX_EVENT_BYTES, actual_size=request.content_length
            )
        payload = await request.read()
        t = await bs.webhook(payload, request.headers.get("Stripe-Signature"))
        return web.json_response({"received": True, "changed": t is not None and t.changed})

    return [web.post("/api/stripe/webhook", webhook)]
