"""Chat throughput and latency with moderation on versus off, under the same load.

Starts a hub node as a subprocess (embedded SQLite unless --database-url/--redis-url are given)
twice: once with HUB_MODERATION_ENABLED=0, once with it on (the shipped model, or the rules alone
when the artifacts are missing; the report says which). Each run: the same number of buyer and
seller pairs over real Socket.IO WebSockets, each buyer keeping `--window` sends in flight, the
same mix of texts. Measures acked messages per second and ack latency percentiles, and writes
both runs and their ratios to benchmarks/results/moderated_chat_compare.json.

    .venv/bin/python benchmarks/moderated_chat_compare.py --pairs 20 --messages 100
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np
import socketio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.auth import mint  # noqa: E402
from hub.settings import Settings  # noqa: E402

SECRET = "benchmark-secret-for-echolist-hub-0123456789"  # noqa: S105 - a throwaway local hub
# The mix a marketplace chat sees: mostly ordinary, some contact sharing, a little scam.
TEXTS = [
    "Hi, is this still available?",
    "Could you do 180 if I pick it up today?",
    "What size is the frame?",
    "Great, see you Saturday at 10",
    "Does it come with the pedals?",
    "Any scratches or dents I should know about?",
    "Thanks, that works for me",
    "Call me at 5551234567 so we can sort it out",
    "Can I pay you with Zelle instead?",
    "Please send me the verification code you got by sms",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_healthy(url: str, proc: subprocess.Popen[bytes], deadline_s: float = 60) -> None:
    deadline = time.monotonic() + deadline_s
    async with aiohttp.ClientSession() as s:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"hub exited with {proc.returncode}")
            try:
                async with s.get(f"{url}/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError("hub did not become healthy")


def start_hub(args: argparse.Namespace, moderated: bool, data_dir: Path, port: int) -> Any:
    env = dict(os.environ)
    env.update(
        HUB_DATA_DIR=str(data_dir),
        HUB_JWT_SECRET=SECRET,
        HUB_MODERATION_ENABLED="1" if moderated else "0",
        HUB_SEED_DEMO="0",
        HUB_LOG_LEVEL="WARNING",
        HUB_RATE_LIMIT_EVENTS="1000000",
    )
    if args.database_url:
        env["HUB_DATABASE_URL"] = args.database_url
    if args.redis_url:
        env["HUB_REDIS_URL"] = args.redis_url
    cmd = [sys.executable, "-m", "hub", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(cmd, cwd=ROOT, env=env)


class Pair:
    def __init__(self, url: str, settings: Settings, run_id: str, index: int) -> None:
        self.url = url
        self.buyer_id = f"bench-{run_id}-b{index}"
        self.seller_id = f"bench-{run_id}-s{index}"
        self.listing_id = f"bench-{run_id}-l{index}"
        self.settings = settings
        self.buyer = socketio.AsyncClient(reconnection=False)
        self.seller = socketio.AsyncClient(reconnection=False)
        self.conversation_id = ""

    async def setup(self, http: aiohttp.ClientSession) -> None:
        body = {
            "seller_id": self.seller_id,
            "title": "Benchmark bike",
            "price_cents": 20000,
            "currency": "USD",
            "status": "active",
            "local_pickup": True,
        }
        headers = {"Authorization": f"Bearer {mint(self.settings, 'bench', 'service')}"}
        async with http.put(
            f"{self.url}/api/listings/{self.listing_id}", json=body, headers=headers
        ) as r:
            r.raise_for_status()
        for client, user in ((self.buyer, self.buyer_id), (self.seller, self.seller_id)):
            auth = {"token": mint(self.settings, user, "user")}
            await client.connect(self.url, auth=auth, transports=["websocket"], wait_timeout=20)
        ack = await self.buyer.call("conversation.open", {"listing_id": self.listing_id})
        self.conversation_id = ack["conversation"]["id"]

    async def send(self, text: str) -> tuple[float, str]:
        started = time.perf_counter()
        body = {
            "conversation_id": self.conversation_id,
            "client_msg_id": uuid.uuid4().hex,
            "text": text,
        }
        ack = await self.buyer.call("message.send", body, timeout=60)
        elapsed = (time.perf_counter() - started) * 1000.0
        return elapsed, ack["message"]["status"] if ack.get("ok") else ack["error"]["code"]

    async def close(self) -> None:
        await self.buyer.disconnect()
        await self.seller.disconnect()


async def drive(pair: Pair, count: int, window: int, offset: int) -> list[tuple[float, str]]:
    """Send ``count`` messages keeping ``window`` in flight; same text sequence every run."""
    results: list[tuple[float, str]] = []
    queue = list(range(count))

    async def lane() -> None:
        while queue:
            i = queue.pop(0)
            results.append(await pair.send(TEXTS[(offset + i) % len(TEXTS)]))

    await asyncio.gather(*(lane() for _ in range(window)))
    return results


async def one_run(args: argparse.Namespace, moderated: bool) -> dict[str, Any]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(jwt_secret=SECRET, data_dir=Path(tempfile.mkdtemp()))
    with tempfile.TemporaryDirectory() as data_dir:
        proc = start_hub(args, moderated, Path(data_dir), port)
        try:
            await wait_healthy(url, proc)
            return await measure(args, url, settings, moderated)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


async def measure(
    args: argparse.Namespace, url: str, settings: Settings, moderated: bool
) -> dict[str, Any]:
    run_id = uuid.uuid4().hex[:8]
    pairs = [Pair(url, settings, run_id, i) for i in range(args.pairs)]
    async with aiohttp.ClientSession() as http:
        for p in pairs:
            await p.setup(http)
        readiness = await (await http.get(f"{url}/readyz")).json()
    await asyncio.gather(*(p.send(TEXTS[0]) for p in pairs))  # warm-up, not measured
    started = time.perf_counter()
    runs = await asyncio.gather(
        *(drive(p, args.messages, args.window, i) for i, p in enumerate(pairs))
    )
    wall = time.perf_counter() - started
    for p in pairs:
        await p.close()
    async with aiohttp.ClientSession() as http, http.get(f"{url}/metrics") as r:
        metrics = await r.text()
    lat = np.array([ms for run in runs for ms, _ in run])
    statuses: dict[str, int] = {}
    for run in runs:
        for _, status in run:
            statuses[status] = statuses.get(status, 0) + 1
    p50, p95, p99 = np.percentile(lat, [50, 95, 99])
    return {
        "moderation": moderated,
        "model": readiness.get("checks", {}).get("model", "off"),
        "messages": int(lat.size),
        "wall_s": round(wall, 3),
        "throughput_msgs_per_s": round(lat.size / wall, 1),
        "ack_latency_ms": {"p50": round(p50, 2), "p95": round(p95, 2), "p99": round(p99, 2)},
        "statuses": statuses,
        "pipeline_ms_mean": _mean_ms(metrics, "hub_moderation_seconds"),
        "send_handler_ms_mean": _mean_ms(metrics, "hub_event_seconds", 'event="message.send"'),
    }


def _mean_ms(metrics: str, name: str, label: str = "") -> float | None:
    """Mean of a Prometheus histogram from the hub's /metrics text, in ms."""
    values: dict[str, float] = {}
    for line in metrics.splitlines():
        for part in ("_sum", "_count"):
            if line.startswith(name + part) and label in line:
                values[part] = float(line.rsplit(" ", 1)[1])
    if not values.get("_count"):
        return None
    return round(values["_sum"] / values["_count"] * 1000.0, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--messages", type=int, default=100, help="per buyer")
    parser.add_argument("--window", type=int, default=2, help="sends in flight per buyer")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results")
    args = parser.parse_args()
    off = asyncio.run(one_run(args, moderated=False))
    on = asyncio.run(one_run(args, moderated=True))
    report = {
        "benchmark": "moderated_chat_compare",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "host": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load": {"pairs": args.pairs, "messages_per_buyer": args.messages, "window": args.window},
        "backend": "production" if args.database_url else "embedded",
        "off": off,
        "on": on,
        "ratio_on_over_off": {
            "throughput": round(on["throughput_msgs_per_s"] / off["throughput_msgs_per_s"], 3),
            "p50_latency": round(on["ack_latency_ms"]["p50"] / off["ack_latency_ms"]["p50"], 3),
            "p95_latency": round(on["ack_latency_ms"]["p95"] / off["ack_latency_ms"]["p95"], 3),
        },
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "moderated_chat_compare.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
