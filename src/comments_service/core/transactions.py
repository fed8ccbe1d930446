"""How a use case opens its transactions without knowing the database (infra/database.py does)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")


class Transactions(Protocol):
    def read(self) -> AbstractContextManager[Session]:
        """A session for reading."""
        ...

    def write(self) -> AbstractContextManager[Session]:
        """A session holding the database's write lock from its start; commits on success."""
        ...


class Slot(Protocol):
    def submit(self, step: Callable[[Session], T]) -> Future[T]:
        """Run `step` in the next batch's transaction; its result or exception once that committed.

        Other writes share the transaction: a step does its writes in savepoints
        (savepoint below), so that when it raises, the others are untouched.
        """
        ...


class Batches(Protocol):
    """Writes committed together (infra/group_commit.py): one flush to disk for many posts."""

    def expect(self) -> AbstractContextManager[Slot]:
        """A write on its way (being checked, rendered): the writer may wait a moment for it."""
        ...


CHANGED_THREADS = "changed_threads"  # the session.info key that thread_changed fills


def thread_changed(session: Session, key: str) -> None:
    """Note that what the public sees of thread `key` changes with this transaction.

    Once it commits, this process's read cache drops the thread before the writer
    answers (infra/database.py), so the writer's next read shows its change.
    """
    session.info.setdefault(CHANGED_THREADS, set()).add(key)


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A savepoint for writes made by statements: undone alone when the block raises.

    Issued as plain SQL: SQLAlchemy's savepoints cost more than the statements they
    guard (session.begin_nested() also flushes and tracks the session's objects;
    Connection.begin_nested() compiles SAVEPOINT afresh each time, it has no cache key),
    about 6% of a post's CPU. Nested blocks may reuse the name: SQLite and PostgreSQL
    both release, or roll back to, the latest savepoint of a name. The writes must not
    go through the unit of work (session.add): a rolled-back savepoint would leave such
    objects in the session.
    """
    connection = session.connection()
    connection.exec_driver_sql("SAVEPOINT post_step")
    try:
        yield
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("a statement savepoint was given unit-of-work changes")
    except BaseException:
        connection.exec_driver_sql("ROLLBACK TO SAVEPOINT post_step")
        connection.exec_driver_sql("RELEASE SAVEPOINT post_step")
        raise
    connection.exec_driver_sql("RELEASE SAVEPOINT post_step")
