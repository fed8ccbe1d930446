"""Moderation that scales: the audit log, blocks, trusted authors, each comment's client key

Also an index for the moderation lists (one state, in time order).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("comments", sa.Column("client_key", sa.String(length=64), nullable=True))
    op.create_index("ix_comments_state_created", "comments", ["state", "created_at"])
    _create_audit_log()
    _create_blocks_and_trust()


def _create_audit_log() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_comment_id", "audit_log", ["comment_id"])


def _create_blocks_and_trust() -> None:
    op.create_table(
        "blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "value_hash", name="uq_blocks_kind_value"),
    )
    op.create_index("ix_blocks_expires_at", "blocks", ["expires_at"])
    op.create_table(
        "author_trust",
        sa.Column("author_token_hash", sa.String(length=64), nullable=False),
        sa.Column("trusted", sa.Boolean(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("author_token_hash"),
    )


def downgrade() -> None:
    op.drop_table("author_trust")
    op.drop_index("ix_blocks_expires_at", table_name="blocks")
    op.drop_table("blocks")
    op.drop_index("ix_audit_log_comment_id", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_comments_state_created", table_name="comments")
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_column("client_key")
