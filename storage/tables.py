"""SQLAlchemy table definitions: the one schema for SQLite and MariaDB.

Alembic migrations in ``storage/migrations`` mirror these tables; a unit test compares the two.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = sa.String(64)
UUID = sa.String(36)
# Microsecond timestamps on MariaDB; SQLite stores ISO text and keeps them too.
TIME = sa.DateTime(timezone=False).with_variant(sa.dialects.mysql.DATETIME(fsp=6), "mysql")

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("last_seen_at", TIME, nullable=False),
)

listings = sa.Table(
    "listings",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("seller_id", ID, nullable=False, index=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("price_cents", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("local_pickup", sa.Boolean, nullable=False),
    sa.Column("updated_at", TIME, nullable=False),
)

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", UUID, primary_key=True),
    sa.Column("listing_id", ID, nullable=False),
    sa.Column("buyer_id", ID, nullable=False, index=True),
    sa.Column("seller_id", ID, nullable=False, index=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False, default=0),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("updated_at", TIME, nullable=False),
    sa.UniqueConstraint("listing_id", "buyer_id"),
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", UUID, primary_key=True),
    sa.Column("conversation_id", UUID, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("sender_id", ID, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    # NULL: both participants see it; otherwise only this user (held, blocked, one-sided tips).
    sa.Column("visible_to", ID, nullable=True),
    sa.Column("client_msg_id", sa.String(64), nullable=True),
    sa.Column("offer_id", UUID, nullable=True),
    sa.Column("moderation", sa.JSON, nullable=True),
    sa.Column("created_at", TIME, nullable=False),
    sa.UniqueConstraint("conversation_id", "seq"),
    sa.UniqueConstraint("sender_id", "client_msg_id"),
)

read_cursors = sa.Table(
    "read_cursors",
    metadata,
    sa.Column("conversation_id", UUID, primary_key=True),
    sa.Column("user_id", ID, primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("updated_at", TIME, nullable=False),
)
