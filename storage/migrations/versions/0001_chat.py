"""Chat: users, listings, conversations, messages, read cursors.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(64)
UUID = sa.String(36)
TIME = sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", ID, primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("last_seen_at", TIME, nullable=False),
    )
    op.create_table(
        "listings",
        sa.Column("id", ID, primary_key=True),
        sa.Column("seller_id", ID, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("price_cents", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("local_pickup", sa.Boolean, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
    )
    op.create_index("ix_listings_seller_id", "listings", ["seller_id"])
    op.create_table(
        "conversations",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("listing_id", ID, nullable=False),
        sa.Column("buyer_id", ID, nullable=False),
        sa.Column("seller_id", ID, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.UniqueConstraint("listing_id", "buyer_id", name="uq_conversations_listing_id_buyer_id"),
    )
    op.create_index("ix_conversations_buyer_id", "conversations", ["buyer_id"])
    op.create_index("ix_conversations_seller_id", "conversations", ["seller_id"])
    op.create_table(
        "messages",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("conversation_id", UUID, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("sender_id", ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("visible_to", ID, nullable=True),
        sa.Column("client_msg_id", sa.String(64), nullable=True),
        sa.Column("offer_id", UUID, nullable=True),
        sa.Column("moderation", sa.JSON, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_id_seq"),
        sa.UniqueConstraint(
            "sender_id", "client_msg_id", name="uq_messages_sender_id_client_msg_id"
        ),
    )
    op.create_table(
        "read_cursors",
        sa.Column("conversation_id", UUID, primary_key=True),
        sa.Column("user_id", ID, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
    )


def downgrade() -> None:
    for name in ("read_cursors", "messages", "conversations", "listings", "users"):
        op.drop_table(name)
