"""Bringing the database schema up to date: Alembic's `upgrade head`, run from code.

The service runs it at start (COMMENTS_AUTO_MIGRATE), so `make serve` needs no setup
step; `comments migrate` runs it on demand. The revisions are in migrations/versions/.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def migrate(url: str) -> None:
    """Bring the schema up to date (Alembic `upgrade head`)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")
