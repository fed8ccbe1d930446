"""Export and import: moving comments between databases without loss.

The export is plain JSON (every thread and comment with its state, ids and times)
and imports into an empty database of either kind, SQLite or PostgreSQL. A live
SQLite file's backup is infra/backup.py's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from .models import Comment, Thread
from .states import State
from .times import as_utc, iso

FORMAT = "sdm-comments"


def export(session: Session) -> dict[str, Any]:
    threads = session.scalars(select(Thread).order_by(Thread.id)).all()
    comments = session.scalars(select(Comment).order_by(Comment.id)).all()
    return {
        "format": FORMAT,
        "version": 1,
        "exported": iso(dt.datetime.now(dt.UTC)),
        "threads": [
            {"id": t.id, "key": t.key, "title": t.title, "url": t.url, "created": exact(t.created_at)}
            for t in threads
        ],
        "comments": [
            {
                "id": c.id,
                "thread": c.thread_id,
                "parent": c.parent_id,
                "depth": c.depth,
                "state": c.state.value,
                "name": c.name,
                "email": c.email,
                "text": c.text,
                "html": c.html,
                "text_hash": c.text_hash,
                "author_token_hash": c.author_token_hash,
                "client_key": c.client_key,
                "created": exact(c.created_at),
                "edited": exact(c.edited_at),
                "moderated": exact(c.moderated_at),
            }
            for c in comments
        ],
    }


def import_(session: Session, data: dict[str, Any]) -> tuple[int, int]:
    """Load an export into an empty database, keeping ids; returns (threads, comments)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != 1:
        raise ValueError("not a comments export (format sdm-comments, version 1)")
    if session.scalar(select(func.count()).select_from(Comment)) or session.scalar(
        select(func.count()).select_from(Thread)
    ):
        raise ValueError("the database already has comments; import only into an empty one")
    for t in data["threads"]:
        session.add(
            Thread(
                id=t["id"],
                key=t["key"],
                title=t["title"],
                url=t["url"],
                version=1,
                created_at=_time(t["created"]),
            )
        )
    session.flush()
    # Parents before replies: ids grow over time, and a reply always comes after its parent.
    for c in sorted(data["comments"], key=lambda item: item["id"]):
        session.add(
            Comment(
                id=c["id"],
                thread_id=c["thread"],
                parent_id=c["parent"],
                depth=c["depth"],
                state=State(c["state"]),
                name=c["name"],
                email=c["email"],
                text=c["text"],
                html=c["html"],
                text_hash=c["text_hash"],
                author_token_hash=c["author_token_hash"],
                client_key=c.get("client_key"),  # absent from exports made before blocking
                created_at=_time(c["created"]),
                edited_at=_time(c["edited"]),
                moderated_at=_time(c["moderated"]),
            )
        )
        session.flush()
    if session.get_bind().dialect.name == "postgresql":
        for table in ("threads", "comments"):
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (fixed names)
                    f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
                )
            )
    return len(data["threads"]), len(data["comments"])


def exact(moment: dt.datetime | None) -> str | None:
    """A time with its microseconds: an export must keep the order of same-second comments."""
    return None if moment is None else as_utc(moment).isoformat()


def _time(value: str | None) -> dt.datetime | None:
    return None if value is None else as_utc(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
