"""Database engine and sessions for SQLite (default) and PostgreSQL.

SQLite runs in WAL mode with foreign keys on and `synchronous=FULL` by default:
readers never wait for the writer, and a comment acknowledged as committed survives
the process being killed and the power being cut (the WAL is flushed to disk at
every commit; group_commit.py shares that flush among the posts of a batch). A write
takes SQLite's write lock at BEGIN (begin_immediate, the migrations use it too), and
writers queue on a file lock beside the database first (write_lock.py), which wakes
the next one the moment the last commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from ..core.transactions import CHANGED_THREADS
from .write_lock import sqlite_writer

# Any constant of our own: the advisory lock batches of writes take on PostgreSQL.
BATCH_LOCK_KEY = 0x636F6D6D656E7473  # "comments"


@dataclass(frozen=True)
class Database:
    """One database's engine and sessions; the transactions the rules open (core/transactions.py)."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, url: str, sqlite_synchronous: str = "FULL") -> Database:
        engine = make_engine(url, sqlite_synchronous)
        return cls(engine, session_factory(engine))

    def read(self) -> Session:
        return self.sessions()

    def write(self) -> AbstractContextManager[Session]:
        return write_session(self.sessions)

    def writer(self) -> AbstractContextManager[None]:
        """The writers' lock across processes on SQLite (write_lock.py); nothing to hold on PostgreSQL."""
        return sqlite_writer(self.engine) if self.engine.dialect.name == "sqlite" else nullcontext()

    def batch(self) -> AbstractContextManager[Session]:
        """A write transaction for a batch of writes (group_commit.py), inside `writer()`; commits on success.

        On PostgreSQL the batches of all processes take turns on an advisory lock held
        until commit: two batches that each lock rows of several threads (or rate
        counters) in a different order would otherwise deadlock, and PostgreSQL would
        abort one whole batch to break it.
        """
        return _write_transaction(self.sessions(), advisory_lock=self.engine.dialect.name == "postgresql")

    def close(self) -> None:
        self.engine.dispose()


def make_engine(url: str, sqlite_synchronous: str = "FULL") -> Engine:
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
    lock = sqlite_writer(engine) if engine.dialect.name == "sqlite" else nullcontext()
    with lock, _write_transaction(sessions()) as session:
        yield session


# Set by the read cache on PostgreSQL (thread_cache.py): told, once a write commits, which
# threads it changed (core/transactions.thread_changed), before the writer answers.
_on_commit: WeakKeyDictionary[Engine, Callable[[str], None]] = WeakKeyDictionary()


def on_thread_change(engine: Engine, told: Callable[[str], None] | None) -> None:
    if told is None:
        _on_commit.pop(engine, None)
    else:
        _on_commit[engine] = told


@contextmanager
def _write_transaction(session: Session, advisory_lock: bool = False) -> Iterator[Session]:
    """Commit on success; then tell this process's read cache which threads changed."""
    with session:
        bind = session.connection(execution_options={"sqlite_write": True})
        try:
            if advisory_lock:
                session.execute(select(func.pg_advisory_xact_lock(BATCH_LOCK_KEY)))
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        told = _on_commit.get(bind.engine)
        for key in session.info.pop(CHANGED_THREADS, ()):
            if told is not None:
                told(key)
