"""Shared fixtures: backends (embedded and production), a hub under test, loop-block detection."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from hub.app import create_app
from hub.settings import Settings
from storage import migrate
from storage.engine import Database
from tests.support import services
from tests.support.harness import SECRET, HubHarness

BACKENDS = ["embedded", "production"]
_migrated: set[str] = set()


def migrate_mariadb() -> None:
    """Bring the MariaDB test schema to head once per test session.

    Runs on its own thread and loop, so it may be called from sync fixtures and async code alike.
    """
    if "mariadb" in _migrated:
        return

    async def run() -> None:
        server = Database(services.MARIADB_SERVER_URL, pool_size=1)
        try:
            async with server.transaction() as conn:
                await conn.execute(sa.text(f"DROP DATABASE IF EXISTS {services.MARIADB_DATABASE}"))
                await conn.execute(sa.text(f"CREATE DATABASE {services.MARIADB_DATABASE}"))
        finally:
            await server.dispose()
        db = Database(services.MARIADB_URL)
        try:
            await migrate.upgrade(db)
        finally:
            await db.dispose()

    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(run())
        except BaseException as e:  # noqa: BLE001 - re-raised on the caller's thread
            errors.append(e)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if errors:
        raise errors[0]
    _migrated.add("mariadb")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop this session's MariaDB database."""
    if "mariadb" not in _migrated:
        return

    async def run() -> None:
        server = Database(services.MARIADB_SERVER_URL, pool_size=1)
        try:
            async with server.transaction() as conn:
                await conn.execute(sa.text(f"DROP DATABASE IF EXISTS {services.MARIADB_DATABASE}"))
        finally:
            await server.dispose()

    asyncio.run(run())


@pytest.fixture
def mariadb() -> str:
    """MariaDB is reachable (or the test skips/fails) and migrated; its URL."""
    services.require("mariadb")
    migrate_mariadb()
    return services.MARIADB_URL


def make_settings(backend: str, tmp_path: Path, **overrides: Any) -> Settings:
    base: dict[str, Any] = {
        "data_dir": tmp_path,
        "jwt_secret": SECRET,
        "moderation_enabled": False,
        "seed_demo": False,
    }
    if backend == "production":
        base.update(database_url=services.MARIADB_URL, redis_url=services.REDIS_URL)
    base.update(overrides)
    return Settings(**base)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings_factory(backend: str, tmp_path: Path) -> Callable[..., Settings]:
    if backend == "production":
        services.require("mariadb")
        services.require("redis")
        migrate_mariadb()
    return lambda **kw: make_settings(backend, tmp_path, **kw)


@pytest.fixture
def hub_factory(aiohttp_server: Any) -> Callable[..., Any]:
    """Start a hub on a real port; several may run in one test (they share the backends)."""
    started: list[HubHarness] = []

    async def start(settings: Settings, **kw: Any) -> HubHarness:
        server = await aiohttp_server(create_app(settings, **kw))
        harness = HubHarness(str(server.make_url("")).rstrip("/"), server.app, settings)
        started.append(harness)
        return harness

    start.started = started  # type: ignore[attr-defined]
    return start


@pytest.fixture
async def hub(
    hub_factory: Any, settings_factory: Callable[..., Settings]
) -> AsyncIterator[HubHarness]:
    harness: HubHarness = await hub_factory(settings_factory())
    yield harness
    await harness.close()


class _LoopWatch:
    """A heartbeat on the loop and a thread that notices when it stops beating."""

    def __init__(self, limit_s: float) -> None:
        self.limit = limit_s
        self.beat = time.monotonic()
        self.worst = 0.0
        self.stop = threading.Event()

    def watch(self) -> None:
        while not self.stop.wait(0.05):
            self.worst = max(self.worst, time.monotonic() - self.beat)

    async def heartbeat(self) -> None:
        while True:
            self.beat = time.monotonic()
            await asyncio.sleep(0.02)


@pytest.fixture(autouse=True)
def no_blocking_of_the_loop(request: pytest.FixtureRequest) -> None:
    """Fail an async test during which the event loop was blocked for over a second."""
    if asyncio.iscoroutinefunction(getattr(request, "function", None)):
        request.getfixturevalue("_loop_watch")


@pytest.fixture
async def _loop_watch() -> AsyncIterator[None]:
    watch = _LoopWatch(limit_s=1.0)
    beat = asyncio.create_task(watch.heartbeat())
    thread = threading.Thread(target=watch.watch, daemon=True)
    thread.start()
    yield
    watch.stop.set()
    thread.join()
    beat.cancel()
    assert watch.worst < watch.limit, f"event loop blocked for {watch.worst:.2f}s"


@pytest.fixture
def ci() -> Iterator[bool]:
    yield services.IN_CI
