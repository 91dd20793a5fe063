"""What every scenario shares: settings, connecting many clients, the open-loop clock, progress."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import aiohttp

from benchmarks.ledger import Ledger
from benchmarks.sio import ConnectRefused, LeanClient
from benchmarks.target import Target


@dataclass(frozen=True)
class RunConfig:
    """One run's shape. Everything is bounded: count (``max_messages``) and time."""

    users: int = 20
    rate: float = 200.0
    duration: float = 10.0
    warmup: float = 2.0
    max_messages: int = 1_000_000
    drain_s: float = 10.0
    connect_concurrency: int = 200
    text_bytes: int = 64
    deflate: bool = False
    seed: int = 7
    extra: dict[str, Any] = field(default_factory=dict)

    def total(self) -> int:
        return min(self.max_messages, max(1, int(self.rate * (self.warmup + self.duration))))


@dataclass
class Outcome:
    """What a scenario hands back: its ledger, when measuring started and ended, and extras."""

    ledger: Ledger
    measure_start: float
    measure_end: float
    generator_lag_ms: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class Progress:
    """A status line every second while a run goes (stderr); silent when ``out`` is None."""

    def __init__(self, out: TextIO | None = sys.stderr, every_s: float = 1.0) -> None:
        self._out = out
        self._every = every_s
        self._last = 0.0
        self._t0 = time.monotonic()

    def phase(self, text: str) -> None:
        if self._out is not None:
            print(f"[{time.monotonic() - self._t0:6.1f}s] {text}", file=self._out, flush=True)

    def tick(self, ledger: Ledger, label: str = "") -> None:
        now = time.monotonic()
        if self._out is None or now - self._last < self._every:
            return
        self._last = now
        s = ledger.e2e.summary_ms()
        errors = sum(ledger.errors.values())
        print(
            f"[{now - self._t0:6.1f}s] {label} sent={ledger.sent} delivered={ledger.delivered} "
            f"p50={s['p50']}ms p99={s['p99']}ms errors={errors} dup={ledger.duplicates}",
            file=self._out,
            flush=True,
        )


def run_id() -> str:
    return uuid.uuid4().hex[:10]


def session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, force_close=False))


async def connect_one(
    http: aiohttp.ClientSession,
    target: Target,
    user: str,
    index: int,
    deflate: bool,
    *,
    attempts: int = 3,
) -> LeanClient:
    """Connect ``user`` to node ``index`` (round-robin), retrying transport errors with backoff."""
    for attempt in range(1, attempts + 1):
        client = LeanClient(http)
        try:
            await client.connect(target.url_for(index), target.auth(user), deflate=deflate)
            return client
        except ConnectRefused:
            raise
        except (aiohttp.ClientError, OSError, TimeoutError):
            if attempt == attempts:
                raise
            await asyncio.sleep(0.1 * 2**attempt)
    raise AssertionError("unreachable")


async def connect_many(
    http: aiohttp.ClientSession,
    target: Target,
    users: Sequence[str],
    cfg: RunConfig,
    errors: dict[str, int] | None = None,
) -> list[LeanClient | None]:
    """Connect every user (bounded concurrency); failures are None and counted in ``errors``."""
    gate = asyncio.Semaphore(cfg.connect_concurrency)

    async def one(i: int, user: str) -> LeanClient | None:
        async with gate:
            try:
                return await connect_one(http, target, user, i, cfg.deflate)
            except ConnectRefused as e:
                code = e.data.get("code", "refused") if isinstance(e.data, dict) else "refused"
                _count(errors, f"connect:{code}")
            except (aiohttp.ClientError, OSError, TimeoutError) as e:
                _count(errors, f"connect:{type(e).__name__}")
            return None

    return list(await asyncio.gather(*(one(i, u) for i, u in enumerate(users))))


def _count(errors: dict[str, int] | None, key: str) -> None:
    if errors is not None:
        errors[key] = errors.get(key, 0) + 1


async def open_loop(
    rate: float,
    total: int,
    start: float,
    fire: Callable[[int, float], None],
    tick: Callable[[], None] = lambda: None,
) -> float:
    """Fire ``total`` sends at ``start + i/rate`` whatever the server does; the worst lag (ms).

    The schedule never waits for acks: a slow server shows up as latency, not as a lower rate.
    """
    i, worst = 0, 0.0
    while i < total:
        now = time.perf_counter()
        while i < total and start + i / rate <= now:
            scheduled = start + i / rate
            worst = max(worst, now - scheduled)
            fire(i, scheduled)
            i += 1
        tick()
        if i < total:
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
    return worst * 1000


async def drain(ledger: Ledger, deadline_s: float, tick: Callable[[], None]) -> None:
    """Wait (bounded) until every expected delivery and ack has arrived."""
    end = time.perf_counter() + deadline_s
    while time.perf_counter() < end and (ledger.outstanding() or ledger.unacked()):
        tick()
        await asyncio.sleep(0.05)


async def close_all(clients: Sequence[LeanClient | None]) -> None:
    await asyncio.gather(*(c.close() for c in clients if c is not None))


def padded(text: str, size: int) -> str:
    """``text`` padded with filler words to about ``size`` characters."""
    if len(text) >= size:
        return text
    filler = " thanks again, talk soon."
    return (text + filler * (1 + (size - len(text)) // len(filler)))[:size]
