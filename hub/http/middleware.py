"""Every HTTP error is JSON ``{"error": {"code", "message"}}`` with the status that fits."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from hub.errors import HTTP_STATUS, ClientError, ErrorCode

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
_HTTP_CODES = {
    400: ErrorCode.INVALID,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.INVALID,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.TOO_LARGE,
    429: ErrorCode.RATE_LIMITED,
}


def error_response(e: ClientError) -> web.Response:
    return web.json_response({"error": e.body()}, status=HTTP_STATUS[e.code])


@web.middleware
async def json_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except ClientError as e:
        return error_response(e)
    except web.HTTPException as e:
        if e.status < 400 or request.path.startswith("/socket.io"):
            raise
        code = _HTTP_CODES.get(e.status, ErrorCode.INTERNAL)
        return web.json_response(
            {"error": {"code": code.value, "message": e.reason}}, status=e.status
        )
    except Exception:
        cid = uuid.uuid4().hex[:12]
        log.exception("HTTP %s %s failed [correlation_id=%s]", request.method, request.path, cid)
        body = {"code": "internal", "message": f"internal error (correlation id {cid})"}
        return web.json_response({"error": body}, status=500)


async def parse_json(request: web.Request, model: type[M]) -> M:
    """The request body validated by ``model``; ``invalid`` with the first problem otherwise."""
    try:
        data = await request.json()
    except ValueError as e:
        raise ClientError(ErrorCode.INVALID, "body must be JSON") from e
    if not isinstance(data, dict):
        raise ClientError(ErrorCode.INVALID, "body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ClientError(ErrorCode.INVALID, f"{where}: {first['msg']}") from e
