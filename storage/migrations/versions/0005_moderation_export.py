"""Moderation: an index on when queue items were decided, for `hub moderation-export`.

Revision ID: 0005_moderation_export
Revises: 0003_moderation
"""

from __future__ import annotations

from alembic import op

revision = "0005_moderation_export"
down_revision = "0003_moderation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_moderation_queue_decided_at", "moderation_queue", ["decided_at", "message_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_moderation_queue_decided_at", table_name="moderation_queue")
