"""Rate-counter times as 64-bit integers, so they keep working after January 2038

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rate_counters") as batch_op:
        batch_op.alter_column(
            "started", existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rate_counters") as batch_op:
        batch_op.alter_column(
            "started", existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False
        )
