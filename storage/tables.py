"""SQLAlchemy table definitions: the one schema for SQLite and MariaDB.

Alembic migrations in ``storage/migrations`` mirror these tables; a unit test compares the two.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

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
TIME = sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql")

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

# -- commerce (issue 4): offers, transactions, the outbox and the consumers' inbox ------------
# Offer ids are UUIDs; BigInteger autoincrement needs INTEGER on SQLite to be the rowid.
SERIAL = sa.BigInteger().with_variant(sa.Integer, "sqlite")

offers = sa.Table(
    "offers",
    metadata,
    sa.Column("id", UUID, primary_key=True),
    sa.Column("conversation_id", UUID, nullable=False, index=True),
    sa.Column("listing_id", ID, nullable=False),
    sa.Column("buyer_id", ID, nullable=False),
    sa.Column("seller_id", ID, nullable=False),
    sa.Column("made_by", ID, nullable=False),
    sa.Column("amount_cents", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("parent_id", UUID, nullable=True),
    # The conversation id while pending, else NULL: one pending offer per conversation, on any
    # number of nodes, enforced by the unique key (NULLs do not collide).
    sa.Column("pending_key", UUID, nullable=True, unique=True),
    sa.Column("expires_at", TIME, nullable=False),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("updated_at", TIME, nullable=False),
    sa.Index("ix_offers_status_expires_at", "status", "expires_at"),
)

transactions = sa.Table(
    "transactions",
    metadata,
    sa.Column("id", UUID, primary_key=True),
    sa.Column("offer_id", UUID, nullable=False, unique=True),
    sa.Column("listing_id", ID, nullable=False, index=True),
    sa.Column("buyer_id", ID, nullable=False),
    sa.Column("seller_id", ID, nullable=False),
    sa.Column("amount_cents", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("updated_at", TIME, nullable=False),
)

# A listing with a sale in progress (set by the transaction service): one per listing.
listing_holds = sa.Table(
    "listing_holds",
    metadata,
    sa.Column("listing_id", ID, primary_key=True),
    sa.Column("transaction_id", UUID, nullable=False),
    sa.Column("created_at", TIME, nullable=False),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
    sa.Column("message_id", UUID, nullable=False, unique=True),
    sa.Column("exchange", sa.String(128), nullable=False),
    sa.Column("routing_key", sa.String(64), nullable=False),
    sa.Column("correlation_id", sa.String(64), nullable=True),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("sent_at", TIME, nullable=True),
    sa.Index("ix_outbox_sent_at_id", "sent_at", "id"),
)

processed_messages = sa.Table(
    "processed_messages",
    metadata,
    sa.Column("consumer", sa.String(128), primary_key=True),
    sa.Column("message_id", sa.String(64), primary_key=True),
    sa.Column("processed_at", TIME, nullable=False),
)

# -- moderation (issue 5): the moderators' queue of held messages and the decisions' audit ------
moderation_queue = sa.Table(
    "moderation_queue",
    metadata,
    sa.Column("message_id", UUID, primary_key=True),
    sa.Column("conversation_id", UUID, nullable=False),
    sa.Column("sender_id", ID, nullable=False),
    sa.Column("recipient_id", ID, nullable=False),
    # pending, approved or removed; a decision is a compare-and-set from pending.
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("verdict", sa.JSON, nullable=False),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("decided_by", ID, nullable=True),
    sa.Column("decided_at", TIME, nullable=True),
    sa.Index("ix_moderation_queue_status_created_at", "status", "created_at"),
    # `hub moderation-export` pages through decided items in the order they were decided.
    sa.Index("ix_moderation_queue_decided_at", "decided_at", "message_id"),
)

moderation_decisions = sa.Table(
    "moderation_decisions",
    metadata,
    sa.Column("id", UUID, primary_key=True),
    sa.Column("message_id", UUID, nullable=False, index=True),
    sa.Column("moderator_id", ID, nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("note", sa.String(1000), nullable=True),
    sa.Column("created_at", TIME, nullable=False),
)

# -- BuyShield (issue 6): escrows, their audited transitions, the payment provider's events ----
escrows = sa.Table(
    "escrows",
    metadata,
    sa.Column("transaction_id", UUID, primary_key=True),
    sa.Column("listing_id", ID, nullable=False),
    sa.Column("buyer_id", ID, nullable=False),
    sa.Column("seller_id", ID, nullable=False),
    sa.Column("amount_cents", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("payment_intent_id", sa.String(255), nullable=True, unique=True),
    sa.Column("release_code", sa.String(6), nullable=False),
    sa.Column("code_attempts", sa.Integer, nullable=False),
    sa.Column("deadline", TIME, nullable=True),
    sa.Column("held_at", TIME, nullable=True),
    sa.Column("dispute_reason", sa.String(1000), nullable=True),
    sa.Column("disputed_by", ID, nullable=True),
    sa.Column("photo_key", sa.String(255), nullable=True),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("updated_at", TIME, nullable=False),
    sa.Index("ix_escrows_status_deadline", "status", "deadline"),
)

escrow_transitions = sa.Table(
    "escrow_transitions",
    metadata,
    sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
    sa.Column("transaction_id", UUID, nullable=False, index=True),
    sa.Column("from_status", sa.String(24), nullable=False),
    sa.Column("to_status", sa.String(24), nullable=False),
    sa.Column("trigger", sa.String(24), nullable=False),
    sa.Column("actor", ID, nullable=False),
    sa.Column("reason", sa.String(1000), nullable=True),
    sa.Column("created_at", TIME, nullable=False),
)

# Each provider webhook event once: a replayed event id is acknowledged and ignored.
payment_events = sa.Table(
    "payment_events",
    metadata,
    sa.Column("id", sa.String(255), primary_key=True),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("payment_intent_id", sa.String(255), nullable=True),
    sa.Column("received_at", TIME, nullable=False),
)
