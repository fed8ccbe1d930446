"""transactions.savepoint: a statement's write undone alone, and unit-of-work changes refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from comments_service.core.models import RateCounter
from comments_service.core.transactions import savepoint


def counters(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(RateCounter)) or 0)


def add_counter(session: Session, client: str) -> None:
    session.execute(insert(RateCounter).values(client=client, window="test", started=0, count=1))


def test_a_block_that_raises_is_undone_and_what_came_before_it_stays(session: Session) -> None:
    add_counter(session, "kept")

    def refused_after_a_write() -> None:
        with savepoint(session):
            add_counter(session, "undone")
            raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        refused_after_a_write()
    with savepoint(session):
        add_counter(session, "after")
    session.commit()
    assert sorted(session.scalars(select(RateCounter.client))) == ["after", "kept"]


def test_objects_added_to_the_session_are_refused_not_left_behind(session: Session) -> None:
    with pytest.raises(RuntimeError, match="unit-of-work"), savepoint(session):
        session.add(RateCounter(client="pending", window="test", started=0, count=1))
    session.rollback()
    assert counters(session) == 0
