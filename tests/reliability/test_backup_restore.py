"""Moving comments between database kinds, and backing up a live SQLite database.

`comments export` from SQLite and `comments import` into an empty PostgreSQL database
(and the other way) must keep every thread and comment exactly: ids, parents, states,
text, HTML and times to the microsecond, so that threads read back identically.
`comments backup` taken while a real server is serving and being written to must
give a sound database that holds every comment acknowledged before it started.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from comments_service.core import moderation
from comments_service.core.models import Comment, Thread
from comments_service.core.states import State
from comments_service.core.times import as_utc
from comments_service.infra.database import make_engine, session_factory, write_session
from comments_service.infra.schema_upgrade import migrate
from comments_service.infra.settings import Settings
from comments_service.web.app_factory import create_app
from tests import postgres
from tests.harness import THREADS, write_pages
from tests.reliability.service import SECRET, cli, comment, environment, form_token, serving

COLUMNS = [column.key for column in Comment.__table__.columns]


def _app(database_url: str, folder: Path) -> TestClient:
    settings = Settings(
        database_url=database_url,
        secret_key=SECRET,
        pages_file=write_pages(folder),
        min_submit_seconds=0,
        rate_per_minute=0,
        rate_per_hour=0,
    )
    return TestClient(create_app(settings))


def _fill(client: TestClient) -> str:
    """Every kind of row: nested replies, each state, a placeholder, edits, emails,
    Unicode, links, comments in the same second. Returns an author's edit token."""
    database = client.app.state.database  # type: ignore[attr-defined]

    def post(text: str, thread: str = "articles/first", parent: int | None = None, **extra: Any) -> dict:
        body = {**comment(thread, text, form_token(client, "", thread), parent, name="Zoë Ünïcode"), **extra}
        response = client.post("/api/comments", json=body)
        assert response.status_code == 202, response.text
        return dict(response.json())

    def act(comment_id: int, action: str) -> None:
        with write_session(database.sessions) as session:
            moderation.apply(session, session.get(Comment, comment_id), action)

    first = post("Root with a [link](https://example.org/a?b=1&c=2) & <b>typed tags</b>", email="a@b.co")
    act(first["comment"]["id"], "approve")
    reply = post("A *reply* — with “quotes”", parent=first["comment"]["id"])
    act(reply["comment"]["id"], "approve")
    own = post("Deepest, still held", parent=reply["comment"]["id"])
    edited = {"text": "Deepest, edited while held"}
    headers = {"X-Comment-Token": own["token"]}
    assert (
        client.patch(f"/api/comments/{own['comment']['id']}", json=edited, headers=headers).status_code == 200
    )
    act(post("Rejected one")["comment"]["id"], "reject")
    doomed = post("Deleted but replied to")["comment"]["id"]
    act(doomed, "approve")
    act(post("Keeps the placeholder", parent=doomed)["comment"]["id"], "approve")
    act(doomed, "delete")
    for n in range(8):  # same second, so only microseconds keep their order
        act(post(f"Burst {n}", thread="articles/second", email=f"u{n}@x.org")["comment"]["id"], "approve")
    return str(own["token"])


def _rows(database_url: str) -> tuple[list[tuple], list[tuple]]:
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            threads = [
                (t.id, t.key, t.title, t.url, as_utc(t.created_at))
                for t in session.scalars(select(Thread).order_by(Thread.id))
            ]
            comments = []
            for c in session.scalars(select(Comment).order_by(Comment.id)):
                row = [getattr(c, name) for name in COLUMNS]
                comments.append(tuple(as_utc(v) if isinstance(v, dt.datetime) else v for v in row))
    finally:
        engine.dispose()
    return threads, comments


def _views(client: TestClient, token: str) -> list[Any]:
    headers = {"X-Comment-Token": token}
    return [
        client.get("/api/comments", params={"thread": key}, headers=auth).json()
        for key in THREADS
        for auth in ({}, headers)
    ] + [client.get("/api/counts", params={"thread": list(THREADS)}).json()]


@pytest.mark.parametrize("direction", ["sqlite-to-postgresql", "postgresql-to-sqlite"])
def test_export_then_import_into_the_other_database_kind_loses_nothing(
    direction: str, postgres_server: postgres.Server, tmp_path: Path
) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'comments.sqlite3'}"
    source_url, target_url = (sqlite_url, postgres_server.database())
    if direction == "postgresql-to-sqlite":
        source_url, target_url = target_url, source_url
    with _app(source_url, tmp_path) as source:
        token = _fill(source)
        before = _views(source, token)
    dump = tmp_path / "export.json"
    cli(environment(source_url, write_pages(tmp_path)), "export", str(dump))
    cli(environment(target_url, write_pages(tmp_path)), "import", str(dump))

    assert _rows(target_url) == _rows(source_url)
    with _app(target_url, tmp_path) as target:
        assert _views(target, token) == before
        # New ids continue after the imported ones (PostgreSQL sequences moved on).
        newer = target.post(
            "/api/comments", json=comment("articles/first", "After the move", form_token(target, ""))
        )
        assert newer.status_code == 202
        assert newer.json()["comment"]["id"] > max(row[0] for row in _rows(source_url)[1])


def _big_database(database_url: str, comments: int) -> None:
    """Several megabytes, so that copying it takes many steps, written directly."""
    migrate(database_url)
    engine = make_engine(database_url)
    now = dt.datetime.now(dt.UTC)
    try:
        with write_session(session_factory(engine)) as session:
            session.add(
                Thread(
                    id=1,
                    key="articles/second",
                    title="Second",
                    url="/blog/second/",
                    version=1,
                    created_at=now,
                )
            )
            session.flush()
            filler = "Long comment about massage and recovery. " * 40
            session.execute(
                insert(Comment),
                [
                    {
                        "thread_id": 1,
                        "depth": 1,
                        "state": State.APPROVED,
                        "name": "Old",
                        "text": f"{n} {filler}",
                        "html": f"<p>{n} {filler}</p>",
                        "text_hash": f"{n:064d}",
                        "created_at": now,
                    }
                    for n in range(comments)
                ],
            )
    finally:
        engine.dispose()


def test_online_backup_while_writes_continue_holds_every_earlier_comment(tmp_path: Path) -> None:
    database = tmp_path / "live.sqlite3"
    _big_database(f"sqlite:///{database}", 3_000)
    env = environment(f"sqlite:///{database}", write_pages(tmp_path), rate_per_minute=0, rate_per_hour=0)
    acknowledged: list[str] = []
    stop = threading.Event()

    async def writers(base: str) -> None:
        async def one(number: int) -> None:
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                page = {"thread": "articles/first"}
                form = (await client.get("/api/form-token", params=page)).json()["token"]
                n = 0
                while not stop.is_set():
                    text = f"Writer {number} during backup {n}"
                    response = await client.post("/api/comments", json=comment("articles/first", text, form))
                    if response.status_code in (201, 202):
                        acknowledged.append(text)
                    n += 1

        await asyncio.gather(*(one(number) for number in range(4)))

    backup = tmp_path / "backup.sqlite3"
    with serving(env, tmp_path / "serve.log", workers=2) as service:
        load = threading.Thread(target=asyncio.run, args=(writers(service.url),))
        load.start()
        try:
            while len(acknowledged) < 200 and load.is_alive():
                stop.wait(0.05)
            before = set(acknowledged)
            cli(env, "backup", str(backup), timeout=90)
            during = len(acknowledged) - len(before)
        finally:
            stop.set()
            load.join(timeout=60)
    with sqlite3.connect(backup) as copy:
        integrity = copy.execute("PRAGMA integrity_check").fetchall()
        orphans = copy.execute("PRAGMA foreign_key_check").fetchall()
        saved = {row[0] for row in copy.execute("SELECT text FROM comments")}
    print(f"backup: acknowledged before={len(before)}, written during backup={during}, rows={len(saved)}")
    assert during > 0, "no write happened while the backup ran"
    assert integrity == [("ok",)]
    assert orphans == []
    assert before <= saved
    assert len(saved) >= 3_000 + len(before)
