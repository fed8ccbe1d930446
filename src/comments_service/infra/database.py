"""Database engine and sessions for SQLite (default) and PostgreSQL.

SQLite runs in WAL mode with foreign keys on: readers never wait for the writer,
and a committed comment survives the process being killed. A write takes SQLite's
write lock at BEGIN (begin_immediate, the migrations use it too), and
writers queue on a file lock beside the database first (write_lock.py), which wakes
the next one the moment the last commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .write_lock import sqlite_writer


@dataclass(frozen=True)
class Database:
    """One database's engine and sessions; the transactions the rules open (core/transactions.py)."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, url: str, sqlite_synchronous: str = "NORMAL") -> Database:
        engine = make_engine(url, sqlite_synchronous)
        return cls(engine, session_factory(engine))

    def read(self) -> Session:
        return self.sessions()

    def write(self) -> AbstractContextManager[Session]:
        return write_session(self.sessions)

    def close(self) -> None:
        self.engine.dispose()


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

    begin_immediate(engine)
    return engine


def begin_immediate(engine: Engine, every_transaction: bool = False) -> None:
    """Start SQLite write transactions (or `every_transaction`) with BEGIN IMMEDIATE.

    SQLAlchemy's documented pysqlite recipe: let SQLAlchemy issue BEGIN itself, and
    take the write lock at BEGIN for writes, so concurrent writers queue on the busy
    timeout instead of failing when a read lock cannot be upgraded. A write asks
    with the execution option `sqlite_write` (see write_session).
    """

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(connection: Any, _record: Any) -> None:
        connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = every_transaction or connection.get_execution_options().get("sqlite_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


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
