"""The moderation rules, shared by the API, the /admin pages, the email links and the CLI.

States are `pending`, `approved`, `rejected` and `deleted`; TRANSITIONS says from
which states each action may start, and whatever offers or runs an action asks it.

A moderator's delete sets a comment aside (soft_delete): readers no longer see it,
but it stays restorable (approve or reject it again) until the retention period ends,
as a rejected comment does; then core/retention.py erases it. Erasing (delete: the
author's own delete, and the purge) removes a comment without replies; one with
replies stays as a "comment deleted" placeholder (name, email and text wiped) so its
replies keep their place, and any placeholder left without replies goes too.

Nothing acknowledged may vanish with a deleted parent. On PostgreSQL an erase locks
the comment's row before counting its replies, so a reply being written either
finishes first (and is counted) or waits and is refused; and the database itself
refuses to delete a comment that still has replies (ON DELETE RESTRICT).
"""

from __future__ import annotations

from difflib import SequenceMatcher

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import audit, notifications
from .errors import NotAllowed
from .models import Comment, Thread
from .rendering import link_targets
from .states import ModerationMode, State
from .times import utcnow
from .transactions import thread_changed

# In first-time mode, an edit that keeps less than this share of the words (in order)
# is a new comment as far as moderation goes.
KEPT_WORDS = 0.5

# The states each action may start from, in the order moderators are offered them.
# A deleted comment is restored by approving or rejecting it, unless it was erased.
TRANSITIONS: dict[str, frozenset[State]] = {
    "approve": frozenset({State.PENDING, State.REJECTED, State.DELETED}),
    "reject": frozenset({State.PENDING, State.APPROVED, State.DELETED}),
    "delete": frozenset({State.PENDING, State.APPROVED, State.REJECTED}),
}
PAST_TENSE = {"approve": "approved", "reject": "rejected", "delete": "deleted"}
# Where each action leaves a comment: a comment already there is left alone (see moderate_many).
OUTCOME = {"approve": State.APPROVED, "reject": State.REJECTED, "delete": State.DELETED}


def is_erased(comment: Comment) -> bool:
    """A placeholder whose content is gone for good: nothing is left to restore."""
    return comment.state is State.DELETED and not comment.html


def allowed_actions(state: State, erased: bool = False) -> list[str]:
    """What a moderator may do with a comment in `state` (the /admin buttons)."""
    if erased:
        return []
    return [action for action, starts in TRANSITIONS.items() if state in starts]


def _check_allowed(action: str, comment: Comment) -> None:
    if comment.state not in TRANSITIONS[action]:
        raise NotAllowed(f"a {comment.state} comment cannot be {PAST_TENSE[action]}")
    if is_erased(comment):
        raise NotAllowed("this comment was erased after the retention period; nothing is left to restore")


def initial_state(mode: ModerationMode, author_was_approved: bool, trusted: bool | None = None) -> State:
    """A new comment's state; `trusted` is a moderator's word on its author (authors.py), if any."""
    if mode is ModerationMode.NONE:
        return State.APPROVED
    if trusted is not None:
        return State.APPROVED if trusted else State.PENDING
    if mode is ModerationMode.FIRST_TIME and author_was_approved:
        return State.APPROVED
    return State.PENDING


def edit_needs_review(mode: ModerationMode, before: Comment, text: str, html: str, name: str | None) -> bool:
    """Whether an edit of an approved comment must be approved again before it is public.

    Where every comment is moderated, every edit is. In first-time mode, an approved
    author may fix a typo, but an edit that links somewhere new, changes most of the
    words or the name, would otherwise publish anything unread.
    """
    if mode is ModerationMode.ALL:
        return True
    if mode is ModerationMode.NONE:
        return False
    renamed = name is not None and name != before.name
    new_links = link_targets(html) - link_targets(before.html)
    kept = SequenceMatcher(None, before.text.split(), text.split(), autojunk=False).ratio()
    return renamed or bool(new_links) or kept < KEPT_WORDS


def author_was_approved(session: Session, token_hash: str | None) -> bool:
    if token_hash is None:
        return False
    found = session.scalar(
        select(Comment.id)
        .where(Comment.author_token_hash == token_hash, Comment.state == State.APPROVED)
        .limit(1)
    )
    return found is not None


def bump(session: Session, thread_id: int) -> None:
    """Tell readers' caches that what the public sees in this thread has changed."""
    key = session.scalar(
        update(Thread).where(Thread.id == thread_id).values(version=Thread.version + 1).returning(Thread.key)
    )
    if key is not None:
        thread_changed(session, key)


def _move(session: Session, comment: Comment, action: str, bumps: set[int] | None) -> None:
    """Move the comment to where `action` leaves it; bump its thread if readers see a change.

    With `bumps`, the thread is only noted there, for the caller to bump once (see
    queue.moderate_many: a bulk action on 750 comments of one page bumps it once).
    """
    _check_allowed(action, comment)
    public_changed = State.APPROVED in (comment.state, OUTCOME[action])
    comment.state = OUTCOME[action]
    comment.moderated_at = utcnow()
    if comment.state is State.APPROVED:
        # Every approval (one, bulk, CLI, email link) tells who asked to hear (notifications.py).
        notifications.on_published(session, comment, by_moderator=True)
    if not public_changed:
        return
    if bumps is None:
        bump(session, comment.thread_id)
    else:
        bumps.add(comment.thread_id)


def approve(session: Session, comment: Comment) -> None:
    _move(session, comment, "approve", None)


def reject(session: Session, comment: Comment) -> None:
    _move(session, comment, "reject", None)


def soft_delete(session: Session, comment: Comment) -> None:
    """A moderator's delete: hidden from readers at once, restorable until retention.tidy erases it."""
    _move(session, comment, "delete", None)


def delete(session: Session, comment: Comment) -> None:
    """Erase a comment now (author's delete, purge); a placeholder stays while replies hang from it."""
    thread_id = comment.thread_id
    if _locked(session, comment.id) is None:
        return  # deleted meanwhile by someone else
    if _reply_count(session, comment.id):
        comment.state = State.DELETED
        comment.name, comment.email, comment.text, comment.html = "", None, "", ""
        comment.text_hash = None
        comment.author_token_hash = None
        comment.moderated_at = utcnow()
        notifications.forget_comment(session, comment.id)
    else:
        parent_id = comment.parent_id
        session.delete(comment)
        session.flush()
        _tidy_placeholders(session, parent_id)
    bump(session, thread_id)


def _tidy_placeholders(session: Session, comment_id: int | None) -> None:
    """Walk up from a removed reply, dropping placeholders that no longer hold replies."""
    while comment_id is not None:
        parent = _locked(session, comment_id)
        # Only an erased placeholder goes: a moderator's delete stays restorable (soft_delete).
        if parent is None or not is_erased(parent) or _reply_count(session, parent.id):
            return
        comment_id = parent.parent_id
        session.delete(parent)
        session.flush()


def _locked(session: Session, comment_id: int) -> Comment | None:
    """The comment, read afresh and locked until commit (FOR UPDATE; SQLite has one writer anyway)."""
    return session.scalar(
        select(Comment)
        .where(Comment.id == comment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _reply_count(session: Session, comment_id: int) -> int:
    return int(session.scalar(select(func.count()).where(Comment.parent_id == comment_id)) or 0)


def apply(session: Session, comment: Comment, action: str, actor: str, bumps: set[int] | None = None) -> None:
    """Run one named action and log it: the CLI, the admin pages and email links all come through here."""
    if action not in OUTCOME:
        raise NotAllowed(f"unknown action '{action}'")
    _move(session, comment, action, bumps)
    audit.record(session, actor, action, comment.id)
