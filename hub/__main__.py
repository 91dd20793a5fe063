"""The ``hub`` command: serve, worker, token, db upgrade, moderation-export."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hub.settings import Settings

if TYPE_CHECKING:
    from commerce.escrow_worker import StripeWorkerConfig

log = logging.getLogger("hub")


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _install_uvloop() -> None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux and macOS
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from aiohttp import web

    from hub.app import create_app

    if settings.jwt_secret is None:
        log.warning(
            "HUB_JWT_SECRET is not set: using the development secret in %s (for trying the hub; "
            "never in production). Mint a token with: hub token --sub alice",
            settings.data_dir / "dev-jwt-secret",
        )
    if settings.embedded:
        log.info(
            "embedded default: SQLite at %s, in-process fan-out and bus, simulated payments",
            settings.effective_database_url,
        )
    _install_uvloop()
    web.run_app(
        create_app(settings),
        host=args.host,
        port=args.port,
        shutdown_timeout=settings.shutdown_grace_s,
        access_log=None,
        print=lambda m: log.info("%s", m.strip()),
    )
    return 0


def cmd_token(settings: Settings, args: argparse.Namespace) -> int:
    from hub.auth import mint

    print(mint(settings, args.sub, args.role, args.ttl))
    return 0


def cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from storage import migrate
    from storage.engine import Database

    async def run() -> None:
        db = Database(settings.effective_database_url)
        try:
            if args.action == "upgrade":
                await migrate.upgrade(db, args.revision)
            else:
                await migrate.downgrade(db, args.revision)
        finally:
            await db.dispose()

    asyncio.run(run())
    log.info("database %s to %s done", args.action, args.revision)
    return 0


def cmd_moderation_export(settings: Settings, args: argparse.Namespace) -> int:
    """Write the moderators' decisions as labelled messages (`hub/training_export.py`)."""
    import json
    from datetime import UTC, datetime

    from sqlalchemy.exc import SQLAlchemyError

    from hub.training_export import export_decisions
    from storage.engine import Database

    since = None
    if args.since:
        try:
            since = datetime.fromisoformat(args.since.replace("Z", "+00:00"))
        except ValueError:
            log.error("--since %r is not an ISO date or time (e.g. 2026-12-01)", args.since)
            return 2
        if since.tzinfo is not None:
            since = since.astimezone(UTC).replace(tzinfo=None)

    async def run(out: TextIO) -> dict[str, object]:
        db = Database(settings.effective_database_url)
        try:
            return (await export_decisions(db, out, since=since)).to_dict()
        finally:
            await db.dispose()

    try:
        if args.out == "-":
            counts = asyncio.run(run(sys.stdout))
        else:
            partial = Path(args.out + ".partial")
            try:
                with partial.open("w", encoding="utf-8") as fh:
                    counts = asyncio.run(run(fh))
            except BaseException:
                partial.unlink(missing_ok=True)  # whole or not at all
                raise
            partial.replace(args.out)
    except (OSError, SQLAlchemyError) as exc:
        log.error("moderation export failed, nothing written: %s", exc)
        return 1
    print(json.dumps(counts), file=sys.stderr)
    return 0


def cmd_worker(settings: Settings, _args: argparse.Namespace) -> int:
    from commerce.worker import WorkerConfig, serve

    if not settings.amqp_url or not settings.database_url:
        log.error(
            "hub worker needs HUB_AMQP_URL and HUB_DATABASE_URL; on the embedded default the "
            "commerce services run inside `hub serve`"
        )
        return 2
    config = WorkerConfig(
        database_url=settings.database_url,
        amqp_url=settings.amqp_url,
        namespace=settings.amqp_namespace,
        outbox_poll_s=settings.outbox_poll_s,
        max_deliveries=settings.amqp_max_deliveries,
        prefetch=settings.amqp_prefetch,
        grace_s=settings.shutdown_grace_s,
        handler_delay_s=settings.testing_commerce_handler_delay_s,
        buyshield=_buyshield_worker_config(settings),
    )
    _install_uvloop()
    asyncio.run(serve(config))
    return 0


def _buyshield_worker_config(settings: Settings) -> StripeWorkerConfig | None:
    """BuyShield in workers needs Stripe (the simulated provider lives in `hub serve`)."""
    from datetime import timedelta

    from commerce.escrow_worker import StripeWorkerConfig

    key, secret = settings.stripe_api_key, settings.stripe_webhook_secret
    if key is None or secret is None:
        log.warning("no HUB_STRIPE_API_KEY/HUB_STRIPE_WEBHOOK_SECRET: BuyShield commands skipped")
        return None
    return StripeWorkerConfig(
        api_key=key.get_secret_value(),
        webhook_secret=secret.get_secret_value(),
        api_base=settings.stripe_api_base,
        hold=timedelta(hours=settings.buyshield_hold_hours),
        sweep_s=settings.buyshield_sweep_s,
        max_code_attempts=settings.buyshield_max_code_attempts,
        photo_dir=settings.photo_dir or settings.data_dir / "photos",
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hub", description="EchoList Hub")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run a hub node")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.set_defaults(func=cmd_serve)
    token = sub.add_parser("token", help="mint a JWT with the configured secret")
    token.add_argument("--sub", required=True, help="user id")
    token.add_argument("--role", default="user", choices=["user", "moderator", "admin", "service"])
    token.add_argument("--ttl", type=int, default=24 * 3600, help="seconds until it expires")
    token.set_defaults(func=cmd_token)
    worker = sub.add_parser("worker", help="run the commerce services (needs RabbitMQ)")
    worker.set_defaults(func=cmd_worker)
    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "downgrade"])
    db.add_argument("revision", nargs="?", default="heads")
    db.set_defaults(func=cmd_db)
    export = sub.add_parser(
        "moderation-export",
        help="write the moderators' decisions as labelled messages for the next model",
    )
    export.add_argument("--out", required=True, help="a JSON-lines file, or - for stdout")
    export.add_argument("--since", help="only decisions at or after this ISO date or time (UTC)")
    export.set_defaults(func=cmd_moderation_export)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    _setup_logging(settings.log_level)
    return int(args.func(settings, args))


if __name__ == "__main__":
    sys.exit(main())
