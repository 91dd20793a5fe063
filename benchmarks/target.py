"""What a run drives: hub nodes at URLs (spawned by the suite or already running), tokens, seeding.

The suite talks to the hub only as its clients do: JWTs minted with the configured secret,
``PUT /api/listings/{id}`` with a service token, Socket.IO. It imports nothing of the hub.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import aiohttp
import jwt

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "HUB_DATABASE_URL": "mysql+asyncmy://root@127.0.0.1:3306/test",
    "HUB_REDIS_URL": "redis://127.0.0.1:6379/0",
}


class TargetError(Exception):
    """The target cannot be used (not loopback, not ready, refused a seed)."""


def check_loopback(url: str, allow_remote: bool) -> None:
    """Refuse a non-loopback target unless the operator said ``--allow-remote``."""
    host = urlparse(url).hostname or ""
    if allow_remote:
        return
    try:
        addrs = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as e:
        raise TargetError(f"cannot resolve {host!r}") from e
    if not addrs or not all(ipaddress.ip_address(a).is_loopback for a in addrs):
        raise TargetError(f"{url} is not a loopback address; pass --allow-remote to load it")


@dataclass
class Target:
    """Hub nodes (or the reference relay) under load, and how to act as their clients."""

    urls: list[str]
    secret: str | None
    pids: list[int] = field(default_factory=list)
    kind: str = "hub"
    description: dict[str, Any] = field(default_factory=dict)
    seeded: list[str] = field(default_factory=list)

    def url_for(self, index: int) -> str:
        """Clients are spread over the nodes round-robin."""
        return self.urls[index % len(self.urls)]

    def token(self, sub: str, role: str = "user", ttl_s: int = 3600) -> str:
        if self.secret is None:
            return ""
        now = int(time.time())
        claims = {"sub": sub, "role": role, "iat": now, "exp": now + ttl_s}
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def auth(self, sub: str) -> dict[str, Any]:
        # The relay has no auth; it reads the user id so it can route like the hub does.
        return {"token": self.token(sub), "user": sub}

    async def put_listing(
        self, session: aiohttp.ClientSession, listing_id: str, seller_id: str, price_cents: int
    ) -> None:
        """Seed a listing through the service API (the relay needs none)."""
        if self.kind != "hub":
            return
        body = {
            "seller_id": seller_id,
            "title": f"benchmark item {listing_id}",
            "price_cents": price_cents,
            "currency": "USD",
            "status": "active",
            "local_pickup": True,
        }
        headers = {"Authorization": f"Bearer {self.token('benchmark-listings', 'service')}"}
        async with session.put(
            f"{self.urls[0]}/api/listings/{listing_id}", json=body, headers=headers
        ) as r:
            if r.status not in (200, 201):
                raise TargetError(f"seeding listing {listing_id}: {r.status} {await r.text()}")
        self.seeded.append(listing_id)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def pin(pid: int, cpus: Sequence[int] | None) -> None:
    """Pin a process to CPUs (Linux); a no-op elsewhere or when the CPUs do not exist."""
    if not cpus or not hasattr(os, "sched_setaffinity"):
        return
    available = os.sched_getaffinity(0) | set(range(os.cpu_count() or 1))
    wanted = {c for c in cpus if c in available}
    if wanted:
        os.sched_setaffinity(pid, wanted)


@dataclass(frozen=True)
class SpawnSpec:
    """Hub processes the suite starts: backend, node count, moderation, CPUs, extra env."""

    backend: str = "embedded"
    nodes: int = 1
    moderation: bool = True
    server_cpus: tuple[int, ...] = (0,)
    env: tuple[tuple[str, str], ...] = ()
    log_level: str = "WARNING"


async def _wait_ready(url: str, proc: subprocess.Popen[bytes], deadline_s: float) -> None:
    deadline = time.monotonic() + deadline_s
    async with aiohttp.ClientSession() as s:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise TargetError(f"process for {url} exited with {proc.returncode}")
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with s.get(url + "/healthz") as r:
                    if r.status == 200:
                        return
            await asyncio.sleep(0.2)
    raise TargetError(f"{url} not ready within {deadline_s:.0f}s")


LOG_DIR = ROOT / "var" / "benchmarks" / "logs"


def _start(args: list[str], env: dict[str, str], cpus: Sequence[int]) -> subprocess.Popen[bytes]:
    """Start a server; its output goes to var/benchmarks/logs/<module>-<port>.log."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"{args[2].replace('.', '-')}-{args[args.index('--port') + 1]}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            args, cwd=ROOT, env=env, preexec_fn=_raise_nofile, stdout=log, stderr=log
        )
    pin(proc.pid, cpus)
    return proc


async def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        for _ in range(100):
            if p.poll() is not None:
                break
            await asyncio.sleep(0.1)
        if p.poll() is None:
            p.kill()
            p.wait()


def hub_env(spec: SpawnSpec, secret: str, data_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HUB_JWT_SECRET=secret,
        HUB_DATA_DIR=data_dir,
        HUB_MODERATION_ENABLED="true" if spec.moderation else "false",
        HUB_SEED_DEMO="false",
        HUB_LOG_LEVEL=spec.log_level,
        # Load testers send faster than a person: the per-user limit must not shape the load.
        HUB_RATE_LIMIT_EVENTS="1000000",
    )
    if spec.backend == "production":
        for k, v in PRODUCTION_ENV.items():
            env.setdefault(k, v)
    env.update(dict(spec.env))
    return env


@contextlib.asynccontextmanager
async def spawn_hub(spec: SpawnSpec) -> AsyncIterator[Target]:
    """Start ``spec.nodes`` hub processes on free loopback ports; stop them afterwards."""
    if spec.backend == "embedded" and spec.nodes > 1:
        raise TargetError("several nodes need the production backends (shared database, Redis)")
    secret = secrets.token_urlsafe(48)
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="echolist-bench-") as data_dir:
        env = hub_env(spec, secret, data_dir)
        try:
            urls = []
            for _ in range(spec.nodes):
                port = free_port()
                args = [sys.executable, "-m", "hub", "serve", "--port", str(port)]
                procs.append(_start(args, env, spec.server_cpus))
                urls.append(f"http://127.0.0.1:{port}")
                # Nodes start one after another: the first runs the embedded migrations alone.
                await _wait_ready(urls[-1], procs[-1], 60)
            desc = {
                "spawned": True,
                "backend": spec.backend,
                "nodes": spec.nodes,
                "moderation": spec.moderation,
                "server_cpus": list(spec.server_cpus),
            }
            yield Target(urls, secret, [p.pid for p in procs], "hub", desc)
        finally:
            await _stop(procs)


@contextlib.asynccontextmanager
async def spawn_relay(server_cpus: Sequence[int], uvloop: bool) -> AsyncIterator[Target]:
    """Start the reference python-socketio relay (``benchmarks.relay``)."""
    port = free_port()
    args = [sys.executable, "-m", "benchmarks.relay", "--port", str(port)]
    if uvloop:
        args.append("--uvloop")
    proc = _start(args, dict(os.environ), server_cpus)
    try:
        url = f"http://127.0.0.1:{port}"
        await _wait_ready(url, proc, 30)
        desc = {
            "spawned": True,
            "backend": "relay",
            "nodes": 1,
            "uvloop": uvloop,
            "server_cpus": list(server_cpus),
        }
        yield Target([url], None, [proc.pid], "relay", desc)
    finally:
        await _stop([proc])


def external(urls: list[str], secret: str | None, pids: list[int], allow_remote: bool) -> Target:
    """A hub somebody else started; ``pids`` (optional) lets the suite sample its CPU and RSS."""
    for url in urls:
        check_loopback(url, allow_remote)
    desc = {"spawned": False, "nodes": len(urls)}
    return Target([u.rstrip("/") for u in urls], secret, pids, "hub", desc)
