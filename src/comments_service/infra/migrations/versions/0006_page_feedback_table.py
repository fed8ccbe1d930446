"""Page feedback: one row per answer to "Was this page helpful?", with its optional text

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("page", sa.String(300), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("client", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_page_feedback_page_created", "page_feedback", ["page", "created_at"])
    op.create_index("ix_page_feedback_created", "page_feedback", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_page_feedback_created", table_name="page_feedback")
    op.drop_index("ix_page_feedback_page_created", table_name="page_feedback")
    op.drop_table("page_feedback")
