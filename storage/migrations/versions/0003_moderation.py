"""Moderation: the queue of held messages and the audit of moderators' decisions.

Revision ID: 0003_moderation
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0003_moderation"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.String(64)
UUID = sa.String(36)
TIME = sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql")


def upgrade() -> None:
    op.create_table(
        "moderation_queue",
        sa.Column("message_id", UUID, primary_key=True),
        sa.Column("conversation_id", UUID, nullable=False),
        sa.Column("sender_id", ID, nullable=False),
        sa.Column("recipient_id", ID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("verdict", sa.JSON, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("decided_by", ID, nullable=True),
        sa.Column("decided_at", TIME, nullable=True),
    )
    op.create_index(
        "ix_moderation_queue_status_created_at", "moderation_queue", ["status", "created_at"]
    )
    op.create_table(
        "moderation_decisions",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("message_id", UUID, nullable=False),
        sa.Column("moderator_id", ID, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("note", sa.String(1000), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_index("ix_moderation_decisions_message_id", "moderation_decisions", ["message_id"])


def downgrade() -> None:
    op.drop_table("moderation_decisions")
    op.drop_table("moderation_queue")
