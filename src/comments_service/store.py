"""Writing and reading comments: the operations behind the API and the no-JavaScript page.

Writes render the Markdown once and store the HTML; reads only assemble stored rows
into a nested thread. Authors are recognised by the hash of their edit token.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from . import moderation
from .guard import Refused
from .models import Comment, State, Thread, as_utc, utcnow
from .pages import PageInfo
from .rendering import Unrenderable, count_links, render
from .schemas import CommentEdit, NewComment
from .security import sha256
from .settings import ModerationMode, Settings

PUBLIC_STATES = (State.APPROVED, State.DELETED, State.REJECTED)


def iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else as_utc(moment).isoformat(timespec="seconds").replace("+00:00", "Z")


def thread_id_for(session: Session, page: PageInfo, bump: bool) -> int:
    """The page's thread, created on its first comment, kept in step with the page, in one statement.

    `bump` also moves the thread's version on (see moderation.bump) in the same statement.
    Safe when two posts race to create the thread.
    """
    statement = _thread_upsert(session.get_bind().dialect.name, bump)
    values = {"key": page.thread, "title": page.title, "url": page.url, "created_at": utcnow()}
    return int(session.connection().execute(statement, values).scalar_one())


_COMMENT_INSERT = insert(Comment).returning(Comment.id)


@functools.cache
def _thread_upsert(dialect_name: str, bump: bool) -> ReturningInsert[tuple[int]]:
    """Built once per database kind: building the statement costs more than running it."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    insert = dialect.insert(Thread).values(
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


def create(
    session: Session, settings: Settings, page: PageInfo, data: NewComment, html: str, token_hash: str
) -> Comment:
    """Store a comment whose text was already rendered (render_checked), in a write transaction."""
    # Whether the author was approved before only matters in first-time mode: asked only there.
    was_approved = settings.moderation is ModerationMode.FIRST_TIME and moderation.author_was_approved(
        session, token_hash
    )
    state = moderation.initial_state(settings.moderation, was_approved)
    thread_id = thread_id_for(session, page, bump=state is State.APPROVED)
    depth = 1
    if data.parent is not None:
        # Locked against a delete until this reply commits (see moderation.delete).
        parent = session.scalar(
            select(Comment).where(Comment.id == data.parent).with_for_update(read=True, key_share=True)
        )
        if parent is None or parent.thread_id != thread_id or parent.state is not State.APPROVED:
            raise Refused(422, "parent", "The comment you are replying to is not on this page.")
        if parent.depth >= settings.max_depth:
            raise Refused(422, "parent", f"Replies can only nest {settings.max_depth} levels deep.")
        depth = parent.depth + 1
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
        "created_at": utcnow(),
    }
    # A plain INSERT: the ORM's unit of work costs more than the insert itself, and the
    # new row needs nothing from it. The caller gets the row as a detached Comment.
    try:
        new_id = session.connection().execute(_COMMENT_INSERT, values).scalar_one()
    except IntegrityError as error:
        raise _conflict(error) from error
    return Comment(id=new_id, **values)


def own_comment(session: Session, settings: Settings, comment_id: int, token_hash: str | None) -> Comment:
    """The author's own comment, while they may still change it."""
    comment = session.get(Comment, comment_id)
    if comment is None or comment.state not in (State.PENDING, State.APPROVED):
        raise Refused(404, "id", "There is no such comment.")
    if token_hash is None or comment.author_token_hash != token_hash:
        raise Refused(403, "X-Comment-Token", "You can only change comments posted from this browser.")
    if utcnow() > as_utc(comment.created_at) + dt.timedelta(seconds=settings.edit_window_seconds):
        minutes = settings.edit_window_seconds // 60
        raise Refused(403, "id", f"Comments can only be changed for {minutes} minutes after posting.")
    return comment


def edit(
    session: Session, settings: Settings, comment_id: int, token_hash: str | None, data: CommentEdit
) -> Comment:
    comment = own_comment(session, settings, comment_id, token_hash)
    html = render_checked(data.text, settings.max_links)
    recheck = comment.state is State.APPROVED and moderation.edit_needs_review(
        settings.moderation, comment, data.text, html, data.name
    )
    if recheck and session.scalar(select(Comment.id).where(Comment.parent_id == comment.id).limit(1)):
        raise Refused(403, "id", "A comment with replies can no longer be edited; you can still delete it.")
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


def remove_own(session: Session, settings: Settings, comment_id: int, token_hash: str | None) -> None:
    moderation.delete(session, own_comment(session, settings, comment_id, token_hash))


def edit_window(settings: Settings) -> dt.timedelta:
    return dt.timedelta(seconds=settings.edit_window_seconds)


def thread_version(session: Session, key: str) -> int:
    return int(session.scalar(select(Thread.version).where(Thread.key == key)) or 0)


def thread_view(
    session: Session, settings: Settings, page: PageInfo, token_hash: str | None
) -> dict[str, Any]:
    """The nested thread a visitor sees: approved comments, plus their own pending ones."""
    visible = Comment.state.in_(PUBLIC_STATES)
    if token_hash is not None:
        visible = or_(visible, (Comment.state == State.PENDING) & (Comment.author_token_hash == token_hash))
    rows = session.scalars(
        select(Comment)
        .join(Thread)
        .where(Thread.key == page.thread, visible)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    now, window = utcnow(), edit_window(settings)
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for row in rows:
        node_ = node(row, token_hash, now, window)
        nodes[row.id] = node_
        parent = nodes.get(row.parent_id) if row.parent_id else None
        (parent["replies"] if parent else roots).append(node_)
    if settings.moderation is ModerationMode.ALL and token_hash is not None:
        answered = set(
            session.scalars(
                select(Comment.parent_id)
                .join(Thread)
                .where(Thread.key == page.thread, Comment.parent_id.is_not(None))
            )
        )
        _freeze_answered(roots, answered)
    return {
        "thread": page.thread,
        "title": page.title,
        "url": page.url,
        "count": sum(1 for row in rows if row.state is State.APPROVED),
        "max_depth": settings.max_depth,
        "comments": _prune(roots),
    }


def node(row: Comment, token_hash: str | None, now: dt.datetime, window: dt.timedelta) -> dict[str, Any]:
    hidden = row.state in (State.DELETED, State.REJECTED)
    own = token_hash is not None and row.author_token_hash == token_hash
    until = as_utc(row.created_at) + window
    return {
        "id": row.id,
        "parent": row.parent_id,
        "name": "" if hidden else row.name,
        "html": "" if hidden else row.html,
        "text": row.text if own and not hidden else None,
        "created": iso(row.created_at),
        "edited": None if hidden else iso(row.edited_at),
        "state": "deleted" if hidden else row.state.value,
        "own": own and not hidden,
        "editable_until": iso(until) if own and not hidden and now < until else None,
        "editable": own and not hidden and now < until,
        "depth": row.depth,
        "replies": [],
    }


def _freeze_answered(nodes: list[dict[str, Any]], answered: set[int | None]) -> None:
    """An approved comment with any reply can be deleted but no longer edited (see edit())."""
    for item in nodes:
        if item["state"] == "approved" and item["id"] in answered:
            item["editable"] = False
        _freeze_answered(item["replies"], answered)


def _prune(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop placeholders (deleted or rejected) that no longer hold any visible reply."""
    kept = []
    for node in nodes:
        node["replies"] = _prune(node["replies"])
        if node["state"] != "deleted" or node["replies"]:
            kept.append(node)
    return kept


def counts(session: Session, keys: list[str]) -> dict[str, int]:
    # No thread key holds a NUL, and PostgreSQL refuses the whole query (a 500) if one
    # is in it: such keys simply count 0, as on SQLite.
    storable = [key for key in keys if "\x00" not in key]
    found = dict(
        session.execute(
            select(Thread.key, func.count(Comment.id))
            .join(Comment)
            .where(Thread.key.in_(storable), Comment.state == State.APPROVED)
            .group_by(Thread.key)
        ).all()
    )
    return {key: int(found.get(key, 0)) for key in keys}


def approved(session: Session, key: str, limit: int = 100) -> list[Comment]:
    """The newest approved comments of a thread, for its feed."""
    return list(
        session.scalars(
            select(Comment)
            .join(Thread)
            .where(Thread.key == key, Comment.state == State.APPROVED)
            .order_by(Comment.created_at.desc(), Comment.id.desc())
            .limit(limit)
        )
    )


def render_checked(text: str, max_links: int) -> str:
    """Render outside any transaction where possible: it is the slowest step of a post."""
    try:
        html = render(text)
    except Unrenderable as error:
        raise Refused(422, "text", str(error)) from error
    if count_links(html) > max_links:
        raise Refused(422, "text", f"Please use at most {max_links} links in a comment.")
    return html


def _text_hash(text: str) -> str:
    return sha256(" ".join(text.split()).casefold())


def _flush_or_duplicate(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as error:
        raise _conflict(error) from error


def _conflict(error: IntegrityError) -> Refused:
    if "text_hash" in str(error.orig) or "uq_comments_thread_text" in str(error.orig):
        return Refused(409, "text", "This comment is already on this page.")
    return Refused(409, "parent", "The page changed while you were posting; please reload.")
