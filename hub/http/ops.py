"""Operations routes: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from hub.metrics import Metrics

ReadinessCheck = Callable[[], Awaitable[None]]


def routes(metrics: Metrics, checks: dict[str, ReadinessCheck]) -> list[web.RouteDef]:
    """``checks`` is filled as resources start; each must finish within two seconds."""

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), timeout=2.0)
                results[name] = "ok"
            except (TimeoutError, ConnectionError, OSError, RuntimeError) as e:
                results[name] = f"failing: {type(e).__name__}: {e}"[:200]
            except Exception as e:
                results[name] = f"failing: {type(e).__name__}"
        ready = bool(checks) and all(v == "ok" for v in results.values())
        return web.json_response(
            {"status": "ready" if ready else "not_ready", "checks": results},
            status=200 if ready else 503,
        )

    async def prometheus(_: web.Request) -> web.Response:
        body = generate_latest(metrics.registry)
        resp = web.Response(body=body)
        resp.content_type = CONTENT_TYPE_LATEST.split(";")[0]
        return resp

    return [
        web.get("/healthz", healthz),
        web.get("/readyz", readyz),
        web.get("/metrics", prometheus),
    ]
