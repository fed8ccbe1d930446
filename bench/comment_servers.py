"""The two comment servers under load: ours (`comments serve`) and Isso 0.14.0 (gunicorn).

* Isso: installed into its own virtualenv under /tmp (isso==0.14.0 and gunicorn), run
  with gunicorn, 4 workers, --preload (Isso's deployment docs), moderation off, guard
  (rate limits) off, SQLite at Isso's defaults (see isso_durability()).
* Ours: `comments serve --workers 2` (uvicorn; this machine has 2 cores), moderation
  none, rate limits 0, min_submit_seconds 0, SQLite with COMMENTS_SQLITE_SYNCHRONOUS
  given explicitly (FULL unless said otherwise) or PostgreSQL, and a comments-pages.json
  listing the bench threads (COMMENTS_PAGES_FILE).

A thread is named like "thread-100": our key is "bench/thread-100", its page (Isso's uri)
"/bench/thread-100/". Each server gives the raw requests of what its widget does.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from _common import VENV_BIN, free_port
from comment_texts import comment_text
from load_driver import Scenario, call_many, request
from servers import Server

ISSO_VERSION = "0.14.0"
ISSO_VENV = Path(f"/tmp/bench-isso-{ISSO_VERSION}")
SECRET = "bench-comments-secret-key-0123456789abcdef"
ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Chromium sends
JSON_HEADERS = {"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING}
# Isso's XHR (api.js curl) always sends Content-Type: application/json.
ISSO_HEADERS = {"Accept": "*/*", "Content-Type": "application/json", "Accept-Encoding": ACCEPT_ENCODING}
REPLY_SHARE = 0.2


def thread_key(name: str) -> str:
    return f"bench/{name}"


def thread_uri(name: str) -> str:
    return f"/bench/{name}/"


class Ours:
    name = "ours"

    def __init__(
        self,
        work: Path,
        threads: Sequence[str],
        database_url: str | None = None,
        synchronous: str = "FULL",
        workers: int = 2,
        label: str = "ours",
    ):
        self.port, self.workers, self.name = free_port(), workers, label
        self.work = work / label
        self.work.mkdir()
        pages = {
            "generated": "bench",
            "threads": {thread_key(t): {"url": thread_uri(t), "title": f"Bench page {t}"} for t in threads},
        }
        (self.work / "comments-pages.json").write_text(json.dumps(pages), encoding="utf-8")
        self.database_url = database_url or f"sqlite:///{self.work / 'comments.sqlite3'}"
        self.env = dict(os.environ)
        self.env.update(
            {
                "COMMENTS_DATABASE_URL": self.database_url,
                "COMMENTS_SQLITE_SYNCHRONOUS": synchronous,
                "COMMENTS_SECRET_KEY": SECRET,
                "COMMENTS_PAGES_FILE": str(self.work / "comments-pages.json"),
                "COMMENTS_MODERATION": "none",
                "COMMENTS_RATE_PER_MINUTE": "0",
                "COMMENTS_RATE_PER_HOUR": "0",
                "COMMENTS_FORM_TOKEN_MAX_POSTS": "0",
                "COMMENTS_MIN_SUBMIT_SECONDS": "0",
            }
        )
        self.tokens: list[str] = []

    def migrate(self) -> None:
        """Once up front, so the workers do not race to create the schema."""
        subprocess.run(
            [str(VENV_BIN / "comments"), "migrate"],
            env=self.env,
            cwd=self.work,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def server(self, port: int | None = None, label: str | None = None) -> Server:
        self.migrate()
        port = port or self.port
        argv = [str(VENV_BIN / "comments"), "serve", "--host", "127.0.0.1", "--port", str(port),
                "--workers", str(self.workers)]  # fmt: skip
        return Server(
            label or self.name, argv, f"http://127.0.0.1:{port}/api/health", env=self.env, cwd=self.work
        )

    def read_raw(self, thread: str, author_token: str | None = None) -> bytes:
        headers = dict(JSON_HEADERS)
        if author_token:
            headers["X-Comment-Token"] = author_token
        return request(
            "GET", self.port, f"/api/comments?thread={quote(thread_key(thread), safe='')}", headers
        )

    def read(self, thread: str) -> Scenario:
        raw = self.read_raw(thread)
        return lambda client, iteration: [raw]

    def form_token_raw(self, thread: str) -> bytes:
        path = f"/api/form-token?thread={quote(thread_key(thread), safe='')}"
        return request("GET", self.port, path, {"Accept": "application/json"})

    async def fetch_tokens(self, clients: int, thread: str) -> None:
        raws = [self.form_token_raw(thread)] * clients
        answers = await call_many(self.port, raws, concurrency=min(clients, 4))
        self.tokens = [json.loads(answer.body)["token"] for answer in answers]

    def post_raw(self, thread: str, text: str, name: str, parent: int | None, token: str) -> bytes:
        body = {
            "thread": thread_key(thread),
            "parent": parent,
            "name": name,
            "email": None,
            "text": text,
            "website": "",
            "form_token": token,
        }
        headers = {**JSON_HEADERS, "Content-Type": "application/json"}
        return request("POST", self.port, "/api/comments", headers, json.dumps(body).encode())

    def post(self, thread: str, run: str) -> Scenario:
        def scenario(client: int, iteration: int) -> list[bytes]:
            n = f"{run}-{client}-{iteration}"
            return [self.post_raw(thread, comment_text(n), f"Poster {client}", None, self.tokens[client])]

        return scenario

    @staticmethod
    def posted_id(body: bytes) -> int:
        return int(json.loads(body)["comment"]["id"])


class Isso:
    name = "isso"

    def __init__(self, work: Path, label: str = "isso"):
        self.port = free_port()
        self.work = work / label
        self.work.mkdir()
        self.database = self.work / "comments.db"
        self.config = self.work / "isso.cfg"
        self.config.write_text(
            "\n".join(
                [
                    "[general]",
                    f"dbpath = {self.database}",
                    f"host = http://127.0.0.1:{self.port}/",
                    "max-age = 15m",
                    "notify = stdout",
                    "[moderation]",
                    "enabled = false",
                    "[server]",
                    f"listen = http://127.0.0.1:{self.port}/",
                    "[guard]",
                    "enabled = false",
                    "ratelimit = 0",
                    "[admin]",
                    "enabled = false",
                    "",
                ]
            ),
            encoding="utf-8",
        )

    def server(self) -> Server:
        env = dict(os.environ)
        env["ISSO_SETTINGS"] = str(self.config)
        argv = [str(ISSO_VENV / "bin" / "gunicorn"), "-b", f"127.0.0.1:{self.port}", "-w", "4", "--preload",
                "isso.run"]  # fmt: skip
        return Server("isso", argv, f"http://127.0.0.1:{self.port}/config", env=env, cwd=self.work)

    def view_raws(self, thread: str) -> list[bytes]:
        """embed.js on a page view: api.config(), then, when it answers, api.fetch() with the
        default config (sort oldest, nested_limit 5)."""
        config = request("GET", self.port, "/config", ISSO_HEADERS)
        path = f"/?uri={quote(thread_uri(thread), safe='')}&sort=oldest&offset=0&nested_limit=5"
        return [config, request("GET", self.port, path, ISSO_HEADERS)]

    def read(self, thread: str) -> Scenario:
        raws = self.view_raws(thread)
        return lambda client, iteration: raws

    async def fetch_tokens(self, clients: int, thread: str) -> None:
        return None

    def post_raw(self, thread: str, text: str, name: str, parent: int | None, token: str = "") -> bytes:
        # isso.js Postbox: author, email, website, text, parent, title, notification.
        body = {
            "author": name,
            "email": None,
            "website": None,
            "text": text,
            "parent": parent,
            "title": f"Bench page {thread}",
            "notification": 0,
        }
        path = f"/new?uri={quote(thread_uri(thread), safe='')}"
        return request("POST", self.port, path, ISSO_HEADERS, json.dumps(body).encode())

    def post(self, thread: str, run: str) -> Scenario:
        def scenario(client: int, iteration: int) -> list[bytes]:
            n = f"{run}-{client}-{iteration}"
            return [self.post_raw(thread, comment_text(n), f"Poster {client}", None)]

        return scenario

    @staticmethod
    def posted_id(body: bytes) -> int:
        return int(json.loads(body)["id"])


def isso_durability(database: Path) -> dict[str, Any]:
    """Isso's SQLite settings as it runs: isso/db/__init__.py opens every connection with a
    bare sqlite3.connect(path) and sets no PRAGMA, so SQLite's defaults hold; read them back
    from the file with the same sqlite3 module Isso uses (its virtualenv's Python)."""
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA synchronous').fetchone()[0])"
    )
    out = subprocess.run(
        [str(ISSO_VENV / "bin" / "python"), "-c", code, str(database)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    source = next(ISSO_VENV.glob("lib/python*/site-packages/isso/db/__init__.py")).read_text()
    pragmas = sorted(
        {
            line.strip()
            for line in source.splitlines()
            if re.search(r"PRAGMA\s+(journal_mode|synchronous)", line)
        }
    )
    names = {"0": "OFF", "1": "NORMAL", "2": "FULL", "3": "EXTRA"}
    return {"journal_mode": out[0], "synchronous": names.get(out[1], out[1]), "pragmas_in_code": pragmas}


def ours_durability(database: Path) -> dict[str, Any]:
    """Our SQLite file's journal mode (synchronous is per connection: the setting says it)."""
    with sqlite3.connect(database) as connection:
        return {"journal_mode": connection.execute("PRAGMA journal_mode").fetchone()[0]}


async def seed(server: Ours | Isso, thread: str, size: int) -> None:
    """`size` comments through the server's own API: top-level first, then 20% replies."""
    if size == 0:
        return
    rng = random.Random(size)
    replies = int(size * REPLY_SHARE)
    await server.fetch_tokens(1, thread)
    token = server.tokens[0] if isinstance(server, Ours) else ""
    top = [
        server.post_raw(thread, comment_text(f"seed-{size}-{i}"), f"Reader {i}", None, token)
        for i in range(size - replies)
    ]
    # The first post creates the thread: alone, since Isso's workers race to insert it
    # (sqlite3.IntegrityError: UNIQUE constraint failed: threads.uri).
    answers = await call_many(server.port, top[:1], concurrency=1)
    answers += await call_many(server.port, top[1:])
    check_seeded(server, answers)
    ids = [server.posted_id(answer.body) for answer in answers]
    more = [
        server.post_raw(thread, comment_text(f"seed-{size}-r{i}"), f"Replier {i}", rng.choice(ids), token)
        for i in range(replies)
    ]
    check_seeded(server, await call_many(server.port, more))


def check_seeded(server: Ours | Isso, answers: Sequence[Any]) -> None:
    bad = [(a.status, a.body[:200]) for a in answers if a.status not in (201, 202)]
    if bad:
        raise RuntimeError(f"{server.name}: seeding failed: {bad[:3]}")


def ensure_isso() -> str:
    """Isso and gunicorn in a throwaway virtualenv under /tmp, reused when already there."""
    marker = ISSO_VENV / ".installed"
    python = str(ISSO_VENV / "bin" / "python")
    if not marker.exists():
        print(f"Installing isso=={ISSO_VERSION} and gunicorn into {ISSO_VENV} (once)", flush=True)
        shutil.rmtree(ISSO_VENV, ignore_errors=True)
        base = shutil.which("python3") or sys.executable
        subprocess.run([base, "-m", "venv", str(ISSO_VENV)], check=True)
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             f"isso=={ISSO_VERSION}", "gunicorn"],
            check=True,
        )  # fmt: skip
        marker.write_text("ok\n")
    versions = subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(m.version('isso'), m.version('gunicorn'))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    if versions[0] != ISSO_VERSION:
        raise RuntimeError(f"{ISSO_VENV} has isso {versions[0]}, not {ISSO_VERSION}")
    return versions[1]
