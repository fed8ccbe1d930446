"""Online backup of a live SQLite database: `comments backup FILE`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url


def backup_sqlite(engine: Engine, target: Path) -> None:
    """A consistent copy of a live SQLite database, taken while the service keeps serving."""
    url = make_url(str(engine.url))
    if url.get_backend_name() != "sqlite":
        raise ValueError("online backup is for SQLite; for PostgreSQL use pg_dump")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(str(url.database))
    try:
        destination = sqlite3.connect(str(target))
        with destination:
            # One step, under one read snapshot. In steps, every write the service commits
            # between two steps restarts the copy from the first page: a busy site's
            # backup took several times longer, and may never finish. WAL lets writers
            # go on meanwhile.
            source.backup(destination)
        destination.close()
    finally:
        source.close()
