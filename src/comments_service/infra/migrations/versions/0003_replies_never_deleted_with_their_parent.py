"""Replies are never deleted with their parent: parent_id ON DELETE RESTRICT, not CASCADE

A delete that raced a new reply on PostgreSQL could take the reply with it. The
rules keep a placeholder for a comment with replies; now the database refuses too.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# 0001 left the constraint unnamed: PostgreSQL named it, SQLite did not (batch mode
# names it through this convention to find it).
POSTGRESQL_NAME = "comments_parent_id_fkey"
SQLITE_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
SQLITE_NAME = "fk_comments_parent_id_comments"


def _parent_key(ondelete: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(POSTGRESQL_NAME, "comments", type_="foreignkey")
        op.create_foreign_key(
            POSTGRESQL_NAME, "comments", "comments", ["parent_id"], ["id"], ondelete=ondelete
        )
        return
    with op.batch_alter_table("comments", naming_convention=SQLITE_NAMES) as batch_op:
        batch_op.drop_constraint(SQLITE_NAME, type_="foreignkey")
        batch_op.create_foreign_key(SQLITE_NAME, "comments", ["parent_id"], ["id"], ondelete=ondelete)


def upgrade() -> None:
    _parent_key("RESTRICT")


def downgrade() -> None:
    _parent_key("CASCADE")
