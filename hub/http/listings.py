"""``PUT /api/listings/{id}``: the listing service keeps the hub's read model current."""

from __future__ import annotations

from aiohttp import web

from hub import wire
from hub.auth import Role, TokenVerifier
from hub.errors import ClientError, ErrorCode
from hub.http.middleware import parse_json
from hub.listings import ListingService
from hub.schemas import ListingPut


def routes(verifier: TokenVerifier, svc: ListingService) -> list[web.RouteDef]:
    async def put_listing(request: web.Request) -> web.Response:
        principal = verifier.from_header(request.headers.get("Authorization"))
        if principal.role is not Role.SERVICE:
            raise ClientError(ErrorCode.FORBIDDEN, "service token required")
        listing_id = request.match_info["listing_id"]
        if not 0 < len(listing_id) <= 64:
            raise ClientError(ErrorCode.INVALID, "listing id must be 1-64 characters")
        body = await parse_json(request, ListingPut)
        listing, created = await svc.put(listing_id, body)
        return web.json_response({"listing": wire.listing(listing)}, status=201 if created else 200)

    return [web.put("/api/listings/{listing_id}", put_listing)]
