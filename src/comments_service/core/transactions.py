"""How a use case opens its transactions without knowing the database (infra/database.py does)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from sqlalchemy.orm import Session


class Transactions(Protocol):
    def read(self) -> AbstractContextManager[Session]:
        """A session for reading."""
        ...

    def write(self) -> AbstractContextManager[Session]:
        """A session holding the database's write lock from its start; commits on success."""
        ...
