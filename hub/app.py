"""``create_app(settings)``: the composition root, the one place that wires packages together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiohttp import web
from redis.asyncio import Redis

from hub.auth import Principal, TokenVerifier
from hub.buyshield import BuyShieldHub
from hub.chat import ChatService
from hub.consumers import CommerceNode
from hub.context_store import context_store
from hub.events import buyshield as buyshield_events
from hub.events import chat as chat_events
from hub.events import listings as listing_events
from hub.events import moderation as moderation_events
from hub.events import offers as offer_events
from hub.gateway import ConnectHook, Gateway
from hub.http import buyshield as buyshield_routes
from hub.http import listings as listing_routes
from hub.http import moderation as moderation_routes
from hub.http import ops, pages, stripe_webhook
from hub.http.middleware import json_errors
from hub.listings import ListingService
from hub.metrics import Metrics
from hub.moderation import ModerationService
from hub.ratelimit import LocalRateLimiter, RateLimiter, RedisRateLimiter
from hub.settings import Settings
from pipeline import PROVIDER_CHOICES, ModerationRunner, RunnerConfig
from storage import migrate
from storage.engine import Database
from storage.repositories import listings, users
from storage.repositories.listings import Listing

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """Naive UTC, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class Hub:
    """Everything one hub node holds; reachable from the app under ``HUB``."""

    settings: Settings
    clock: Clock
    metrics: Metrics
    verifier: TokenVerifier
    db: Database
    gateway: Gateway
    chat: ChatService
    listings: ListingService
    moderation: ModerationService
    limiter: RateLimiter
    redis: Redis | None = None
    runner: ModerationRunner | None = None
    checks: dict[str, ops.ReadinessCheck] = field(default_factory=dict)
    commerce: CommerceNode | None = None
    buyshield: BuyShieldHub | None = None


HUB = web.AppKey("hub", Hub)


def create_app(settings: Settings, *, clock: Clock = utcnow) -> web.Application:
    """Build the app; I/O happens only in its cleanup contexts, in order, at start."""
    metrics = Metrics()
    verifier = TokenVerifier(settings)
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    limiter: RateLimiter = (
        RedisRateLimiter(redis, settings.rate_limit_events, settings.rate_limit_window_s)
        if redis is not None
        else LocalRateLimiter(settings.rate_limit_events, settings.rate_limit_window_s)
    )
    db = Database(settings.effective_database_url, pool_size=settings.database_pool_size)
    gateway = Gateway(settings, verifier, metrics, limiter)
    chat = ChatService(db, gateway, metrics, clock, settings.sync_max_messages)
    hub = Hub(
        settings=settings,
        clock=clock,
        metrics=metrics,
        verifier=verifier,
        db=db,
        gateway=gateway,
        chat=chat,
        listings=ListingService(db, gateway, clock),
        moderation=ModerationService(db, gateway, chat, metrics, clock, settings.node_id),
        limiter=limiter,
        redis=redis,
    )
    app = web.Application(middlewares=[json_errors], client_max_size=12 * 1024 * 1024)
    app[HUB] = hub
    gateway.attach(app)
    chat_events.register(gateway, hub.chat)
    listing_events.register(gateway, hub.listings)
    hub.commerce = CommerceNode(settings, db, gateway, hub.chat, hub.listings, clock, hub.checks)
    offer_events.register(gateway, hub.commerce.offers)
    moderation_events.register(gateway, hub.moderation)
    hub.buyshield = BuyShieldHub(settings, db, gateway, hub.commerce, clock)
    buyshield_events.register(gateway, hub.buyshield)
    if settings.moderation_enabled:
        chat.moderation = hub.moderation
    app.add_routes(ops.routes(metrics, hub.checks))
    app.add_routes(listing_routes.routes(verifier, hub.listings))
    app.add_routes(moderation_routes.routes(verifier, hub.moderation))
    app.add_routes(pages.routes(settings))
    app.add_routes(buyshield_routes.routes(verifier, hub.buyshield))
    app.add_routes(stripe_webhook.routes(hub.buyshield))
    gateway.on_connect(_touch_user(hub))
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(chat.lifecycle)  # stores the appends still batching at shutdown
    app.cleanup_ctx.append(_redis)
    app.cleanup_ctx.append(_model)
    app.cleanup_ctx.append(_moderation_stats)
    app.cleanup_ctx.append(hub.buyshield.lifecycle)  # payment provider, expiry scheduler
    app.cleanup_ctx.append(hub.commerce.lifecycle)  # bus, relay, consumers, sweeper
    app.on_shutdown.append(_drain)
    return app


def _touch_user(hub: Hub) -> ConnectHook:
    async def hook(principal: Principal, _sid: str, _ns: str) -> None:
        async with hub.db.transaction() as conn:
            await users.touch(conn, principal.user_id, principal.role.value, hub.clock())

    return hook


async def _database(app: web.Application) -> AsyncIterator[None]:
    hub = app[HUB]
    if hub.settings.embedded:
        await migrate.upgrade(hub.db)
    await hub.db.ping()
    hub.checks["database"] = hub.db.ping
    if hub.settings.should_seed_demo:
        await seed_demo(hub)
    log.info("database ready (%s)", hub.db.dialect)
    yield
    await hub.db.dispose()


async def _redis(app: web.Application) -> AsyncIterator[None]:
    hub = app[HUB]
    if hub.redis is None:
        yield
        return
    redis = hub.redis

    async def ping() -> None:
        await redis.ping()

    await ping()
    hub.checks["redis"] = ping
    log.info("redis ready")
    yield
    await hub.limiter.close()  # adds its last counts to Redis
    await redis.aclose()


async def _model(app: web.Application) -> AsyncIterator[None]:
    """The moderation pipeline's model session, warmed up (rules-only if it cannot load)."""
    hub = app[HUB]
    if not hub.settings.moderation_enabled:
        yield
        return
    s = hub.settings
    config = RunnerConfig(
        artifacts_dir=s.model_dir,
        threads=s.moderation_threads,
        max_batch=s.moderation_max_batch,
        max_wait_ms=s.moderation_max_wait_ms,
        max_queue=s.moderation_max_queue,
        judge=s.moderation_judge,
        providers=PROVIDER_CHOICES[s.moderation_providers],
        message_cache=s.moderation_message_cache,
    )
    store = context_store(hub.redis)
    runner = ModerationRunner(config, store)
    await runner.start()
    hub.runner = hub.moderation.runner = runner

    async def check() -> None:
        if not runner.ready:
            raise RuntimeError("moderation runner is not running")
        if runner.degraded:
            raise RuntimeError("model unavailable: moderating with the rules alone")

    hub.checks["model"] = check
    log.info("moderation ready (model %s, degraded=%s)", runner.model_version, runner.degraded)
    yield
    hub.moderation.runner = None
    await runner.close()
    await store.close()  # writes its buffered context before Redis closes


async def _moderation_stats(app: web.Application) -> AsyncIterator[None]:
    """The owned task that streams this node's moderation stats to moderators."""
    task = asyncio.create_task(app[HUB].moderation.stream_stats(2.0), name="moderation-stats")
    yield
    task.cancel()
    await asyncio.wait([task])


async def _drain(app: web.Application) -> None:
    await app[HUB].gateway.drain()


DEMO_LISTING = Listing(
    id="demo-listing",
    seller_id="demo-seller",
    title="Vintage road bike (demo)",
    price_cents=25000,
    currency="USD",
    status="active",
    local_pickup=True,
    updated_at=datetime(2026, 1, 1),
)


async def seed_demo(hub: Hub) -> None:
    """The demo page's users and listing (embedded default only, unless HUB_SEED_DEMO)."""
    async with hub.db.transaction() as conn:
        if await listings.find(conn, DEMO_LISTING.id) is None:
            await listings.put(conn, DEMO_LISTING)
        for user_id in ("demo-buyer", "demo-seller"):
            await users.touch(conn, user_id, "user", hub.clock())
