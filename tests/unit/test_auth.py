"""JWT verification and minting."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest

from hub.auth import Role, TokenVerifier, mint
from hub.errors import ClientError, ErrorCode
from hub.settings import Settings

SECRET = "s" * 40


def settings(**kw: object) -> Settings:
    return Settings(jwt_secret=SECRET, **kw)  # type: ignore[arg-type]


def test_minted_token_verifies() -> None:
    s = settings()
    p = TokenVerifier(s).verify(mint(s, "alice", "moderator"))
    assert p.user_id == "alice"
    assert p.role is Role.MODERATOR


def test_short_hs256_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        TokenVerifier(Settings(jwt_secret="short"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "token",
    [
        jwt.encode(
            {"sub": "a", "role": "user", "exp": int(time.time()) + 60}, "x" * 40, algorithm="HS256"
        ),
        jwt.encode(
            {"sub": "a", "role": "user", "exp": int(time.time()) + 60}, None, algorithm="none"
        ),
        jwt.encode(
            {"sub": "a", "role": "root", "exp": int(time.time()) + 60}, SECRET, algorithm="HS256"
        ),
        jwt.encode(
            {"sub": "a" * 65, "role": "user", "exp": int(time.time()) + 60},
            SECRET,
            algorithm="HS256",
        ),
        jwt.encode({"sub": "a", "role": "user"}, SECRET, algorithm="HS256"),
        "",
    ],
)
def test_bad_tokens(token: str) -> None:
    with pytest.raises(ClientError) as e:
        TokenVerifier(settings()).verify(token)
    assert e.value.code is ErrorCode.UNAUTHORIZED


def test_issuer_and_audience_are_checked_when_configured() -> None:
    s = settings(jwt_issuer="auth.echolist", jwt_audience="hub")
    good = mint(s, "bob")
    assert TokenVerifier(s).verify(good).user_id == "bob"
    other = mint(settings(jwt_issuer="elsewhere", jwt_audience="hub"), "bob")
    with pytest.raises(ClientError):
        TokenVerifier(s).verify(other)


def test_rs256_with_public_key(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pub = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    s = Settings(jwt_algorithm="RS256", jwt_public_key=pub)
    token = jwt.encode(
        {"sub": "c", "role": "user", "exp": int(time.time()) + 60}, key, algorithm="RS256"
    )
    assert TokenVerifier(s).verify(token).user_id == "c"
    # an HS256 token signed with the public key as secret (algorithm confusion) is refused
    forged = jwt.encode(
        {"sub": "c", "role": "user", "exp": int(time.time()) + 60}, "p" * 40, algorithm="HS256"
    )
    with pytest.raises(ClientError):
        TokenVerifier(s).verify(forged)


def test_dev_secret_is_created_once_and_reused(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path)
    first = s.jwt_signing_key()
    assert len(first) >= 32
    assert Settings(data_dir=tmp_path).jwt_signing_key() == first


def test_allowed_origins_from_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_ALLOWED_ORIGINS", "https://a.example, https://b.example")
    assert Settings().allowed_origins == ["https://a.example", "https://b.example"]
