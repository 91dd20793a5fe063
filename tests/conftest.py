"""Shared fixtures: backends (embedded and production), a hub under test, loop-block detection."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
import traceback
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
        except BaseException as e:
            errors.append(e)

    t = threading.Thread(target=target)
    _WATCH_PAUSED.set()  # one-time test infrastructure, not code under test
    try:
        t.start()
        t.join()
    finally:
        _WATCH_PAUSED.clear()
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


_WATCH_PAUSED = threading.Event()


class _LoopWatch:
    """A heartbeat on the loop and a thread that notices when it stops beating.

    Time the loop thread spent waiting for a CPU (the kernel's run-queue wait, from schedstat) is
    not counted: on a busy 2-core machine a preempted loop is not a blocked loop. When the loop
    stalls, the watcher keeps the loop thread's stack, so a failure names the code that blocked.
    """

    def __init__(self, limit_s: float) -> None:
        self.limit = limit_s
        self.beat = time.monotonic()
        self.worst = 0.0
        self.stack = ""
        self.loop_thread = threading.get_ident()
        self._schedstat = f"/proc/self/task/{threading.get_native_id()}/schedstat"
        self.stop = threading.Event()

    def _runq_wait_s(self) -> float:
        try:
            with open(self._schedstat) as f:
                return int(f.read().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return 0.0

    def watch(self) -> None:
        seen_beat, runq_at_beat = self.beat, self._runq_wait_s()
        while not self.stop.wait(0.05):
            beat, runq = self.beat, self._runq_wait_s()
            if beat != seen_beat or _WATCH_PAUSED.is_set():
                seen_beat, runq_at_beat = beat, runq
                continue
            stalled = (time.monotonic() - beat) - (runq - runq_at_beat)
            if stalled > self.limit / 2 and stalled > self.worst:
                frame = sys._current_frames().get(self.loop_thread)
                if frame is not None:
                    self.stack = "".join(traceback.format_stack(frame)[-12:])
            self.worst = max(self.worst, stalled)

    async def heartbeat(self) -> None:
        while True:
            self.beat = time.monotonic()
            await asyncio.sleep(0.02)


@pytest.fixture(autouse=True)
def no_blocking_of_the_loop(request: pytest.FixtureRequest) -> None:
    """Fail an async test during which the event loop was blocked for over two seconds."""
    if asyncio.iscoroutinefunction(getattr(request, "function", None)):
        request.getfixturevalue("_loop_watch")


@pytest.fixture
async def _loop_watch() -> AsyncIterator[None]:
    watch = _LoopWatch(limit_s=2.0)
    beat = asyncio.create_task(watch.heartbeat())
    thread = threading.Thread(target=watch.watch, daemon=True)
    thread.start()
    yield
    watch.stop.set()
    thread.join()
    beat.cancel()
    assert watch.worst < watch.limit, (
        f"event loop blocked for {watch.worst:.2f}s in:\n{watch.stack}"
    )


@pytest.fixture
def ci() -> Iterator[bool]:
    return services.IN_CI
