"""BuyShield: escrows, their audited transitions, and the payment provider's events.

Revision ID: 0004_buyshield
Revises: 0002_commerce
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0004_buyshield"
down_revision = "0002_commerce"
branch_labels = None
depends_on = None

ID = sa.String(64)
UUID = sa.String(36)
TIME = sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql")
SERIAL = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "escrows",
        sa.Column("transaction_id", UUID, primary_key=True),
        sa.Column("listing_id", ID, nullable=False),
        sa.Column("buyer_id", ID, nullable=False),
        sa.Column("seller_id", ID, nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("payment_intent_id", sa.String(255), nullable=True),
        sa.Column("release_code", sa.String(6), nullable=False),
        sa.Column("code_attempts", sa.Integer, nullable=False),
        sa.Column("deadline", TIME, nullable=True),
        sa.Column("held_at", TIME, nullable=True),
        sa.Column("dispute_reason", sa.String(1000), nullable=True),
        sa.Column("disputed_by", ID, nullable=True),
        sa.Column("photo_key", sa.String(255), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.UniqueConstraint("payment_intent_id", name="uq_escrows_payment_intent_id"),
    )
    op.create_index("ix_escrows_status_deadline", "escrows", ["status", "deadline"])
    op.create_table(
        "escrow_transitions",
        sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
        sa.Column("transaction_id", UUID, nullable=False),
        sa.Column("from_status", sa.String(24), nullable=False),
        sa.Column("to_status", sa.String(24), nullable=False),
        sa.Column("trigger", sa.String(24), nullable=False),
        sa.Column("actor", ID, nullable=False),
        sa.Column("reason", sa.String(1000), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_index(
        "ix_escrow_transitions_transaction_id", "escrow_transitions", ["transaction_id"]
    )
    op.create_table(
        "payment_events",
        sa.Column("id", sa.String(255), primary_key=True),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("payment_intent_id", sa.String(255), nullable=True),
        sa.Column("received_at", TIME, nullable=False),
    )


def downgrade() -> None:
    for name in ("payment_events", "escrow_transitions", "escrows"):
        op.drop_table(name)
