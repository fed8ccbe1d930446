"""How a use case opens its transactions without knowing the database (infra/database.py does)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager
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
        (session.begin_nested), so that when it raises, the others are untouched.
        """
        ...


class Batches(Protocol):
    """Writes committed together (infra/group_commit.py): one flush to disk for many posts."""

    def expect(self) -> AbstractContextManager[Slot]:
        """A write on its way (being checked, rendered): the writer may wait a moment for it."""
        ...
