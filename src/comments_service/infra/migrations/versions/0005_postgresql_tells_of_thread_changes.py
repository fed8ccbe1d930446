"""PostgreSQL tells listeners of every thread change (NOTIFY), so cached reads need no query

A trigger on `threads` sends the thread's key on channel "comments_threads" when a
thread is created or deleted, or its version moves (infra/thread_changes.py listens).
SQLite has no such thing and needs none: there a cached read checks the version in
microseconds, on the event loop.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION comments_thread_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('comments_threads', COALESCE(NEW.key, OLD.key));
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
TRIGGERS = (
    "CREATE TRIGGER threads_added_or_removed AFTER INSERT OR DELETE ON threads "
    "FOR EACH ROW EXECUTE FUNCTION comments_thread_changed()",
    "CREATE TRIGGER threads_version_moved AFTER UPDATE ON threads "
    "FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version OR OLD.key IS DISTINCT FROM NEW.key) "
    "EXECUTE FUNCTION comments_thread_changed()",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    for trigger in TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS threads_version_moved ON threads")
    op.execute("DROP TRIGGER IF EXISTS threads_added_or_removed ON threads")
    op.execute("DROP FUNCTION IF EXISTS comments_thread_changed()")
