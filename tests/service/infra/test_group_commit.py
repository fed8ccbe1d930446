"""Group commit: writes queued while a batch is written share the next transaction, each kept apart.

Batching is observed by the committer's counters (transactions against writes), never
by timing: a first write holds the writer inside its batch until the test has queued
the others.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from comments_service.core.models import Base, RateCounter
from comments_service.infra.database import Database
from comments_service.infra.group_commit import GroupCommit

WAIT = 30.0  # seconds: far longer than any test may take, so a wait that happens shows


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database.open(database_url)
    Base.metadata.create_all(database.engine)
    yield database
    database.close()


def insert(name: str) -> Callable[[Session], str]:
    """A write as posting does it: in a savepoint, so its failure leaves the batch alone."""

    def step(session: Session) -> str:
        with session.begin_nested():
            session.add(RateCounter(client=name, window="test", started=0, count=1))
            session.flush()
        return name

    return step


def stored(database: Database) -> list[str]:
    with database.read() as session:
        return sorted(session.scalars(select(RateCounter.client)))


def plug(group: GroupCommit) -> tuple[threading.Event, Future[str]]:
    """A first write that holds the writer inside its batch until the event is set."""
    release, entered = threading.Event(), threading.Event()

    def step(session: Session) -> str:
        entered.set()
        assert release.wait(WAIT)
        return insert("plug")(session)

    future = group.submit(step)
    assert entered.wait(WAIT)
    return release, future


def wait_until_queued(group: GroupCommit, count: int) -> None:
    deadline = time.monotonic() + WAIT
    while group.queued() < count:
        assert time.monotonic() < deadline, f"only {group.queued()} of {count} writes queued"
        time.sleep(0.001)


def test_writes_queued_during_a_batch_share_the_next_transaction(database: Database) -> None:
    group = GroupCommit(database, max_batch=64, max_wait_seconds=0)
    release, first = plug(group)
    futures = [group.submit(insert(f"post {n}")) for n in range(5)]
    wait_until_queued(group, 5)
    release.set()
    assert first.result(WAIT) == "plug"
    assert [future.result(WAIT) for future in futures] == [f"post {n}" for n in range(5)]
    assert (group.transactions, group.written) == (2, 6)
    assert stored(database) == sorted(["plug", *(f"post {n}" for n in range(5))])
    group.close()


def test_a_batch_is_never_larger_than_its_limit(database: Database) -> None:
    group = GroupCommit(database, max_batch=2, max_wait_seconds=0)
    release, first = plug(group)
    futures = [group.submit(insert(f"post {n}")) for n in range(5)]
    wait_until_queued(group, 5)
    release.set()
    for future in [first, *futures]:
        future.result(WAIT)
    assert (group.transactions, group.written) == (4, 6)  # 1 + 2 + 2 + 1
    group.close()


def test_a_failing_write_fails_alone_and_the_rest_of_its_batch_is_stored(database: Database) -> None:
    group = GroupCommit(database, max_batch=64, max_wait_seconds=0)
    group.submit(insert("taken")).result(WAIT)
    release, first = plug(group)
    futures = [group.submit(insert(name)) for name in ("before", "taken", "after")]
    wait_until_queued(group, 3)
    release.set()
    first.result(WAIT)
    assert futures[0].result(WAIT) == "before"
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        futures[1].result(WAIT)
    assert futures[2].result(WAIT) == "after"
    assert group.transactions == 3  # "taken", the plug, then the three together
    assert stored(database) == ["after", "before", "plug", "taken"]
    group.close()


def test_a_lone_write_is_not_held_back_waiting_for_others(database: Database) -> None:
    group = GroupCommit(database, max_batch=64, max_wait_seconds=WAIT)
    started = time.monotonic()
    assert group.submit(insert("alone")).result(WAIT) == "alone"
    assert time.monotonic() - started < WAIT / 2
    group.close()


def test_the_writer_waits_for_a_write_it_was_told_is_coming(database: Database) -> None:
    group = GroupCommit(database, max_batch=64, max_wait_seconds=WAIT)
    with group.expect() as slot:
        first = group.submit(insert("first"))
        time.sleep(0.05)  # the writer has the first write and waits for this one
        second = slot.submit(insert("second"))
    assert (first.result(WAIT), second.result(WAIT)) == ("first", "second")
    assert (group.transactions, group.written) == (1, 2)
    group.close()


def test_a_write_given_up_before_its_batch_is_not_written(database: Database) -> None:
    group = GroupCommit(database, max_batch=64, max_wait_seconds=0)
    release, first = plug(group)
    dropped, kept = group.submit(insert("dropped")), group.submit(insert("kept"))
    assert dropped.cancel()
    release.set()
    first.result(WAIT)
    assert kept.result(WAIT) == "kept"
    assert stored(database) == ["kept", "plug"]
    group.close()


def test_closing_writes_what_is_queued_and_a_later_write_starts_again(database: Database) -> None:
    group = GroupCommit(database, max_batch=64, max_wait_seconds=0)
    release, first = plug(group)
    queued = group.submit(insert("queued"))
    threading.Timer(0.05, release.set).start()
    group.close()
    assert (first.done(), queued.result(0)) == (True, "queued")
    assert group.submit(insert("later")).result(WAIT) == "later"
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(RateCounter)) == 3
    group.close()


def test_writes_are_answered_even_when_the_writers_lock_fails(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Database) -> Any:
        raise OSError("no lock today")

    group = GroupCommit(database, max_batch=64, max_wait_seconds=0)
    monkeypatch.setattr(Database, "writer", broken)
    with pytest.raises(OSError, match="no lock today"):
        group.submit(insert("refused")).result(WAIT)
    monkeypatch.undo()
    assert group.submit(insert("later")).result(WAIT) == "later"
    group.close()


def test_a_lone_posts_write_is_done_by_its_own_thread_and_answered_at_once(database: Database) -> None:
    group = GroupCommit(database, max_batch=64, max_wait_seconds=WAIT)
    writers: list[threading.Thread] = []

    def step(session: Session) -> str:
        writers.append(threading.current_thread())
        return insert("alone")(session)

    with group.expect() as slot:
        future = slot.submit(step)
    assert future.done()  # no hand-off to the writer thread and back
    assert (future.result(), writers) == ("alone", [threading.current_thread()])
    assert (group.transactions, group.written) == (1, 1)
    group.close()


def test_a_post_arriving_while_a_batch_is_written_joins_the_next_one(database: Database) -> None:
    group = GroupCommit(database, max_batch=64, max_wait_seconds=0)
    release, first = plug(group)
    with group.expect() as slot:
        future = slot.submit(insert("joined"))
    assert not future.done()  # queued for the writer, not written beside the running batch
    release.set()
    assert (first.result(WAIT), future.result(WAIT)) == ("plug", "joined")
    assert (group.transactions, group.written) == (2, 2)
    group.close()
