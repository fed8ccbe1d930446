"""Alembic migrations: from an empty database they build exactly the schema the models describe.

Runs on SQLite and PostgreSQL; the comparison is Alembic's own autogenerate diff,
so a model changed without a migration (or the reverse) shows up as a difference.
"""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text

from comments_service.core.models import Base
from comments_service.infra.schema_upgrade import MIGRATIONS, migrate


def config(url: str) -> Config:
    """The same Alembic configuration the service builds in schema_upgrade.migrate."""
    alembic_config = Config()
    alembic_config.set_main_option("script_location", str(MIGRATIONS))
    alembic_config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return alembic_config


def differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def latest_revision() -> str | None:
    """The newest migration in the package, whatever its number."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def head(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_upgrade_from_empty_creates_every_model_table(database_url):
    engine = create_engine(database_url)
    try:
        assert tables(engine) == set()
        migrate(database_url)
        assert tables(engine) == set(Base.metadata.tables) | {"alembic_version"}
        assert head(engine) == latest_revision()
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(database_url):
    migrate(database_url)
    engine = create_engine(database_url)
    try:
        assert differences(engine) == []
    finally:
        engine.dispose()


def test_downgrade_to_base_then_upgrade_again(database_url):
    migrate(database_url)
    engine = create_engine(database_url)
    try:
        command.downgrade(config(database_url), "base")
        assert tables(engine) <= {"alembic_version"}
        assert head(engine) is None
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                kinds = connection.execute(
                    text("SELECT typname FROM pg_type WHERE typname = 'comment_state'")
                )
                assert kinds.all() == []
        command.upgrade(config(database_url), "head")
        assert tables(engine) == set(Base.metadata.tables) | {"alembic_version"}
        assert differences(engine) == []
    finally:
        engine.dispose()


def test_upgrading_an_up_to_date_database_changes_nothing(database_url):
    migrate(database_url)
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO threads (key, title, url, version, created_at) "
                    "VALUES ('k', 't', '/u', 1, :now)"
                ),
                {"now": "2026-01-01T00:00:00+00:00"},
            )
        migrate(database_url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT key FROM threads")).scalars().all() == ["k"]
    finally:
        engine.dispose()


def test_schema_comparison_notices_a_missing_index(database_url):
    # Proves the comparison above can fail: a schema that drifted from the models.
    migrate(database_url)
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP INDEX ix_comments_author"))
        assert any("ix_comments_author" in str(diff) for diff in differences(engine))
    finally:
        engine.dispose()
