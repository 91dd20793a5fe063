"""The Alembic migrations build exactly the schema that storage/tables.py declares."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from storage import migrate
from storage.engine import Database
from storage.tables import metadata


def _diff(conn: Connection) -> list[object]:
    ctx = MigrationContext.configure(conn, opts={"compare_type": True})
    return [d for d in compare_metadata(ctx, metadata) if not _is_alembic_table(d)]


def _is_alembic_table(diff: object) -> bool:
    return (
        isinstance(diff, tuple)
        and len(diff) > 1
        and getattr(diff[1], "name", "") == "alembic_version"
    )


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_migrations_match_tables(tmp_path: Path, backend: str) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'schema.sqlite3'}")
    try:
        await migrate.upgrade(db)
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(_diff)
    finally:
        await db.dispose()
    assert diff == []


async def test_upgrade_twice_is_a_no_op(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'twice.sqlite3'}")
    try:
        await migrate.upgrade(db)
        await migrate.upgrade(db)
        async with db.read() as conn:
            from sqlalchemy import text

            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    finally:
        await db.dispose()
    assert versions
