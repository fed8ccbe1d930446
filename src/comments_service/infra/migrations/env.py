"""Alembic environment: runs migrations on the URL the service was given.

On PostgreSQL an advisory lock serialises instances that start together, so only
one of them upgrades the schema. On SQLite the whole upgrade is one transaction that
takes the write lock at BEGIN: a second process (another uvicorn worker starting on
the same fresh file) waits for it, then finds the schema up to date instead of
failing with "table already exists".
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from comments_service.core.models import Base
from comments_service.infra.database import begin_immediate

MIGRATION_LOCK = 7_040_1126  # any constant shared by every instance


def _sqlite_engine(url: str) -> Engine:
    """SQLite with transactions SQLAlchemy starts itself, each as BEGIN IMMEDIATE."""
    engine = create_engine(url, connect_args={"timeout": 60})
    begin_immediate(engine, every_transaction=True)
    return engine


def run() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    sqlite = make_url(url).get_backend_name() == "sqlite"
    engine = _sqlite_engine(url) if sqlite else create_engine(url)
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            connection.commit()
        if sqlite:
            # Begun here, Alembic runs inside it (an "external" transaction): we commit.
            connection.begin()
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                connection.commit()
        finally:
            if postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                connection.commit()
    engine.dispose()


run()
