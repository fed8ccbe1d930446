"""The moderation rules, shared by the API, the /admin pages, the email links and the CLI.

States are `pending`, `approved`, `rejected` and `deleted`; TRANSITIONS says from
which states each action may start, and whatever offers or runs an action asks it.
A deleted comment that still has replies stays as a "comment deleted" placeholder
(name, email and text wiped) so its replies keep their place; one without replies is
removed, and so is any placeholder it leaves without replies.

Nothing acknowledged may vanish with a deleted parent. On PostgreSQL a delete locks
the comment's row before counting its replies, so a reply being written either
finishes first (and is counted) or waits and is refused; and the database itself
refuses to delete a comment that still has replies (ON DELETE RESTRICT).
"""

from __future__ import annotations

from difflib import SequenceMatcher

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from . import notifications
from .errors import NotAllowed
from .models import Comment, Thread
from .rendering import link_targets
from .states import ModerationMode, State
from .times import utcnow

# In first-time mode, an edit that keeps less than this share of the words (in order)
# is a new comment as far as moderation goes.
KEPT_WORDS = 0.5

# The states each action may start from, in the order moderators are offered them.
TRANSITIONS: dict[str, frozenset[State]] = {
    "approve": frozenset({State.PENDING, State.REJECTED}),
    "reject": frozenset({State.PENDING, State.APPROVED}),
    "delete": frozenset(State),  # a placeholder as well: it stays only while it holds replies
}
PAST_TENSE = {"approve": "approved", "reject": "rejected", "delete": "deleted"}


def allowed_actions(state: State) -> list[str]:
    """What a moderator may do with a comment in `state` (the /admin buttons)."""
    return [action for action, starts in TRANSITIONS.items() if state in starts]


def _check_allowed(action: str, comment: Comment) -> None:
    if comment.state not in TRANSITIONS[action]:
        raise NotAllowed(f"a {comment.state} comment cannot be {PAST_TENSE[action]}")


def initial_state(mode: ModerationMode, author_was_approved: bool) -> State:
    if mode is ModerationMode.NONE:
        return State.APPROVED
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
    session.execute(update(Thread).where(Thread.id == thread_id).values(version=Thread.version + 1))


def approve(session: Session, comment: Comment) -> None:
    _check_allowed("approve", comment)
    comment.state = State.APPROVED
    comment.moderated_at = utcnow()
    bump(session, comment.thread_id)
    notifications.on_published(session, comment, by_moderator=True)


def reject(session: Session, comment: Comment) -> None:
    _check_allowed("reject", comment)
    was_public = comment.state is State.APPROVED
    comment.state = State.REJECTED
    comment.moderated_at = utcnow()
    if was_public:
        bump(session, comment.thread_id)


def delete(session: Session, comment: Comment) -> None:
    """Remove a comment, keeping a placeholder only while replies hang from it."""
    _check_allowed("delete", comment)
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
        if parent is None or parent.state is not State.DELETED or _reply_count(session, parent.id):
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


def in_state(session: Session, state: State, limit: int, newest_first: bool = False) -> list[Comment]:
    """Comments in one state with their threads: the /admin lists and `comments list`."""
    order = (
        (Comment.created_at.desc(), Comment.id.desc()) if newest_first else (Comment.created_at, Comment.id)
    )
    return list(
        session.scalars(
            select(Comment)
            .options(selectinload(Comment.thread))
            .where(Comment.state == state)
            .order_by(*order)
            .limit(limit)
        )
    )


def apply(session: Session, comment: Comment, action: str) -> None:
    """Run one named action: the CLI, the admin page and email links all come through here."""
    actions = {"approve": approve, "reject": reject, "delete": delete}
    if action not in actions:
        raise NotAllowed(f"unknown action '{action}'")
    actions[action](session, comment)
