"""The database engine: durable by default, so what the service acknowledges survives a power cut."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from comments_service.infra.database import Database
from comments_service.infra.settings import Settings

FULL = 2  # PRAGMA synchronous reads back 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def test_sqlite_flushes_the_wal_at_every_commit_by_default(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("COMMENTS_SQLITE_SYNCHRONOUS", raising=False)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'comments.sqlite3'}")
    for database in (Database.open(settings.database_url, settings.sqlite_synchronous),
                     Database.open(settings.database_url)):  # fmt: skip
        try:
            with database.engine.connect() as connection:
                assert connection.execute(text("PRAGMA synchronous")).scalar() == FULL
                assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        finally:
            database.close()
