"""Database engine and sessions for SQLite (default) and PostgreSQL.

SQLite runs in WAL mode with foreign keys on: readers never wait for the writer,
and a committed comment survives the process being killed. Writers queue on an OS
file lock beside the database (see sqlite_writer), which wakes the next one the
moment the last commits. Migrations run through
Alembic, also from code, so `make serve` needs no setup step.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, sqlite_synchronous: str = "NORMAL") -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={sqlite_synchronous}")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    # SQLAlchemy's documented pysqlite recipe: let SQLAlchemy issue BEGIN itself, and
    # take the write lock at BEGIN for writes, so concurrent writers queue on the busy
    # timeout instead of failing when a read lock cannot be upgraded.
    @event.listens_for(engine, "connect")
    def _no_implicit_begin(connection: Any, _record: Any) -> None:
        connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def write_session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose transaction takes SQLite's write lock up front; commits on success."""
    engine = sessions.kw["bind"]
    with sqlite_writer(engine) if engine.dialect.name == "sqlite" else nullcontext(), sessions() as session:
        session.connection(execution_options={"sqlite_write": True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def sqlite_writer(engine: Engine) -> Iterator[None]:
    """One writer at a time per SQLite file, across threads and processes.

    Waiting writers would otherwise queue on SQLite's busy handler, which polls with
    sleeps of up to 100 ms: under 16 concurrent posters that made the p99 of a post
    about a second. flock() blocks instead and wakes the next writer when the lock is
    released. Each call opens its own descriptor, so threads of one process exclude
    each other as well; the kernel drops the lock if the process dies.
    """
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    descriptor = os.open(f"{database}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def migrate(url: str) -> None:
    """Bring the schema up to date (Alembic `upgrade head`)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")
