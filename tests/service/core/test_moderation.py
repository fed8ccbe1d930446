"""The moderation rules (core/moderation.py) on a real database session.

Which transitions are allowed, what a new comment starts as in each mode, when the
thread's version (the read cache key) moves, placeholders, and the queue's order.
`moderation.delete` is the erase (an author's own delete, the purge); a moderator's
delete is `soft_delete`, restorable (tests/service/core/test_retention.py).
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import psycopg
import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from comments_service.core import comments, moderation, queue
from comments_service.core.comment_input import NewComment
from comments_service.core.errors import NotAllowed, Refused
from comments_service.core.models import Comment, Thread
from comments_service.core.states import ModerationMode, State
from comments_service.infra.database import write_session
from tests.service.helpers import post

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def thread(session: Session) -> Thread:
    row = Thread(key="articles/first", title="First", url="/blog/first/", version=1, created_at=T0)
    session.add(row)
    session.commit()
    return row


def add(
    session: Session,
    thread: Thread,
    state: State = State.PENDING,
    parent: Comment | None = None,
    minutes: int = 0,
    author: str | None = "author-hash",
) -> Comment:
    comment = Comment(
        thread_id=thread.id,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 1,
        state=state,
        name="Ann",
        email="ann@example.com",
        text=f"Comment {minutes} {state}",
        html=f"<p>Comment {minutes}</p>",
        text_hash=f"hash-{minutes}-{state}-{parent.id if parent else 0}",
        author_token_hash=author,
        created_at=T0 + dt.timedelta(minutes=minutes),
    )
    session.add(comment)
    session.commit()
    return comment


def version(session: Session, thread: Thread) -> int:
    return int(session.scalar(select(Thread.version).where(Thread.id == thread.id)) or 0)


def exists(session: Session, comment_id: int) -> bool:
    session.expire_all()
    return session.get(Comment, comment_id) is not None


@pytest.mark.parametrize(
    ("mode", "was_approved", "expected"),
    [
        (ModerationMode.ALL, False, State.PENDING),
        (ModerationMode.ALL, True, State.PENDING),
        (ModerationMode.FIRST_TIME, False, State.PENDING),
        (ModerationMode.FIRST_TIME, True, State.APPROVED),
        (ModerationMode.NONE, False, State.APPROVED),
        (ModerationMode.NONE, True, State.APPROVED),
    ],
)
def test_initial_state_follows_the_mode(mode: ModerationMode, was_approved: bool, expected: State) -> None:
    assert moderation.initial_state(mode, was_approved) is expected


def test_author_counts_as_approved_only_with_an_approved_comment(session: Session, thread: Thread) -> None:
    add(session, thread, State.PENDING, author="newcomer")
    add(session, thread, State.REJECTED, minutes=1, author="newcomer")
    add(session, thread, State.APPROVED, minutes=2, author="regular")
    assert moderation.author_was_approved(session, "regular")
    assert not moderation.author_was_approved(session, "newcomer")
    assert not moderation.author_was_approved(session, "stranger")
    assert not moderation.author_was_approved(session, None)


@pytest.mark.parametrize("start", [State.PENDING, State.REJECTED])
def test_approve_publishes_and_bumps_the_version(session: Session, thread: Thread, start: State) -> None:
    comment = add(session, thread, start)
    moderation.approve(session, comment)
    session.commit()
    assert comment.state is State.APPROVED
    assert comment.moderated_at is not None
    assert version(session, thread) == 2


def erased(session: Session, thread: Thread) -> Comment:
    """A placeholder whose content the purge (or its author) erased."""
    comment = add(session, thread, State.DELETED)
    comment.name, comment.email, comment.text, comment.html = "", None, "", ""
    session.commit()
    return comment


@pytest.mark.parametrize("start", [State.APPROVED, "erased"])
def test_approve_is_refused_for_approved_or_erased(
    session: Session, thread: Thread, start: State | str
) -> None:
    comment = erased(session, thread) if start == "erased" else add(session, thread, State(start))
    start = comment.state
    with pytest.raises(NotAllowed):
        moderation.approve(session, comment)
    assert comment.state is start
    assert version(session, thread) == 1


def test_rejecting_a_pending_comment_changes_nothing_public(session: Session, thread: Thread) -> None:
    comment = add(session, thread, State.PENDING)
    moderation.reject(session, comment)
    session.commit()
    assert comment.state is State.REJECTED
    assert version(session, thread) == 1


def test_rejecting_an_approved_comment_bumps_the_version(session: Session, thread: Thread) -> None:
    comment = add(session, thread, State.APPROVED)
    moderation.reject(session, comment)
    session.commit()
    assert comment.state is State.REJECTED
    assert version(session, thread) == 2


@pytest.mark.parametrize("start", [State.REJECTED, "erased"])
def test_reject_is_refused_for_rejected_or_erased(
    session: Session, thread: Thread, start: State | str
) -> None:
    comment = erased(session, thread) if start == "erased" else add(session, thread, State(start))
    start = comment.state
    with pytest.raises(NotAllowed):
        moderation.reject(session, comment)
    assert comment.state is start


@pytest.mark.parametrize("start", [State.PENDING, State.APPROVED, State.REJECTED])
def test_delete_without_replies_removes_the_row(session: Session, thread: Thread, start: State) -> None:
    comment = add(session, thread, start)
    moderation.delete(session, comment)
    session.commit()
    assert not exists(session, comment.id)
    assert version(session, thread) == 2


def test_delete_with_replies_keeps_a_wiped_placeholder(session: Session, thread: Thread) -> None:
    parent = add(session, thread, State.APPROVED)
    reply = add(session, thread, State.APPROVED, parent=parent, minutes=1)
    moderation.delete(session, parent)
    session.commit()
    session.expire_all()
    kept = session.get(Comment, parent.id)
    assert kept is not None
    assert kept.state is State.DELETED
    assert (kept.name, kept.email, kept.text, kept.html) == ("", None, "", "")
    assert kept.text_hash is None
    assert kept.author_token_hash is None
    assert exists(session, reply.id)
    assert version(session, thread) == 2


def test_deleting_the_last_reply_removes_placeholders_up_the_chain(session: Session, thread: Thread) -> None:
    top = add(session, thread, State.APPROVED)
    middle = add(session, thread, State.APPROVED, parent=top, minutes=1)
    leaf = add(session, thread, State.APPROVED, parent=middle, minutes=2)
    moderation.delete(session, top)
    moderation.delete(session, middle)
    session.commit()
    assert exists(session, top.id)
    assert exists(session, middle.id)
    moderation.delete(session, leaf)
    session.commit()
    assert not exists(session, leaf.id)
    assert not exists(session, middle.id)
    assert not exists(session, top.id)


def test_placeholder_stays_while_another_reply_remains(session: Session, thread: Thread) -> None:
    top = add(session, thread, State.APPROVED)
    first = add(session, thread, State.APPROVED, parent=top, minutes=1)
    add(session, thread, State.PENDING, parent=top, minutes=2)
    moderation.delete(session, top)
    moderation.delete(session, first)
    session.commit()
    assert exists(session, top.id)


def test_erasing_the_last_reply_keeps_a_parent_a_moderator_set_aside_restorable(
    session: Session, thread: Thread
) -> None:
    """A moderator's delete is restorable until retention; its last reply going changes that not."""
    parent = add(session, thread, State.APPROVED)
    reply = add(session, thread, State.APPROVED, parent=parent, minutes=1)
    moderation.soft_delete(session, parent)
    moderation.delete(session, reply)  # its author erases their data, say
    session.commit()
    kept = session.get(Comment, parent.id)
    assert kept is not None
    assert kept.text == "Comment 0 approved"
    moderation.approve(session, kept)  # restored
    assert kept.state is State.APPROVED


def test_deleting_a_reply_leaves_a_live_parent_alone(session: Session, thread: Thread) -> None:
    parent = add(session, thread, State.APPROVED)
    reply = add(session, thread, State.APPROVED, parent=parent, minutes=1)
    moderation.delete(session, reply)
    session.commit()
    assert exists(session, parent.id)
    assert session.get(Comment, parent.id).state is State.APPROVED  # type: ignore[union-attr]


def test_pending_queue_is_oldest_first_and_pending_only(session: Session, thread: Thread) -> None:
    late = add(session, thread, State.PENDING, minutes=30)
    early = add(session, thread, State.PENDING, minutes=5)
    add(session, thread, State.APPROVED, minutes=1)
    add(session, thread, State.REJECTED, minutes=2)
    middle = add(session, thread, State.PENDING, minutes=10)
    everything = queue.find(session, queue.Query(State.PENDING, limit=200))
    assert [c.id for c in everything] == [early.id, middle.id, late.id]
    assert [c.id for c in queue.find(session, queue.Query(State.PENDING, limit=2))] == [early.id, middle.id]


@pytest.mark.parametrize(
    ("action", "expected"),
    [("approve", State.APPROVED), ("reject", State.REJECTED), ("delete", State.DELETED)],
)
def test_apply_runs_the_named_action(
    session: Session, thread: Thread, action: str, expected: State | None
) -> None:
    comment = add(session, thread, State.PENDING)
    moderation.apply(session, comment, action, "tester")
    session.commit()
    session.expire_all()
    found = session.get(Comment, comment.id)
    assert (found.state if found else None) is expected


@pytest.mark.parametrize("action", ["publish", "", "APPROVE", "__init__"])
def test_apply_refuses_an_unknown_action(session: Session, thread: Thread, action: str) -> None:
    comment = add(session, thread, State.PENDING)
    with pytest.raises(NotAllowed):
        moderation.apply(session, comment, action, "tester")
    assert comment.state is State.PENDING


def test_bump_moves_only_the_given_thread(session: Session, thread: Thread) -> None:
    other = Thread(key="articles/second", title="Second", url="/blog/second/", version=7, created_at=T0)
    session.add(other)
    session.commit()
    moderation.bump(session, thread.id)
    moderation.bump(session, thread.id)
    session.commit()
    assert version(session, thread) == 3
    assert version(session, other) == 7


def test_the_database_refuses_to_delete_a_comment_that_has_replies(session: Session, thread: Thread) -> None:
    parent = add(session, thread, State.APPROVED)
    reply = add(session, thread, State.APPROVED, parent=parent, minutes=1)
    with pytest.raises(IntegrityError):
        session.execute(delete(Comment).where(Comment.id == parent.id))
    session.rollback()
    assert exists(session, reply.id)


# -- A delete racing a reply (PostgreSQL: SQLite takes one writer at a time) ---------------


def _waiting_on_a_lock(url: str, timeout: float = 10) -> None:
    """Return once some session of the test database waits for a lock."""
    database = url.rsplit("/", 1)[1]
    admin = url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
    deadline = time.monotonic() + timeout
    with psycopg.connect(admin, autocommit=True) as connection:
        while time.monotonic() < deadline:
            if connection.execute(query, (database,)).fetchone()[0]:  # type: ignore[index]
                return
            time.sleep(0.02)
    raise AssertionError("nothing waited for a lock")


def _reply(parent: int, text: str) -> NewComment:
    return NewComment(thread="articles/first", parent=parent, name="Bo", text=text, form_token="-")


@pytest.fixture
def racing(make_client, database_url):  # type: ignore[no-untyped-def]
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: the race needs PostgreSQL")
    client = make_client(moderation="none")
    parent = post(client, "The parent.").json()["comment"]["id"]
    return client.app.state, int(parent), database_url


def test_a_reply_acknowledged_while_its_parent_is_deleted_is_kept(racing):
    app, parent, url = racing
    page = app.page_list.get("articles/first")
    writing = app.database.sessions()
    writing.begin()
    reply = comments.create(writing, app.settings, page, _reply(parent, "A reply."), "<p>A reply.</p>", "t")

    def delete_parent() -> None:
        with write_session(app.database.sessions) as session:
            moderation.delete(session, session.get(Comment, parent))

    deleting = threading.Thread(target=delete_parent)
    deleting.start()
    _waiting_on_a_lock(url)  # the delete has begun and waits for the reply's transaction
    writing.commit()  # the reply is acknowledged here
    writing.close()
    deleting.join(timeout=30)
    with app.database.sessions() as session:
        kept = session.get(Comment, reply.id)
        placeholder = session.get(Comment, parent)
        assert kept is not None, "an acknowledged reply vanished with its parent"
        assert placeholder is not None
        assert placeholder.state is State.DELETED


def test_a_reply_to_a_comment_being_deleted_waits_and_is_refused_not_lost(racing):
    app, parent, url = racing
    page = app.page_list.get("articles/first")
    deleting = app.database.sessions()
    deleting.begin()
    moderation.delete(deleting, deleting.get(Comment, parent))  # no replies: the row goes
    outcome: list[object] = []

    def reply() -> None:
        try:
            with write_session(app.database.sessions) as session:
                outcome.append(comments.create(session, app.settings, page, _reply(parent, "Late."), "", "t"))
        except Refused as refused:
            outcome.append(refused)

    replying = threading.Thread(target=reply)
    replying.start()
    _waiting_on_a_lock(url)
    deleting.commit()
    deleting.close()
    replying.join(timeout=30)
    [refused] = outcome
    assert isinstance(refused, Refused)
    assert refused.field == "parent"
    with app.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == 0
