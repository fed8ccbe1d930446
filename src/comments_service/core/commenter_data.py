"""A commenter's own data: find it, export it as JSON, erase it.

Two ways to prove who you are: the browser's edit token (the comments posted from
that browser, while the token is honoured), or a signed link from one of our emails
(every comment posted with that address, whatever its capitalisation).

Their comments include those a moderator rejected or deleted (set aside, restorable
until retention erases them: core/moderation.soft_delete): they still hold the
person's name, email and text, so the export shows them, saying they are hidden, and
erasing erases them. Erasing uses moderation.delete, the erasing path (not a
moderator's restorable delete): a placeholder without name, email or text stays only
while replies hang from it; with an email link it also ends every subscription,
waiting notification and queued email for the address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, selectinload

from . import moderation, notifications
from .messages import Language, Text
from .models import Comment, Subscription
from .states import State
from .times import iso
from .tokens import Signer


@dataclass(frozen=True)
class Owner:
    """Whose data: the comments of an edit token, or of an email address (by its key)."""

    token_hash: str | None = None
    email_key: str | None = None


def comments_of(session: Session, signer: Signer, owner: Owner) -> list[Comment]:
    """Their comments, oldest first, hidden ones too; erased placeholders hold nothing of theirs."""
    kept = or_(Comment.state != State.DELETED, Comment.html != "")  # not moderation.is_erased
    query = select(Comment).options(selectinload(Comment.thread)).where(kept)
    if owner.token_hash is not None:
        query = query.where(Comment.author_token_hash == owner.token_hash)
    else:
        addresses = _addresses(session, signer, owner.email_key or "")
        if not addresses:
            return []
        query = query.where(Comment.email.in_(addresses))
    return list(session.scalars(query.order_by(Comment.created_at, Comment.id)))


def _addresses(session: Session, signer: Signer, email_key: str) -> list[str]:
    """Every stored spelling of the address. Only its key is in the link, so the stored
    addresses are keyed one by one: a rare request, and a few milliseconds per thousand."""
    stored = session.scalars(select(Comment.email).where(Comment.email.is_not(None)).distinct())
    return [address for address in stored if address and signer.email_key(address) == email_key]


def export(session: Session, comments: list[Comment], language: Language, keep_days: int) -> dict[str, Any]:
    """Everything stored with these comments, as the commenter may download it.

    `keep_days`: how long a rejected or deleted comment stays before it is erased.
    """
    ids = [comment.id for comment in comments]
    subscriptions = {
        row.comment_id: row
        for row in session.scalars(select(Subscription).where(Subscription.comment_id.in_(ids)))
    }
    return {
        "comments": [
            _exported(comment, subscriptions.get(comment.id), language, keep_days) for comment in comments
        ],
        "note": Text("export-note").in_language(language),
    }


# What the export says of a comment readers do not see.
HIDDEN = {State.PENDING: "export-pending", State.REJECTED: "export-rejected", State.DELETED: "export-deleted"}


def _exported(
    comment: Comment, subscription: Subscription | None, language: Language, keep_days: int
) -> dict[str, Any]:
    hidden = HIDDEN.get(comment.state)
    return {
        "id": comment.id,
        "page": comment.thread.title,
        "url": f"{comment.thread.url}#comment-{comment.id}",
        "in_reply_to": comment.parent_id,
        "state": comment.state.value,
        "shown_on_site": comment.state is State.APPROVED,
        "why_not_shown": None if hidden is None else Text(hidden, days=keep_days).in_language(language),
        "name": comment.name,
        "email": comment.email,
        "text": comment.text,
        "posted": iso(comment.created_at),
        "edited": iso(comment.edited_at),
        "emails_about_it": None
        if subscription is None
        else ("confirmed" if subscription.confirmed_at else "waiting for confirmation"),
    }


def erase(session: Session, signer: Signer, owner: Owner) -> int:
    """Delete their comments and addresses; how many comments went."""
    comments = comments_of(session, signer, owner)
    for comment in comments:
        moderation.delete(session, comment)
        left = session.get(Comment, comment.id)
        if left is not None:  # a placeholder: nothing of theirs may stay on it
            left.name, left.email, left.text, left.html, left.author_token_hash = "", None, "", "", None
            notifications.forget_comment(session, comment.id)
    if owner.email_key is not None:
        notifications.unsubscribe(session, owner.email_key)
    session.execute(delete(Subscription).where(Subscription.comment_id.in_([c.id for c in comments])))
    return len(comments)
