"""The one settings object, read from ``HUB_*`` environment variables once at start.

Field names follow the contract (DESIGN.md section 10): ``HUB_DATABASE_URL``, ``HUB_REDIS_URL``,
``HUB_AMQP_URL``, ``HUB_STRIPE_API_KEY``, ``HUB_JWT_SECRET``, ``HUB_ALLOWED_ORIGINS``, ...
Unset means the embedded default.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from commerce.buyshield import validate_hold

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting of the hub and its workers. Frozen; passed down explicitly."""

    model_config = SettingsConfigDict(env_prefix="HUB_", frozen=True, extra="ignore")

    # Where the embedded default keeps its SQLite file, photos and development secret.
    data_dir: Path = Path("var")
    database_url: str | None = None
    database_pool_size: int = 10
    redis_url: str | None = None
    amqp_url: str | None = None
    node_id: str = Field(default_factory=lambda: secrets.token_hex(4))

    # Auth (DESIGN.md section 2)
    jwt_secret: SecretStr | None = None
    jwt_public_key: str | None = None
    jwt_algorithm: Literal["HS256", "RS256", "ES256"] = "HS256"
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Gateway limits
    max_payload_bytes: int = 64 * 1024
    max_packets_per_payload: int = 256
    max_text_chars: int = 2000
    websocket_compression: bool = False
    rate_limit_events: int = 200
    rate_limit_window_s: float = 10.0
    sync_max_messages: int = 5000
    ping_interval_s: float = 25.0
    ping_timeout_s: float = 20.0
    shutdown_grace_s: float = 5.0

    # Moderation
    moderation_enabled: bool = True
    model_dir: Path = ROOT / "models" / "artifacts"
    moderation_threads: int = 1
    moderation_max_batch: int = 32
    moderation_max_wait_ms: float = 2.0
    moderation_max_queue: int = 1024
    # The cascade's judge (models/artifacts/judge.onnx, when shipped): better on the messages the
    # first stage is unsure of, for about 100 MB more memory; off runs the first stage alone.
    moderation_judge: bool = True
    # Distinct messages whose normalizing, rules, n-gram and judge results are remembered (each a
    # function of the text alone, so a repeated text gets the same verdict faster: a scam or spam
    # wave); about 0.4 KB each for chat-sized messages, per worker thread. 0 turns it off.
    moderation_message_cache: int = Field(default=1024, ge=0, le=1_000_000)
    # onnxruntime execution providers: auto (CUDA when onnxruntime-gpu sees a GPU, else the CPU),
    # cpu, or cuda (CUDA first, the CPU for what it cannot run). The int8 model is built for the
    # CPU: on an H200 it scored one message in 2.2 ms at p50 against 0.6 ms on two CPU cores
    # (benchmarks/README.md), so a latency-bound node with a GPU may prefer cpu.
    moderation_providers: Literal["auto", "cpu", "cuda"] = "auto"

    # Commerce
    offer_ttl_s: float = 48 * 3600
    outbox_poll_s: float = 0.5
    offer_sweep_s: float = 30.0
    # Exchange and queue names are "<namespace>.commands", ... (the contract's: "echolist").
    amqp_namespace: str = "echolist"
    amqp_max_deliveries: int = 5
    amqp_prefetch: int = 16
    # Test-only: the transaction service sleeps this long inside each handler (0 = off).
    testing_commerce_handler_delay_s: float = 0.0
    stripe_api_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    stripe_api_base: str | None = None
    # BuyShield: how long funds stay held (validated against Stripe's 7-day authorization
    # limit), how often the expiry scheduler runs, wrong release codes before the escrow locks.
    buyshield_hold_hours: float = 72.0
    buyshield_sweep_s: float = 60.0
    buyshield_max_code_attempts: int = 5
    # The simulated provider (no HUB_STRIPE_API_KEY) confirms a payment this long after start.
    buyshield_simulated_confirm_s: float = 1.0
    # Meetup photos; default <data_dir>/photos.
    photo_dir: Path | None = None

    # Embedded conveniences
    seed_demo: bool | None = None
    log_level: str = "INFO"

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, v: object) -> object:
        if isinstance(v, str):
            return [o.strip() for o in v.split(",") if o.strip()]
        return v

    @property
    def embedded(self) -> bool:
        """True when no external database is configured (the one-process default)."""
        return self.database_url is None

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'hub.sqlite3').resolve()}"

    @model_validator(mode="after")
    def _hold_before_stripe_limit(self) -> Settings:
        validate_hold(
            timedelta(hours=self.buyshield_hold_hours), timedelta(seconds=self.buyshield_sweep_s)
        )
        return self

    @property
    def should_seed_demo(self) -> bool:
        return self.embedded if self.seed_demo is None else self.seed_demo

    def jwt_signing_key(self) -> str:
        """The HS256 secret, or on the embedded default a development secret kept in data_dir."""
        if self.jwt_secret is not None:
            key = self.jwt_secret.get_secret_value()
        else:
            path = self.data_dir / "dev-jwt-secret"
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(secrets.token_urlsafe(48))
                path.chmod(0o600)
            key = path.read_text().strip()
        if self.jwt_algorithm == "HS256" and len(key.encode()) < 32:
            raise ValueError("HUB_JWT_SECRET must be at least 32 bytes for HS256")
        return key
