"""Telling commenters about their comments: opt-in, confirmation, and what is due in a digest.

The rules, not the email: infra/commenter_email.py composes the messages and
infra/outbox.py sends them. A subscription is for one comment (its approval and
replies to it). Double opt-in: until its address is confirmed by the emailed link,
only the confirmation itself is ever due, at most one per address per batch window.
Once confirmed, an address's later subscriptions need no new confirmation.

Something to tell is stored as a Notification when it happens (a moderator approves
the comment or a reply to it, or a reply is published at once) and told in a digest:
at most one email per address per thread per batch window. A digest only tells of
comments that are still approved when it is made, so a reply that was held or
rejected, or approved and then rejected before the digest, is never told.

Every email is in the language of the page its comment is on (the thread key: "es/..."
is a Spanish page, core/messages.language_of_thread); a confirmation, in that of the
comment whose post asked for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from .messages import REFERENCE, Language, language_of_thread
from .models import Comment, Notification, OutboxMessage, Subscription, Thread
from .states import State
from .times import utcnow

CONFIRM, APPROVED, REPLY = "confirm", "approved", "reply"


@dataclass(frozen=True)
class Item:
    """One thing a digest tells: a comment of theirs approved, or a reply to one."""

    kind: str
    comment_id: int
    name: str
    text: str


@dataclass
class Digest:
    """One email to one address: a confirmation, or what happened in one thread."""

    email: str
    email_key: str
    kind: str  # CONFIRM, or "thread" for a digest of items
    thread_id: int = 0  # the page it is about (a confirmation: the first comment's page)
    title: str = ""
    url: str = ""
    language: Language = REFERENCE  # the page's
    items: list[Item] = field(default_factory=list)


def subscribe(session: Session, comment_id: int, email: str, email_key: str) -> None:
    """Record the wish; a confirmation is due unless the address was confirmed before."""
    confirmed = session.scalar(
        select(Subscription.id)
        .where(Subscription.email_key == email_key, Subscription.confirmed_at.is_not(None))
        .limit(1)
    )
    # Statements, not session.add: posting writes in a statement savepoint (transactions.savepoint).
    subscription_id = session.execute(
        insert(Subscription)
        .values(
            comment_id=comment_id,
            email=email,
            email_key=email_key,
            confirmed_at=utcnow() if confirmed else None,
        )
        .returning(Subscription.id)
    ).scalar_one()
    if not confirmed:
        _tell(session, subscription_id, comment_id, CONFIRM)


def confirm(session: Session, email_key: str) -> int:
    """Confirm every waiting subscription of the address; how many there are in all (0: none)."""
    subscriptions = list(session.scalars(select(Subscription).where(Subscription.email_key == email_key)))
    for subscription in subscriptions:
        if subscription.confirmed_at is None:
            subscription.confirmed_at = utcnow()
    return len(subscriptions)


def unsubscribe(session: Session, email_key: str) -> int:
    """Stop every email to the address: its subscriptions, what is due and what waits to be sent."""
    removed = session.execute(delete(Subscription).where(Subscription.email_key == email_key))
    session.execute(delete(OutboxMessage).where(OutboxMessage.recipient_key == email_key))
    return int(getattr(removed, "rowcount", 0) or 0)


def forget_comment(session: Session, comment_id: int) -> None:
    """A comment whose address is wiped keeps no subscription (its row may stay as a placeholder)."""
    session.execute(delete(Subscription).where(Subscription.comment_id == comment_id))


def on_published(session: Session, comment: Comment, by_moderator: bool) -> None:
    """A comment became public: tell its author (if a moderator approved it) and its parent's author."""
    if by_moderator:
        _due(session, _confirmed(session, comment.id), comment.id, APPROVED)
    if comment.parent_id is None:
        return
    parent = _confirmed(session, comment.parent_id)
    if parent is None or _same_author(session, parent, comment):
        return
    _due(session, parent, comment.id, REPLY)


def _confirmed(session: Session, comment_id: int) -> Subscription | None:
    return session.scalar(
        select(Subscription).where(
            Subscription.comment_id == comment_id, Subscription.confirmed_at.is_not(None)
        )
    )


def _same_author(session: Session, parent: Subscription, reply: Comment) -> bool:
    """Nobody is told of their own reply: same address, or posted from the same browser."""
    if reply.email and reply.email.strip().lower() == parent.email.strip().lower():
        return True
    parent_token = session.scalar(select(Comment.author_token_hash).where(Comment.id == parent.comment_id))
    return parent_token is not None and parent_token == reply.author_token_hash


def _due(session: Session, subscription: Subscription | None, comment_id: int, kind: str) -> None:
    """Store something to tell, once per comment: approving again after a rejection tells nothing new."""
    if subscription is None:
        return
    told = session.scalar(
        select(Notification.id)
        .where(
            Notification.subscription_id == subscription.id,
            Notification.comment_id == comment_id,
            Notification.kind == kind,
        )
        .limit(1)
    )
    if told is None:
        _tell(session, subscription.id, comment_id, kind)


def _tell(session: Session, subscription_id: int, comment_id: int, kind: str) -> None:
    session.execute(
        insert(Notification).values(subscription_id=subscription_id, comment_id=comment_id, kind=kind)
    )


def due_digests(session: Session, window: dt.timedelta) -> list[Digest]:
    """The emails due now, marked sent; what must wait for the window stays unsent.

    Run in a write transaction, with the outbox rows for the returned digests, so a
    digest is marked sent exactly when its email is queued.
    """
    now = utcnow()
    rows = session.execute(
        select(Notification, Subscription, Comment)
        .join(Subscription, Notification.subscription_id == Subscription.id)
        .join(Comment, Notification.comment_id == Comment.id)
        .where(Notification.sent_at.is_(None))
        .order_by(Notification.id)
        .with_for_update(of=Notification, skip_locked=True)
    ).all()
    recent = _recently_told(session, now - window)
    digests: dict[tuple[str, str, int], Digest] = {}
    for notification, subscription, comment in rows:
        kind = CONFIRM if notification.kind == CONFIRM else "thread"
        group = (subscription.email_key, kind, 0 if kind == CONFIRM else comment.thread_id)
        if group in recent:
            if kind == CONFIRM:  # one confirmation per window is enough: its link confirms them all
                notification.sent_at = now
            continue
        if kind != CONFIRM and comment.state is not State.APPROVED:
            session.delete(notification)  # held again, rejected or deleted: never told
            continue
        digest = digests.setdefault(
            group, Digest(subscription.email, subscription.email_key, kind, comment.thread_id)
        )
        if kind != CONFIRM:
            digest.items.append(Item(notification.kind, comment.id, comment.name, comment.text))
        notification.sent_at = now
    _add_pages(session, list(digests.values()))
    return list(digests.values())


def _recently_told(session: Session, since: dt.datetime) -> set[tuple[str, str, int]]:
    """(address key, kind, thread) groups emailed since `since`: they wait for the window to pass."""
    rows = session.execute(
        select(Subscription.email_key, Notification.kind, Comment.thread_id)
        .join(Subscription, Notification.subscription_id == Subscription.id)
        .join(Comment, Notification.comment_id == Comment.id)
        .where(Notification.sent_at.is_not(None), Notification.sent_at > since)
        .group_by(Subscription.email_key, Notification.kind, Comment.thread_id)
    ).all()
    return {
        (key, CONFIRM, 0) if kind == CONFIRM else (key, "thread", thread_id) for key, kind, thread_id in rows
    }


def _add_pages(session: Session, digests: list[Digest]) -> None:
    """Each digest's page: its title, address and language."""
    ids = {digest.thread_id for digest in digests}
    if not ids:
        return
    threads = {row.id: row for row in session.scalars(select(Thread).where(Thread.id.in_(ids)))}
    for digest in digests:
        thread = threads[digest.thread_id]
        digest.title, digest.url = thread.title, thread.url
        digest.language = language_of_thread(thread.key)


def forget_sent(session: Session, keep: dt.timedelta) -> None:
    """Sent notifications only space the digests: kept no longer than needed."""
    cutoff = utcnow() - keep
    session.execute(
        delete(Notification).where(Notification.sent_at.is_not(None), Notification.sent_at < cutoff)
    )


def unconfirmed_expired(session: Session, max_age: dt.timedelta) -> None:
    """Subscriptions never confirmed are dropped once their link has expired: the address goes too."""
    cutoff = utcnow() - max_age
    session.execute(
        delete(Subscription).where(Subscription.confirmed_at.is_(None), Subscription.created_at < cutoff)
    )
