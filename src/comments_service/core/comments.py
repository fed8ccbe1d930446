"""Writing comments: a new comment, its author's edits and deletes, the rules they keep.

Writes render the Markdown once and store the HTML (reads never render again).
Authors are recognised by the hash of their edit token, never by who they say they are.
"""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from . import authors, moderation, notifications
from .comment_input import CommentEdit, NewComment
from .errors import NotFound, Reason, Refused
from .messages import Text
from .models import Comment, Thread
from .page_info import PageInfo
from .policy import Policy
from .rendering import Unrenderable, count_links, render
from .states import ModerationMode, State
from .times import as_utc, utcnow
from .tokens import Signer, sha256
from .transactions import thread_changed

_COMMENT_INSERT = insert(Comment).returning(Comment.id)


def author_token_hash(signer: Signer, policy: Policy, token: str | None) -> str | None:
    """The stored form of a browser's edit token while it is honoured; None for anything else."""
    return signer.author_token_hash(token, policy.author_token_days * 86_400)


def edit_window(policy: Policy) -> dt.timedelta:
    """How long after posting an author may still change their comment."""
    return dt.timedelta(seconds=policy.edit_window_seconds)


def render_checked(text: str, max_links: int) -> str:
    """Render outside any transaction where possible: it is the slowest step of a post."""
    try:
        html = render(text)
    except Unrenderable as error:
        raise Refused(Reason.INVALID, "text", error.text) from error
    if count_links(html) > max_links:
        raise Refused(Reason.INVALID, "text", Text("too-many-links", max_links=max_links))
    return html


def reply_refusal(parent_state: State | None, parent_depth: int, max_depth: int) -> Refused | None:
    """Why a comment may not be answered, or None when it may: the one statement of the rule.

    Only an approved comment on the same page (`parent_state` None when it is not on
    it) that is not already at the deepest level takes replies. Posting refuses with
    this; the no-JavaScript page offers no reply form for such a comment.
    """
    if parent_state is not State.APPROVED:
        return Refused(Reason.INVALID, "parent", Text("parent-elsewhere"))
    if parent_depth >= max_depth:
        return Refused(Reason.INVALID, "parent", Text("too-deep", levels=max_depth))
    return None


def create(
    session: Session,
    policy: Policy,
    page: PageInfo,
    data: NewComment,
    html: str,
    token_hash: str,
    client: str | None = None,
) -> Comment:
    """Store a comment whose text was already rendered (render_checked), in a write transaction.

    `client` is the poster's client key (clients.client_key): kept with the comment so a
    moderator can block it, and refused here while it (or the email) is blocked.
    """
    state = _first_state(session, policy, token_hash)
    thread_id = thread_id_for(session, page, bump=state is State.APPROVED)
    depth = 1 if data.parent is None else _reply_depth(session, data.parent, thread_id, policy.max_depth)
    values = {
        "thread_id": thread_id,
        "parent_id": data.parent,
        "depth": depth,
        "state": state,
        "name": data.name,
        "email": data.email,
        "text": data.text,
        "html": html,
        "text_hash": _text_hash(data.text),
        "author_token_hash": token_hash,
        "client_key": client,
        "created_at": utcnow(),
    }
    # A plain INSERT: the ORM's unit of work costs more than the insert itself, and the
    # new row needs nothing from it. The caller gets the row as a detached Comment.
    try:
        new_id = session.connection().execute(_COMMENT_INSERT, values).scalar_one()
    except IntegrityError as error:
        raise _conflict(error) from error
    comment = Comment(id=new_id, **values)
    if state is State.APPROVED:
        notifications.on_published(session, comment, by_moderator=False)
    return comment


def _first_state(session: Session, policy: Policy, token_hash: str) -> State:
    if policy.moderation is ModerationMode.NONE:
        return State.APPROVED
    trusted = authors.standing(session, token_hash)
    # Whether the author was approved before only matters in first-time mode: asked only there.
    was_approved = (
        trusted is None
        and policy.moderation is ModerationMode.FIRST_TIME
        and moderation.author_was_approved(session, token_hash)
    )
    return moderation.initial_state(policy.moderation, was_approved, trusted)


def _reply_depth(session: Session, parent_id: int, thread_id: int, max_depth: int) -> int:
    """The depth of a reply to `parent_id`; Refused when that comment takes no replies."""
    # Locked against a delete until this reply commits (see moderation.delete).
    found = session.scalar(
        select(Comment).where(Comment.id == parent_id).with_for_update(read=True, key_share=True)
    )
    parent = found if found is not None and found.thread_id == thread_id else None
    state, depth = (parent.state, parent.depth) if parent is not None else (None, 0)
    refusal = reply_refusal(state, depth, max_depth)
    if refusal is not None:
        raise refusal
    return depth + 1


def thread_id_for(session: Session, page: PageInfo, bump: bool) -> int:
    """The page's thread, created on its first comment, kept in step with the page, in one statement.

    `bump` also moves the thread's version on (see moderation.bump) in the same statement.
    Safe when two posts race to create the thread.
    """
    statement = _thread_upsert(session.get_bind().dialect.name, bump)
    values = {"key": page.thread, "title": page.title, "url": page.url, "created_at": utcnow()}
    thread_id = int(session.connection().execute(statement, values).scalar_one())
    if bump:
        thread_changed(session, page.thread)
    return thread_id


@functools.cache
def _thread_upsert(dialect_name: str, bump: bool) -> ReturningInsert[int]:
    """Built once per database kind: building the statement costs more than running it."""
    insert_into = postgresql.insert if dialect_name == "postgresql" else sqlite.insert
    insert = insert_into(Thread).values(
        key=bindparam("key"),
        title=bindparam("title"),
        url=bindparam("url"),
        version=1,
        created_at=bindparam("created_at"),
    )
    return insert.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "title": insert.excluded.title,
            "url": insert.excluded.url,
            "version": Thread.version + (1 if bump else 0),
        },
    ).returning(Thread.id)


def own_comment(session: Session, policy: Policy, comment_id: int, token_hash: str | None) -> Comment:
    """The author's own comment, while they may still change it."""
    comment = session.get(Comment, comment_id)
    if comment is None or comment.state not in (State.PENDING, State.APPROVED):
        raise NotFound("id", Text("no-such-comment"))
    if token_hash is None or comment.author_token_hash != token_hash:
        raise Refused(Reason.FORBIDDEN, "X-Comment-Token", Text("not-yours"))
    if utcnow() > as_utc(comment.created_at) + edit_window(policy):
        minutes = policy.edit_window_seconds // 60
        raise Refused(Reason.FORBIDDEN, "id", Text("edit-window-over", minutes=minutes))
    return comment


def edit(
    session: Session,
    policy: Policy,
    comment_id: int,
    token_hash: str | None,
    data: CommentEdit,
    client: str | None = None,
) -> Comment:
    """Change the author's own comment; refused, as a post is, while its client is blocked."""
    comment = own_comment(session, policy, comment_id, token_hash)
    authors.check_not_blocked(session, client, None)
    authors.check_not_blocked(session, comment.client_key, None)
    html = render_checked(data.text, policy.max_links)
    recheck = comment.state is State.APPROVED and moderation.edit_needs_review(
        policy.moderation, comment, data.text, html, data.name
    )
    if recheck and session.scalar(select(Comment.id).where(Comment.parent_id == comment.id).limit(1)):
        raise Refused(Reason.FORBIDDEN, "id", Text("has-replies"))
    comment.html = html
    comment.text, comment.text_hash = data.text, _text_hash(data.text)
    if data.name is not None:
        comment.name = data.name
    comment.edited_at = utcnow()
    if recheck:
        # Read again before it is public: otherwise an approved comment could be
        # rewritten into anything (see moderation.edit_needs_review).
        comment.state = State.PENDING
    _flush_or_duplicate(session)
    if recheck or comment.state is State.APPROVED:
        moderation.bump(session, comment.thread_id)
    return comment


def remove_own(session: Session, policy: Policy, comment_id: int, token_hash: str | None) -> None:
    moderation.delete(session, own_comment(session, policy, comment_id, token_hash))


def _text_hash(text: str) -> str:
    return sha256(" ".join(text.split()).casefold())


def _flush_or_duplicate(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as error:
        raise _conflict(error) from error


def _conflict(error: IntegrityError) -> Refused:
    if "text_hash" in str(error.orig) or "uq_comments_thread_text" in str(error.orig):
        return Refused(Reason.CONFLICT, "text", Text("duplicate"))
    return Refused(Reason.CONFLICT, "parent", Text("page-changed"))
