"""Writes that SQLite and MySQL spell differently (upsert), and insert-unless-present."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.engine import is_unique_violation


async def upsert(
    conn: AsyncConnection,
    table: sa.Table,
    values: Mapping[str, Any],
    *,
    keys: Sequence[str],
    update: Mapping[str, Any],
) -> None:
    """Insert ``values``; on a duplicate of ``keys`` set ``update`` (column -> value or callable).

    A callable in ``update`` receives (current column, proposed value) and returns an expression,
    e.g. ``lambda cur, new: sa.func.max(cur, new)`` to keep a cursor monotonic.
    """
    if conn.dialect.name == "mysql":
        stmt = mysql.insert(table).values(**values)
        proposed = stmt.inserted
        sets = {k: _expr(table.c[k], proposed[k], v, mysql_dialect=True) for k, v in update.items()}
        await conn.execute(stmt.on_duplicate_key_update(**sets))
    else:
        sstmt = sqlite.insert(table).values(**values)
        sproposed = sstmt.excluded
        sets = {
            k: _expr(table.c[k], sproposed[k], v, mysql_dialect=False) for k, v in update.items()
        }
        await conn.execute(sstmt.on_conflict_do_update(index_elements=list(keys), set_=sets))


def _expr(current: Any, proposed: Any, rule: Any, *, mysql_dialect: bool) -> Any:
    if rule is MAX:
        fn = sa.func.greatest if mysql_dialect else sa.func.max
        return fn(current, proposed)
    if rule is PROPOSED:
        return proposed
    return rule


class _Marker:
    __slots__ = ()


MAX = _Marker()
"""Keep the larger of the stored and the proposed value."""
PROPOSED = _Marker()
"""Take the proposed value."""


async def insert_new(conn: AsyncConnection, table: sa.Table, values: Mapping[str, Any]) -> bool:
    """Insert one row inside a savepoint; False (and nothing written) when a unique key exists.

    The caller's transaction stays usable either way, so "insert unless already there" can sit in
    the middle of a larger unit of work (inbox dedupe, replay protection, one-per-key rules).
    """
    try:
        async with conn.begin_nested():
            await conn.execute(sa.insert(table).values(**values))
    except exc.IntegrityError as e:
        if not is_unique_violation(e):
            raise
        return False
    return True
