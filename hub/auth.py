"""JWT verification for sockets and HTTP routes, and minting for `hub token`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import jwt

from hub.errors import ClientError, ErrorCode
from hub.settings import Settings


class Role(StrEnum):
    USER = "user"
    MODERATOR = "moderator"
    ADMIN = "admin"
    SERVICE = "service"


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    role: Role


class TokenVerifier:
    """Checks signature, algorithm, expiry and (when configured) issuer and audience."""

    def __init__(self, settings: Settings) -> None:
        self._alg = settings.jwt_algorithm
        if self._alg == "HS256":
            self._key = settings.jwt_signing_key()
        elif settings.jwt_public_key:
            self._key = settings.jwt_public_key
        else:
            raise ValueError(f"HUB_JWT_PUBLIC_KEY is required for {self._alg}")
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience

    def verify(self, token: object) -> Principal:
        if not isinstance(token, str) or not token or len(token) > 8192:
            raise ClientError(ErrorCode.UNAUTHORIZED, "missing or malformed token")
        required = ["sub", "role", "exp"] + (["iss"] if self._issuer else [])
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[self._alg],
                issuer=self._issuer,
                audience=self._audience,
                options={"require": required, "verify_aud": self._audience is not None},
            )
        except jwt.ExpiredSignatureError as e:
            raise ClientError(ErrorCode.UNAUTHORIZED, "token expired") from e
        except jwt.InvalidTokenError as e:
            raise ClientError(ErrorCode.UNAUTHORIZED, f"invalid token: {e}") from e
        sub, role = claims.get("sub"), claims.get("role")
        if not isinstance(sub, str) or not 0 < len(sub) <= 64:
            raise ClientError(ErrorCode.UNAUTHORIZED, "invalid token: bad sub")
        try:
            return Principal(sub, Role(str(role)))
        except ValueError as e:
            raise ClientError(ErrorCode.UNAUTHORIZED, "invalid token: unknown role") from e

    def from_header(self, header: str | None) -> Principal:
        if not header or not header.startswith("Bearer "):
            raise ClientError(ErrorCode.UNAUTHORIZED, "Authorization: Bearer <token> required")
        return self.verify(header.removeprefix("Bearer ").strip())


def mint(settings: Settings, sub: str, role: str = "user", ttl_s: int = 24 * 3600) -> str:
    """A token signed with the configured HS256 secret."""
    if settings.jwt_algorithm != "HS256":
        raise ValueError("hub token mints HS256 tokens only; use your identity provider for RS/ES")
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": sub,
        "role": Role(role).value,
        "iat": now,
        "exp": now + ttl_s,
    }
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    return jwt.encode(claims, settings.jwt_signing_key(), algorithm="HS256")
