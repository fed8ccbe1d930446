"""The moderation lists and bulk actions (core/queue.py) on a real database session, SQLite and PostgreSQL.

One query serves /admin and the CLI: filters by page and search, pages, counts per
state, and bulk actions that are idempotent and logged.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from comments_service.core import queue
from comments_service.core.models import AuditEntry, Comment, Thread
from comments_service.core.states import State

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def threads(session: Session) -> dict[str, Thread]:
    rows = {
        key: Thread(key=key, title=title, url=f"/{key}/", version=1, created_at=T0)
        for key, title in [("articles/first", "Back pain"), ("articles/second", "Certificates")]
    }
    session.add_all(rows.values())
    session.commit()
    return rows


def add(session: Session, thread: Thread, n: int, state: State = State.PENDING, **fields: object) -> Comment:
    values: dict[str, object] = {
        "name": "Ann",
        "text": f"Comment number {n}",
        "html": f"<p>Comment number {n}</p>",
        "text_hash": f"hash-{thread.key}-{n}",
        "created_at": T0 + dt.timedelta(minutes=n),
        "depth": 1,
        **fields,
    }
    comment = Comment(thread_id=thread.id, state=state, **values)
    session.add(comment)
    session.commit()
    return comment


def ids(rows: list[Comment]) -> list[int]:
    return [row.id for row in rows]


def test_find_pages_through_the_whole_queue_oldest_first(session, threads):
    made = [add(session, threads["articles/first"], n) for n in range(7)]
    first = queue.find(session, queue.Query(State.PENDING, limit=3))
    third = queue.find(session, queue.Query(State.PENDING, offset=6, limit=3))
    assert ids(first) == ids(made[:3])
    assert ids(third) == ids(made[6:])
    assert queue.counts(session, queue.Query())[State.PENDING] == 7


def test_other_lists_are_newest_first(session, threads):
    old = add(session, threads["articles/first"], 1, State.APPROVED)
    new = add(session, threads["articles/first"], 2, State.APPROVED)
    assert ids(queue.find(session, queue.Query(State.APPROVED))) == [new.id, old.id]


def test_filter_by_page_and_counts_follow_the_filter(session, threads):
    first, second = threads["articles/first"], threads["articles/second"]
    mine = add(session, second, 1)
    add(session, first, 2)
    add(session, second, 3, State.APPROVED)
    query = queue.Query(State.PENDING, page="articles/second")
    assert ids(queue.find(session, query)) == [mine.id]
    counts = queue.counts(session, query)
    assert (counts[State.PENDING], counts[State.APPROVED], counts[State.REJECTED]) == (1, 1, 0)
    assert queue.pages(session, State.PENDING) == [
        ("articles/first", "Back pain", 1),
        ("articles/second", "Certificates", 1),
    ]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("NUMBER 2", [2]),
        ("bea", [3]),
        ("certif", [4]),
        ("articles/first", [1, 2, 3]),
        ("100%", []),
        ("_", []),
    ],
)
def test_search_looks_in_text_name_and_page_case_blind_and_literally(session, threads, search, expected):
    first, second = threads["articles/first"], threads["articles/second"]
    made = {1: add(session, first, 1), 2: add(session, first, 2), 3: add(session, first, 3, name="Beatriz")}
    made[4] = add(session, second, 4)
    found = queue.find(session, queue.Query(State.PENDING, search=search))
    assert ids(found) == [made[n].id for n in expected]


def test_bulk_approve_is_idempotent_and_reports_counts(session, threads):
    thread = threads["articles/first"]
    waiting = [add(session, thread, n) for n in range(3)]
    already = add(session, thread, 9, State.APPROVED)
    gone = add(session, thread, 10, State.DELETED, html="")  # an erased placeholder
    wanted = [*ids(waiting), already.id, gone.id, 999_999]
    tally = queue.moderate_many(session, wanted, "approve", "cli tester")
    session.commit()
    assert (tally.changed, tally.unchanged, list(tally.refused), tally.missing) == (
        ids(waiting),
        [already.id],
        [gone.id],
        [999_999],
    )
    assert tally.summary("approve") == "3 comments approved, 1 already approved, 1 not allowed, 1 not found."
    again = queue.moderate_many(session, ids(waiting), "approve", "cli tester")
    assert (again.changed, again.unchanged) == ([], ids(waiting))
    logged = session.scalars(select(AuditEntry.comment_id).where(AuditEntry.action == "approve")).all()
    assert sorted(logged) == ids(waiting)  # once each: the repeat changed nothing and logged nothing


def test_matching_ids_are_every_match_whatever_the_page_size(session, threads):
    made = [add(session, threads["articles/second"], n) for n in range(5)]
    add(session, threads["articles/first"], 9)
    query = queue.Query(State.PENDING, page="articles/second", limit=2)
    assert queue.matching_ids(session, query) == ids(made)


def test_parents_are_loaded_for_the_replies_on_a_page(session, threads):
    thread = threads["articles/first"]
    parent = add(session, thread, 1, State.APPROVED)
    reply = add(session, thread, 2, parent_id=parent.id, depth=2)
    assert queue.parents(session, [reply]) == {parent.id: parent}
