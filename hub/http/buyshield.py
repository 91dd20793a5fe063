"""``POST /api/buyshield/{transaction_id}/verify``: the seller's photo and release code."""

from __future__ import annotations

import re

from aiohttp import BodyPartReader, web

from commerce.errors import Invalid
from commerce.photos import MAX_PHOTO_BYTES, detect
from hub.auth import Role, TokenVerifier
from hub.buyshield import BuyShieldHub
from hub.errors import ClientError, ErrorCode

_CODE = re.compile(r"^\d{6}$")
_CHUNK = 64 * 1024


async def _read(part: BodyPartReader, limit: int, what: str) -> bytes:
    """A part's bytes, refusing (``too_large``) as soon as it passes ``limit``."""
    data = bytearray()
    while chunk := await part.read_chunk(_CHUNK):
        data += chunk
        if len(data) > limit:
            raise ClientError(ErrorCode.TOO_LARGE, f"{what} is over {limit} bytes")
    return bytes(data)


async def _form(request: web.Request) -> tuple[bytes, str]:
    if not request.content_type.startswith("multipart/"):
        raise ClientError(ErrorCode.INVALID, "send multipart/form-data with photo and code")
    photo: bytes | None = None
    code: str | None = None
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            raise ClientError(ErrorCode.INVALID, "nested multipart is not accepted")
        if part.name == "photo":
            photo = await _read(part, MAX_PHOTO_BYTES, "the photo")
        elif part.name == "code":
            code = (await _read(part, 64, "the code")).decode(errors="replace").strip()
        else:
            await part.release()
    if not photo:
        raise ClientError(ErrorCode.INVALID, "photo: required (a JPEG or PNG)")
    if code is None or not _CODE.match(code):
        raise ClientError(ErrorCode.INVALID, "code: six digits required")
    try:
        detect(photo)
    except Invalid as e:
        raise ClientError(ErrorCode.INVALID, str(e)) from e
    return photo, code


def routes(verifier: TokenVerifier, bs: BuyShieldHub) -> list[web.RouteDef]:
    async def verify(request: web.Request) -> web.Response:
        principal = verifier.from_header(request.headers.get("Authorization"))
        if principal.role is not Role.USER:
            raise ClientError(ErrorCode.FORBIDDEN, "the seller's user token is required")
        transaction_id = request.match_info["transaction_id"]
        if not 0 < len(transaction_id) <= 64:
            raise ClientError(ErrorCode.INVALID, "transaction id must be 1-64 characters")
        photo, code = await _form(request)
        return web.json_response(await bs.verify(principal.user_id, transaction_id, code, photo))

    return [web.post("/api/buyshield/{transaction_id}/verify", verify)]
