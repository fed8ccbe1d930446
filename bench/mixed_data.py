"""The mixed workload's data: 2,000 threads of long-tailed sizes, loaded into each server.

Both servers get the same threads and comments (texts from bench/comment_texts.py, 20%
replies). Ours gets them through its own models after `comments migrate`, the HTML made
by the service's own renderer as a post would store it; Isso gets the same rows in its
SQLite schema (it renders on every read, so it stores only the Markdown).
Seeding through each API, as bench/comments_vs_isso.py does for its three threads,
would take minutes for ~30,000 comments.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from dataclasses import dataclass
from typing import Any

from comment_servers import REPLY_SHARE, Isso, Ours, thread_key, thread_uri
from comment_texts import comment_text
from workload import thread_sizes


@dataclass(frozen=True)
class Row:
    id: int
    thread: int  # index into the thread names, 0-based
    parent: int | None
    text: str
    created: dt.datetime


def thread_names(count: int) -> list[str]:
    return [f"page-{n:04d}" for n in range(count)]


def comment_rows(sizes: list[int], seed: int) -> list[Row]:
    """Every comment: per thread, top-level ones first, then replies to them."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rows: list[Row] = []
    for thread, size in enumerate(sizes):
        replies = int(size * REPLY_SHARE)
        tops: list[int] = []
        for i in range(size):
            parent = rng.choice(tops) if i >= size - replies and tops else None
            number = len(rows) + 1
            created = start + dt.timedelta(seconds=number)
            rows.append(Row(number, thread, parent, comment_text(f"mixed-{thread}-{i}"), created))
            if parent is None:
                tops.append(number)
    return rows


def ours_rows(names: list[str], rows: list[Row]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of our threads and comments tables, every comment approved and rendered by the
    service's own renderer (as a post stores it)."""
    from comments_service.core.rendering import render
    from comments_service.core.states import State

    created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    threads = [
        {
            "id": n + 1,
            "key": thread_key(name),
            "title": f"Bench page {name}",
            "url": thread_uri(name),
            "version": 1,
            "created_at": created,
        }
        for n, name in enumerate(names)
    ]
    comments = [
        {
            "id": row.id,
            "thread_id": row.thread + 1,
            "parent_id": row.parent,
            "depth": 1 if row.parent is None else 2,
            "state": State.APPROVED,
            "name": f"Reader {row.id}",
            "email": None,
            "text": row.text,
            "html": render(row.text),
            "text_hash": None,
            "author_token_hash": None,
            "created_at": row.created,
            "edited_at": None,
            "moderated_at": None,
        }
        for row in rows
    ]
    return threads, comments


def load_ours(ours: Ours, tables: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    """`comments migrate`, then the rows in one transaction through the service's models.

    `comments import` adds and flushes one comment at a time: minutes for ~30,000.
    """
    from sqlalchemy import insert, text

    from comments_service.core.models import Comment, Thread
    from comments_service.infra.database import Database

    ours.migrate()
    database = Database.open(ours.database_url, "OFF")
    try:
        with database.write() as session:
            session.execute(insert(Thread), tables[0])
            session.execute(insert(Comment), tables[1])
            if session.get_bind().dialect.name == "postgresql":  # the ids were given: move the sequences on
                for table in ("threads", "comments"):
                    sequence = f"pg_get_serial_sequence('{table}', 'id')"
                    session.execute(text(f"SELECT setval({sequence}, (SELECT MAX(id) FROM {table}))"))  # noqa: S608
    finally:
        database.close()


def load_isso(isso: Isso, names: list[str], rows: list[Row]) -> None:
    """The same threads and comments in Isso's tables (its server created them on start)."""
    with sqlite3.connect(isso.database) as connection:
        connection.executemany(
            "INSERT INTO threads (id, uri, title) VALUES (?, ?, ?)",
            [(n + 1, thread_uri(name), f"Bench page {name}") for n, name in enumerate(names)],
        )
        connection.executemany(
            "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text, author,"
            " email, website, likes, dislikes, voters, notification)"
            " VALUES (?, ?, ?, ?, NULL, 1, '127.0.0.0', ?, ?, NULL, NULL, 0, 0, zeroblob(256), 0)",
            [
                (row.thread + 1, row.id, row.parent, row.created.timestamp(), row.text, f"Reader {row.id}")
                for row in rows
            ],
        )


def dataset(count: int, seed: int) -> tuple[list[str], list[int], list[Row]]:
    names = thread_names(count)
    sizes = thread_sizes(count, seed)
    return names, sizes, comment_rows(sizes, seed)
