"""Alembic migrations, run programmatically on our async engine."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from storage.engine import Database

_HERE = Path(__file__).parent


def _config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE / "migrations"))
    cfg.attributes["connection"] = conn
    return cfg


async def upgrade(db: Database, revision: str = "heads") -> None:
    """Bring the schema up to ``revision``. Safe to run when it is already there."""
    async with db.engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(_config(sync), revision))


async def downgrade(db: Database, revision: str) -> None:
    async with db.engine.begin() as conn:
        await conn.run_sync(lambda sync: command.downgrade(_config(sync), revision))
