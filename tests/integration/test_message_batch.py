"""Batched message appends on SQLite and MariaDB: seqs in submission order, gap-free, and a
repeated (sender, client_msg_id) answered exactly as if each append ran alone. Also the
engine's one retry when a pooled connection turns out to be dead (no pre-ping)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage import migrate
from storage.engine import Database
from storage.repositories import conversations as convs
from storage.repositories.message_batch import AppendBatcher
from storage.repositories.messages import DuplicateMessage, NewMessage
from storage.tables import conversations, messages


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@pytest.fixture
async def db(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Database]:
    if backend == "production":
        database = Database(request.getfixturevalue("mariadb"), pool_size=2)
    else:
        database = Database(f"sqlite+aiosqlite:///{tmp_path / 'batch.sqlite3'}")
        await migrate.upgrade(database)
    yield database
    await database.dispose()


async def _conversation(db: Database) -> str:
    tag = uuid.uuid4().hex[:12]
    async with db.transaction() as conn:
        conv = await convs.create(conn, f"l-{tag}", f"b-{tag}", f"s-{tag}", _now())
    assert conv is not None
    return conv.id


async def _cleanup(db: Database, ids: list[str]) -> None:
    async with db.transaction() as conn:
        await conn.execute(sa.delete(messages).where(messages.c.conversation_id.in_(ids)))
        await conn.execute(sa.delete(conversations).where(conversations.c.id.in_(ids)))


async def test_concurrent_appends_share_a_batch_and_keep_order(db: Database) -> None:
    a, b = await _conversation(db), await _conversation(db)
    batcher = AppendBatcher(db, _now, linger_s=0.01)
    try:
        news = [
            NewMessage(cid, f"u-{cid}", "text", f"m{i}", client_msg_id=f"k{i}")
            for i in range(12)
            for cid in ((a, b)[i % 2],)
        ]
        stored = await asyncio.gather(*(batcher.submit(n) for n in news))
        seqs = {a: [m.message.seq for m in stored[0::2]], b: [m.message.seq for m in stored[1::2]]}
        assert seqs == {a: list(range(1, 7)), b: list(range(1, 7))}
        assert len({m.message.created_at for m in stored}) == 1  # one transaction stored all
        async with db.read() as conn:
            stmt = sa.select(conversations.c.id, conversations.c.last_seq).where(
                conversations.c.id.in_([a, b])
            )
            last = {cid: seq for cid, seq in (await conn.execute(stmt)).all()}
        assert last == {a: 6, b: 6}
    finally:
        await batcher.close()
        await _cleanup(db, [a, b])


async def test_a_repeat_in_the_batch_fails_alone(db: Database) -> None:
    a = await _conversation(db)
    batcher = AppendBatcher(db, _now, linger_s=0.01)
    try:
        sender = f"u-{a}"
        ids = ["x", "y", "x", "z"]  # the second "x" repeats the first
        futures = [batcher.submit(NewMessage(a, sender, "text", i, client_msg_id=i)) for i in ids]
        results = await asyncio.gather(*futures, return_exceptions=True)
        assert isinstance(results[2], DuplicateMessage)
        ok = [r for i, r in enumerate(results) if i != 2]
        assert [r.message.seq for r in ok] == [1, 2, 3]  # type: ignore[union-attr]
        assert [r.message.client_msg_id for r in ok] == ["x", "y", "z"]  # type: ignore[union-attr]
        async with db.read() as conn:
            stored = (
                await conn.execute(sa.select(messages.c.seq).where(messages.c.conversation_id == a))
            ).all()
        assert sorted(s for (s,) in stored) == [1, 2, 3]  # no gap from the rolled-back batch
    finally:
        await batcher.close()
        await _cleanup(db, [a])


async def test_a_dead_pooled_connection_is_replaced_once(mariadb: str) -> None:
    db = Database(mariadb, pool_size=1)
    killer = Database(mariadb, pool_size=1)
    try:
        async with db.read() as conn:
            victim = (await conn.execute(sa.text("SELECT CONNECTION_ID()"))).scalar_one()
        async with killer.read() as conn:
            await conn.execute(sa.text(f"KILL {int(victim)}"))

        async def work(conn: sa.ext.asyncio.AsyncConnection) -> int:
            return int((await conn.execute(sa.text("SELECT CONNECTION_ID()"))).scalar_one())

        assert await db.run(work) != victim  # ran again on a new connection
    finally:
        await db.dispose()
        await killer.dispose()
