"""Reading comments: the nested thread a visitor sees, counts per page, a thread's newest.

Reads only assemble stored rows: the HTML was rendered once, when the comment was
written. A visitor sees approved comments and, by their edit token, their own
pending ones; a removed comment with visible replies stays as a placeholder.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from .comments import edit_window
from .models import Comment, Thread
from .page_info import PageInfo
from .policy import Policy
from .states import ModerationMode, State
from .times import as_utc, iso, utcnow

PUBLIC_STATES = (State.APPROVED, State.DELETED, State.REJECTED)
# What node() reads of a comment.
NODE_COLUMNS = (
    Comment.id,
    Comment.parent_id,
    Comment.state,
    Comment.name,
    Comment.html,
    Comment.text,
    Comment.created_at,
    Comment.edited_at,
    Comment.author_token_hash,
    Comment.depth,
)


def thread_version(session: Session, key: str) -> int:
    return int(session.scalar(select(Thread.version).where(Thread.key == key)) or 0)


def thread_view(session: Session, policy: Policy, page: PageInfo, token_hash: str | None) -> dict[str, Any]:
    """The nested thread a visitor sees: approved comments, plus their own pending ones."""
    visible: ColumnElement[bool] = Comment.state.in_(PUBLIC_STATES)
    if token_hash is not None:
        visible = or_(visible, (Comment.state == State.PENDING) & (Comment.author_token_hash == token_hash))
    # Plain rows of the columns a node shows: loading a thousand ORM objects cost most of a read.
    rows = session.execute(
        select(*NODE_COLUMNS)
        .join(Thread)
        .where(Thread.key == page.thread, visible)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    now, window = utcnow(), edit_window(policy)
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for row in rows:
        node_ = node(row, token_hash, now, window)
        nodes[row.id] = node_
        parent = nodes.get(row.parent_id) if row.parent_id else None
        (parent["replies"] if parent else roots).append(node_)
    if policy.moderation is ModerationMode.ALL and token_hash is not None:
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
        "max_depth": policy.max_depth,
        "comments": _prune(roots),
    }


def own_comments(session: Session, key: str, token_hash: str) -> list[Comment]:
    """A browser's own comments in a thread that it sees as its own (pending or approved); indexed."""
    return list(
        session.scalars(
            select(Comment)
            .join(Thread)
            .where(
                Comment.author_token_hash == token_hash,
                Thread.key == key,
                Comment.state.in_((State.PENDING, State.APPROVED)),
            )
            .order_by(Comment.created_at, Comment.id)
        )
    )


def answered_among(session: Session, ids: list[int]) -> set[int | None]:
    """Which of these comments have any reply at all (a pending one too)."""
    return set(session.scalars(select(Comment.parent_id).where(Comment.parent_id.in_(ids)).distinct()))


def with_own(
    public: dict[str, Any],
    own: list[Comment],
    token_hash: str,
    policy: Policy,
    answered: set[int | None],
) -> dict[str, Any] | None:
    """thread_view for an author, made from the public view (modified in place) and their own comments.

    The public view is cached and the author's own comments are a few rows, so a
    reader with an edit token costs one small query, not the whole thread. None when
    an own comment has no place in the public view (its parent was removed meanwhile,
    or the view is older than the comment): then the caller builds the whole view.
    `answered` matters only where every comment is moderated (see _freeze_answered).
    """
    now, window = utcnow(), edit_window(policy)
    index: dict[int, dict[str, Any]] = {}
    _index(public["comments"], index)
    for row in own:
        mine = node(row, token_hash, now, window)
        if row.id in index:
            mine["replies"] = index[row.id]["replies"]
            index[row.id].update(mine)
            continue
        if row.state is not State.PENDING or (row.parent_id is not None and row.parent_id not in index):
            return None
        siblings = index[row.parent_id]["replies"] if row.parent_id else public["comments"]
        _insert_in_order(siblings, mine)
        index[row.id] = mine
    if policy.moderation is ModerationMode.ALL:
        _freeze_answered([index[row.id] for row in own], answered)
    return public


def _index(nodes: list[dict[str, Any]], index: dict[int, dict[str, Any]]) -> None:
    for item in nodes:
        index[item["id"]] = item
        _index(item["replies"], index)


def _insert_in_order(siblings: list[dict[str, Any]], item: dict[str, Any]) -> None:
    """Siblings are in the order they were written (created, then id), as thread_view sorts them."""
    key = (item["created"], item["id"])
    at = next((n for n, other in enumerate(siblings) if (other["created"], other["id"]) > key), len(siblings))
    siblings.insert(at, item)


def node(row: Any, token_hash: str | None, now: dt.datetime, window: dt.timedelta) -> dict[str, Any]:
    """One comment (a Comment, or a row of NODE_COLUMNS) as the API shows it (web/api_schema.py's
    CommentOut), replies to be added."""
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
    """An approved comment with any reply can be deleted but no longer edited (see comments.edit)."""
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
    """Approved comments per thread key; a key without a thread counts 0."""
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


def newest_approved(session: Session, key: str, limit: int = 100) -> list[Comment]:
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
