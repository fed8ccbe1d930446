"""The mixed workload's data: 2,000 threads of long-tailed sizes, loaded into each server.

Both servers get the same threads and comments (texts from bench/comment_texts.py, 20%
replies). Ours imports them with `comments import` (its export format, the HTML made by
the service's own renderer, as a post would store it); Isso gets the same rows inserted
into its SQLite schema (it renders on every read, so it stores only the Markdown).
Seeding through each API, as bench/comments_vs_isso.py does for its three threads,
would take minutes for ~30,000 comments.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import subprocess
from dataclasses import dataclass
from typing import Any

from _common import VENV_BIN
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


def ours_export(names: list[str], rows: list[Row]) -> dict[str, Any]:
    """Our export format (core/transfer.py), every comment approved and rendered."""
    from comments_service.core.rendering import render

    created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).isoformat()
    threads = [
        {
            "id": n + 1,
            "key": thread_key(name),
            "title": f"Bench page {name}",
            "url": thread_uri(name),
            "created": created,
        }
        for n, name in enumerate(names)
    ]
    comments = [
        {
            "id": row.id,
            "thread": row.thread + 1,
            "parent": row.parent,
            "depth": 0 if row.parent is None else 1,
            "state": "approved",
            "name": f"Reader {row.id}",
            "email": None,
            "text": row.text,
            "html": render(row.text),
            "text_hash": None,
            "author_token_hash": None,
            "created": row.created.isoformat(),
            "edited": None,
            "moderated": None,
        }
        for row in rows
    ]
    return {
        "format": "sdm-comments",
        "version": 1,
        "exported": created,
        "threads": threads,
        "comments": comments,
    }


def load_ours(ours: Ours, export: dict[str, Any]) -> None:
    """`comments migrate` then `comments import`: the service's own loader, into an empty database."""
    path = ours.work / "seed.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    ours.migrate()
    subprocess.run(
        [str(VENV_BIN / "comments"), "import", str(path)],
        env=ours.env,
        cwd=ours.work,
        check=True,
        stdout=subprocess.DEVNULL,
    )


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
