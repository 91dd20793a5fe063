"""``python -m benchmarks``: run, sweep, compare, relay, moderation."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from benchmarks import report, runner
from benchmarks import sweep as sweeping
from benchmarks.scenarios import RELAY_SCENARIOS, SCENARIOS
from benchmarks.scenarios.common import Progress, RunConfig
from benchmarks.target import SpawnSpec, Target, TargetError, external, pin, spawn_hub, spawn_relay

DEFAULT_OUT = Path("var/benchmarks")


def _cpus(text: str) -> tuple[int, ...]:
    return tuple(int(c) for c in text.split(",") if c.strip())


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    t = p.add_argument_group("target (default: --spawn embedded)")
    t.add_argument("--url", action="append", help="a running hub node (repeat for several)")
    t.add_argument(
        "--secret",
        help="HS256 secret of a running hub (default: $HUB_JWT_SECRET, "
        "or the development secret in --data-dir)",
    )
    t.add_argument("--data-dir", type=Path, default=Path("var"))
    t.add_argument(
        "--hub-pid",
        type=int,
        action="append",
        default=[],
        help="pid of a running node, to sample its CPU and RSS",
    )
    t.add_argument("--spawn", choices=["embedded", "production"])
    t.add_argument("--nodes", type=int, default=1, help="spawned nodes (production only)")
    t.add_argument("--moderation", choices=["on", "off"], default="on")
    t.add_argument(
        "--hub-env",
        action="append",
        default=[],
        metavar="HUB_X=V",
        help="extra settings for spawned nodes",
    )
    t.add_argument("--server-cpus", type=_cpus, default=(0,), help="CPUs for spawned servers")
    t.add_argument("--client-cpus", type=_cpus, default=(1,), help="CPUs for the load generator")
    t.add_argument("--allow-remote", action="store_true", help="allow non-loopback targets")
    t.add_argument(
        "--reference",
        action="store_true",
        help="also run the scenario against the bare python-socketio relay",
    )
    t.add_argument("--relay-uvloop", action="store_true", help="run the relay on uvloop")
    load = p.add_argument_group("load")
    load.add_argument("--users", type=int, default=20)
    load.add_argument(
        "--rate", type=float, default=200.0, help="offered msgs (or updates) per second"
    )
    load.add_argument("--duration", type=float, default=10.0, help="measured seconds")
    load.add_argument(
        "--warmup", type=float, default=2.0, help="uncounted seconds before measuring"
    )
    load.add_argument("--max-messages", type=int, default=1_000_000)
    load.add_argument("--drain", type=float, default=10.0, help="seconds to wait for stragglers")
    load.add_argument("--connect-concurrency", type=int, default=200)
    load.add_argument("--text-bytes", type=int, default=64)
    load.add_argument(
        "--deflate", action="store_true", help="offer permessage-deflate, as browsers do"
    )
    load.add_argument("--missed", type=int, default=2, help="reconnect-storm: messages missed each")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--name", help="file name stem of the report")
    p.add_argument("--quiet", action="store_true", help="no progress lines")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="one run of a scenario")
    _common(run)
    sw = sub.add_parser("sweep", help="raise the rate until p99 passes a bound; report the knee")
    _common(sw)
    sw.add_argument("--start-rate", type=float, default=250.0)
    sw.add_argument("--factor", type=float, default=1.25)
    sw.add_argument("--max-rate", type=float, default=20_000.0)
    sw.add_argument("--p99-ms", type=float, default=100.0)
    cmp_ = sub.add_parser("compare", help="two reports side by side, as ratios B/A")
    cmp_.add_argument("a", type=Path)
    cmp_.add_argument("b", type=Path)
    sub.add_parser("relay", help="run the reference relay in the foreground", add_help=False)
    sub.add_parser("moderation", help="moderation pipeline micro-benchmarks", add_help=False)
    return p


def config(args: argparse.Namespace) -> RunConfig:
    return RunConfig(
        users=args.users,
        rate=args.rate,
        duration=args.duration,
        warmup=args.warmup,
        max_messages=args.max_messages,
        drain_s=args.drain,
        connect_concurrency=args.connect_concurrency,
        text_bytes=args.text_bytes,
        deflate=args.deflate,
        extra={"missed": args.missed},
    )


def _secret(args: argparse.Namespace) -> str | None:
    if args.secret:
        return str(args.secret)
    if os.environ.get("HUB_JWT_SECRET"):
        return os.environ["HUB_JWT_SECRET"]
    dev = args.data_dir / "dev-jwt-secret"
    return dev.read_text().strip() if dev.exists() else None


@contextlib.asynccontextmanager
async def hub_target(args: argparse.Namespace) -> AsyncIterator[Target]:
    if args.url and not args.spawn:
        yield external(args.url, _secret(args), args.hub_pid, args.allow_remote)
        return
    env = tuple((k, v) for k, _, v in (kv.partition("=") for kv in args.hub_env))
    spec = SpawnSpec(
        backend=args.spawn or "embedded",
        nodes=args.nodes,
        moderation=args.moderation == "on",
        server_cpus=args.server_cpus,
        env=env,
    )
    async with spawn_hub(spec) as target:
        yield target


async def cmd_run(args: argparse.Namespace) -> dict[str, Any]:
    cfg, progress = config(args), Progress(None if args.quiet else sys.stderr)
    async with hub_target(args) as target:
        result = await runner.run_once(args.scenario, target, cfg, progress)
    if args.reference:
        if args.scenario not in RELAY_SCENARIOS:
            raise TargetError(f"the relay answers only {sorted(RELAY_SCENARIOS)}")
        progress.phase("reference: the same load against the bare python-socketio relay")
        async with spawn_relay(args.server_cpus, args.relay_uvloop) as relay:
            ref = await runner.run_once(args.scenario, relay, cfg, progress)
        result = runner.with_reference(result, ref)
    json_path, png_path = report.write(result, args.out, args.name)
    print(report.summary(result))
    print(f"wrote {json_path} and {png_path}")
    return result


async def cmd_sweep(args: argparse.Namespace) -> dict[str, Any]:
    cfg, progress = config(args), Progress(None if args.quiet else sys.stderr)
    steps = sweeping.rates(args.start_rate, args.factor, args.max_rate)

    def show(step: dict[str, Any]) -> None:
        print(
            f"  {step['rate']:>8}/s offered {step['offered_rate']:>8} delivered "
            f"{step['delivered_rate']:>8} p99 {step['e2e_ms']['p99']:>8} ms "
            f"{'holds' if step['holds'] else 'FAILS'}",
            flush=True,
        )

    runs: dict[str, Any] = {}
    async with hub_target(args) as target:
        runs["hub"] = await sweeping.sweep(
            cfg,
            lambda c: runner.run_once(args.scenario, target, c, progress),
            steps,
            args.p99_ms,
            show,
        )
    if args.reference:
        async with spawn_relay(args.server_cpus, args.relay_uvloop) as relay:
            runs["relay"] = await sweeping.sweep(
                cfg,
                lambda c: runner.run_once(args.scenario, relay, c, progress),
                steps,
                args.p99_ms,
                show,
            )
    result = {
        "scenario": args.scenario,
        "p99_bound_ms": args.p99_ms,
        "runs": runs,
        "knees": {k: v["knee_rate"] for k, v in runs.items()},
    }
    if "relay" in runs and runs["relay"]["knee_rate"]:
        result["hub_to_relay"] = round(runs["hub"]["knee_rate"] / runs["relay"]["knee_rate"], 3)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.name or f"sweep-{args.scenario}"
    (args.out / f"{stem}.json").write_text(json.dumps(result, indent=2))
    sweeping.plot(
        result, args.out / f"{stem}.png", f"sweep {args.scenario}: knees {result['knees']}"
    )
    print(
        f"knees (msgs/s at p99 <= {args.p99_ms} ms): {result['knees']}"
        + (f", hub/relay {result['hub_to_relay']}" if "hub_to_relay" in result else "")
    )
    return result


def cmd_compare(args: argparse.Namespace) -> None:
    a, b = json.loads(args.a.read_text()), json.loads(args.b.read_text())
    print(report.format_compare(a, b, (args.a.stem[:15], args.b.stem[:15])))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["relay"]:
        from benchmarks import relay

        sys.argv = ["benchmarks.relay", *argv[1:]]
        relay.main()
        return 0
    if argv[:1] == ["moderation"]:
        return _moderation(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "compare":
        cmd_compare(args)
        return 0
    pin(0, args.client_cpus)
    _install_uvloop()
    try:
        asyncio.run(cmd_run(args) if args.command == "run" else cmd_sweep(args))
    except TargetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


def _install_uvloop() -> None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux and macOS
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def _moderation(argv: list[str]) -> int:
    """Hand over to the moderation micro-benchmarks (benchmarks/moderation.py, issue 3)."""
    try:
        from benchmarks import moderation
    except ImportError:
        print(
            "benchmarks/moderation.py is not there yet (moderation pipeline, issue 3)",
            file=sys.stderr,
        )
        return 2
    sys.argv = ["benchmarks.moderation", *argv]
    moderation.main()
    return 0
