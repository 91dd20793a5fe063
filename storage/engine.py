"""Async engine and transactions for SQLite (embedded) and MariaDB/MySQL (production)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from storage.errors import Unavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

# MariaDB: 1213 deadlock, 1205 lock wait timeout. Both are safe to retry as a whole transaction.
_RETRYABLE_MYSQL = {1213, 1205}


class Database:
    """One engine, and the only way the rest of the code opens connections and transactions."""

    def __init__(self, url: str, *, pool_size: int = 10, echo: bool = False) -> None:
        parsed = make_url(url)
        self.url = url
        self.dialect = parsed.get_backend_name()
        # No pool_pre_ping: it costs a round trip per checkout. Connections are recycled before
        # the server's idle timeout, and a transaction that meets a dropped connection is run
        # again once on a fresh one (``run``); the pool then replaces its older connections.
        kwargs: dict[str, Any] = {"echo": echo}
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # One connection: SQLite serializes writers anyway, and one connection never sees
            # "database is locked". Readers queue behind writers, which is fine embedded.
            kwargs.update(poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0)
        else:
            kwargs.update(
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_recycle=1800,
                isolation_level="READ COMMITTED",
            )
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A connection inside one transaction: committed on success, rolled back on error."""
        try:
            async with self.engine.begin() as conn:
                yield conn
        except exc.InterfaceError as e:
            raise Unavailable("database connection failed") from e

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads (autocommitted at the end)."""
        async with self.engine.connect() as conn:
            yield conn

    async def run(self, work: Callable[[AsyncConnection], Awaitable[T]], *, attempts: int = 4) -> T:
        """Run ``work`` in a transaction, retrying the whole of it on deadlocks, and once on a
        connection found dropped (nothing of a transaction survives its connection)."""
        reconnected = False
        for attempt in range(1, attempts + 1):
            try:
                async with self.transaction() as conn:
                    return await work(conn)
            except exc.DBAPIError as e:
                if e.connection_invalidated and not reconnected:
                    reconnected = True
                    log.info("retrying transaction on a new connection after a disconnect")
                    continue
                code = _retryable_code(e)
                if code is None or attempt == attempts:
                    raise
                log.info("retrying transaction after MySQL error %s (attempt %d)", code, attempt)
                await asyncio.sleep(0.005 * attempt)
            except Unavailable as e:
                cause = e.__cause__
                if reconnected or not getattr(cause, "connection_invalidated", False):
                    raise
                reconnected = True
                log.info("retrying transaction on a new connection after a disconnect")
        raise Unavailable("the database kept failing")

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def _mysql_code(e: exc.DBAPIError) -> int | None:
    args = getattr(e.orig, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def _retryable_code(e: BaseException) -> int | None:
    """The deadlock or lock-timeout code behind ``e``, if any.

    A deadlock inside a SAVEPOINT rolls the whole InnoDB transaction back, so SQLAlchemy's
    ROLLBACK TO SAVEPOINT then fails with 1305 ("SAVEPOINT does not exist"): the deadlock is in
    the exception's context, and the whole transaction is still safe to run again.
    """
    seen: BaseException | None = e
    for _ in range(6):
        if seen is None:
            return None
        if isinstance(seen, exc.DBAPIError):
            code = _mysql_code(seen)
            if code in _RETRYABLE_MYSQL:
                return code
        seen = seen.__cause__ or seen.__context__
    return None


def is_unique_violation(e: exc.IntegrityError) -> bool:
    """True for a duplicate-key error on either backend."""
    code = _mysql_code(e)
    if code is not None:
        return code == 1062
    return "UNIQUE constraint failed" in str(e.orig)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()
