"""Alembic environment: runs migrations on the URL the service was given.

On PostgreSQL an advisory lock serialises instances that start together, so only
one of them upgrades the schema.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

from comments_service.models import Base

MIGRATION_LOCK = 7_040_1126  # any constant shared by every instance


def run() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    engine = create_engine(url)
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            connection.commit()
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                connection.commit()
    engine.dispose()


run()
