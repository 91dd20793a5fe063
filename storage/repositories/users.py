"""Users seen by the hub (ids come from the auth service)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.repositories.writes import PROPOSED, upsert
from storage.tables import users


async def touch(conn: AsyncConnection, user_id: str, role: str, now: datetime) -> None:
    """Record that ``user_id`` connected (created on first sight)."""
    await upsert(
        conn,
        users,
        {"id": user_id, "role": role, "created_at": now, "last_seen_at": now},
        keys=["id"],
        update={"role": PROPOSED, "last_seen_at": PROPOSED},
    )
