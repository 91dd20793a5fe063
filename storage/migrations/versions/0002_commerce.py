"""Commerce: offers, transactions, listing holds, the outbox and processed messages.

Revision ID: 0002_commerce
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0002_commerce"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.String(64)
UUID = sa.String(36)
TIME = sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql")
SERIAL = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("conversation_id", UUID, nullable=False),
        sa.Column("listing_id", ID, nullable=False),
        sa.Column("buyer_id", ID, nullable=False),
        sa.Column("seller_id", ID, nullable=False),
        sa.Column("made_by", ID, nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("parent_id", UUID, nullable=True),
        sa.Column("pending_key", UUID, nullable=True),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.UniqueConstraint("pending_key", name="uq_offers_pending_key"),
    )
    op.create_index("ix_offers_conversation_id", "offers", ["conversation_id"])
    op.create_index("ix_offers_status_expires_at", "offers", ["status", "expires_at"])
    op.create_table(
        "transactions",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("offer_id", UUID, nullable=False),
        sa.Column("listing_id", ID, nullable=False),
        sa.Column("buyer_id", ID, nullable=False),
        sa.Column("seller_id", ID, nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.UniqueConstraint("offer_id", name="uq_transactions_offer_id"),
    )
    op.create_index("ix_transactions_listing_id", "transactions", ["listing_id"])
    op.create_table(
        "listing_holds",
        sa.Column("listing_id", ID, primary_key=True),
        sa.Column("transaction_id", UUID, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
        sa.Column("message_id", UUID, nullable=False),
        sa.Column("exchange", sa.String(128), nullable=False),
        sa.Column("routing_key", sa.String(64), nullable=False),
        sa.Column("correlation_id", sa.String(64), nullable=True),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("sent_at", TIME, nullable=True),
        sa.UniqueConstraint("message_id", name="uq_outbox_message_id"),
    )
    op.create_index("ix_outbox_sent_at_id", "outbox", ["sent_at", "id"])
    op.create_table(
        "processed_messages",
        sa.Column("consumer", sa.String(128), primary_key=True),
        sa.Column("message_id", sa.String(64), primary_key=True),
        sa.Column("processed_at", TIME, nullable=False),
    )


def downgrade() -> None:
    for name in ("processed_messages", "outbox", "listing_holds", "transactions", "offers"):
        op.drop_table(name)
