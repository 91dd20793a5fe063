"""``POST /api/moderation/score``: the full verdict on a text, without sending it."""

from __future__ import annotations

from aiohttp import web

from hub.auth import Role, TokenVerifier
from hub.errors import ClientError, ErrorCode
from hub.http.middleware import parse_json
from hub.moderation import ModerationService
from hub.schemas import ScoreRequest

_ALLOWED = frozenset({Role.MODERATOR, Role.ADMIN, Role.SERVICE})


def routes(verifier: TokenVerifier, svc: ModerationService) -> list[web.RouteDef]:
    async def score(request: web.Request) -> web.Response:
        principal = verifier.from_header(request.headers.get("Authorization"))
        if principal.role not in _ALLOWED:
            raise ClientError(ErrorCode.FORBIDDEN, "moderator or service token required")
        body = await parse_json(request, ScoreRequest)
        verdict = await svc.score(body.text, body.conversation_id)
        out = verdict.to_dict()
        out.update(model_ms=round(verdict.model_ms, 3), degraded=verdict.degraded)
        return web.json_response(out)

    return [web.post("/api/moderation/score", score)]
