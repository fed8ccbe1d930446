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


def thread_version(session: Session, key: str) -> int:
    return int(session.scalar(select(Thread.version).where(Thread.key == key)) or 0)


def thread_view(session: Session, policy: Policy, page: PageInfo, token_hash: str | None) -> dict[str, Any]:
    """The nested thread a visitor sees: approved comments, plus their own pending ones."""
    visible: ColumnElement[bool] = Comment.state.in_(PUBLIC_STATES)
    if token_hash is not None:
        visible = or_(visible, (Comment.state == State.PENDING) & (Comment.author_token_hash == token_hash))
    rows = session.scalars(
        select(Comment)
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


def node(row: Comment, token_hash: str | None, now: dt.datetime, window: dt.timedelta) -> dict[str, Any]:
    """One comment as the API shows it (web/api_schema.py's CommentOut), replies to be added."""
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
