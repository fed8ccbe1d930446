"""Keeping and forgetting (core/retention.py): deleted and rejected comments stay restorable, then go.

On SQLite and PostgreSQL: a moderator's delete hides a comment at once but keeps it
restorable for keep_rejected_days; the purge then erases it (a placeholder stays
only while replies do), forgets each comment's client key and drops ended blocks.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from comments_service.core import moderation
from comments_service.core.errors import NotAllowed
from comments_service.core.models import Block, Comment, Thread
from comments_service.core.retention import tidy
from comments_service.core.states import State
from comments_service.core.times import utcnow

DAY = dt.timedelta(days=1)


@pytest.fixture
def thread(session: Session) -> Thread:
    row = Thread(key="articles/first", title="First", url="/first/", version=1, created_at=utcnow())
    session.add(row)
    session.commit()
    return row


def add(session: Session, thread: Thread, n: int, parent: Comment | None = None) -> Comment:
    comment = Comment(
        thread_id=thread.id,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 1,
        state=State.APPROVED,
        name="Ann",
        email="ann@example.org",
        text=f"Text {n}",
        html=f"<p>Text {n}</p>",
        text_hash=f"hash-{n}",
        client_key="client-hmac",
        created_at=utcnow(),
    )
    session.add(comment)
    session.commit()
    return comment


def decided_days_ago(session: Session, comment: Comment, days: int) -> None:
    comment.moderated_at = utcnow() - days * DAY
    session.commit()


def fresh(session: Session, comment_id: int) -> Comment | None:
    session.expire_all()
    return session.get(Comment, comment_id)


def test_a_deleted_comment_keeps_its_content_and_can_be_restored(session, thread, settings):
    comment = add(session, thread, 1)
    moderation.apply(session, comment, "delete", "tester")
    session.commit()
    tidy(session, settings)
    session.commit()
    kept = fresh(session, comment.id)
    assert kept is not None
    assert kept.state is State.DELETED
    assert (kept.text, kept.email) == ("Text 1", "ann@example.org")
    moderation.apply(session, kept, "approve", "tester")
    session.commit()
    assert fresh(session, comment.id).state is State.APPROVED  # type: ignore[union-attr]


@pytest.mark.parametrize("action", ["delete", "reject"])
def test_after_the_retention_period_the_comment_is_erased(session, thread, settings, action):
    comment = add(session, thread, 1)
    moderation.apply(session, comment, action, "tester")
    decided_days_ago(session, comment, settings.keep_rejected_days + 1)
    tidy(session, settings)
    session.commit()
    assert fresh(session, comment.id) is None


def test_an_old_deleted_comment_with_a_reply_becomes_a_wiped_placeholder_that_cannot_be_restored(
    session, thread, settings
):
    parent = add(session, thread, 1)
    reply = add(session, thread, 2, parent)
    moderation.apply(session, parent, "delete", "tester")
    decided_days_ago(session, parent, settings.keep_rejected_days + 1)
    tidy(session, settings)
    session.commit()
    placeholder = fresh(session, parent.id)
    assert placeholder is not None
    assert placeholder.state is State.DELETED
    assert (placeholder.name, placeholder.email, placeholder.text, placeholder.html) == ("", None, "", "")
    assert moderation.is_erased(placeholder)
    assert moderation.allowed_actions(placeholder.state, erased=True) == []
    with pytest.raises(NotAllowed):
        moderation.apply(session, placeholder, "approve", "tester")
    assert fresh(session, reply.id) is not None


def test_client_keys_are_forgotten_and_ended_blocks_dropped_after_the_period(session, thread, settings):
    old, new = add(session, thread, 1), add(session, thread, 2)
    old.created_at = utcnow() - (settings.keep_rejected_days + 1) * DAY
    session.add(Block(kind="client", value_hash="x", expires_at=utcnow() - DAY))
    session.add(Block(kind="email", value_hash="y", expires_at=utcnow() + DAY))
    session.commit()
    tidy(session, settings)
    session.commit()
    assert fresh(session, old.id).client_key is None  # type: ignore[union-attr]
    assert fresh(session, new.id).client_key == "client-hmac"  # type: ignore[union-attr]
    assert [b.kind for b in session.query(Block).all()] == ["email"]
