"""A moderator's session on a queue of 1,000 waiting comments: list, search, filter, bulk approve.

Seeds 1,000 waiting comments on 10 pages straight into a fresh database, starts
`comments serve` on 127.0.0.1 (with the built site's shell, as in production), signs
in over HTTP like a browser and times what a moderator does: the first page of the
queue, a search, a page filter, approving one page of 50 at once (the bulk form with
"all on this page"), then approving every remaining one with
`comments approve --all-pending`. Runs on SQLite, and on PostgreSQL too with
--postgres (a throwaway local server, tests/postgres.py). Timings are wall-clock on a
shared machine: read them as orders of magnitude.

    .venv/bin/python bench/moderation_queue.py [--postgres] [--site DIR] [--repeat 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from _common import (
    ROOT,
    VENV_BIN,
    build_real_site,
    free_port,
    median,
    percentile,
    print_summary,
    save_results,
)
from servers import Server
from text_tables import table

WAITING = 1_000
PAGES = 10
PASSWORD = "bench-moderator-password"


def seed(database_url: str) -> None:
    """1,000 waiting comments on 10 pages, a minute apart, as the API would store them."""
    from comments_service.core.models import Comment, Thread
    from comments_service.infra.database import Database
    from comments_service.infra.schema_upgrade import migrate

    migrate(database_url)
    database = Database.open(database_url)
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    try:
        with database.write() as session:
            threads = [
                Thread(key=f"articles/page-{p}", title=f"Page {p}", url=f"/page-{p}/", created_at=start)
                for p in range(PAGES)
            ]
            session.add_all(threads)
            session.flush()
            session.add_all(
                Comment(
                    thread_id=threads[n % PAGES].id,
                    name=f"Reader {n}",
                    text=f"Question {n}: is massage safe with {'a stiff neck' if n % 7 else 'sciatica'}?",
                    html=f"<p>Question {n}</p>",
                    text_hash=f"seed-{n}",
                    created_at=start + dt.timedelta(minutes=n),
                )
                for n in range(WAITING)
            )
    finally:
        database.close()


def sign_in(client: httpx.Client) -> str:
    """Sign in as a browser does; the session's CSRF token, read off the queue."""
    login = re.search(r'name="csrf" value="([^"]+)"', client.get("/admin").text)
    assert login, "no sign-in form"
    response = client.post("/admin/login", data={"password": PASSWORD, "csrf": login.group(1)})
    found = re.search(r'name="csrf" value="([^"]+)"', response.text)
    assert response.status_code == 200, response.text[:500]
    assert found, "no CSRF token on the queue"
    assert "Waiting (1000)" in response.text, "the queue does not count 1,000 waiting"
    return found.group(1)


def timed(action: Callable[[], httpx.Response], repeat: int) -> list[float]:
    """Milliseconds per call; every answer must be a 200."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = action()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:300]
    return times


def approve_pages(client: httpx.Client, csrf: str, pages: int) -> list[float]:
    """Approve the first page of the queue `pages` times with the bulk form's "all on this page"."""
    times = []
    for _ in range(pages):
        ids = re.findall(r'name="page_ids" value="(\d+)"', client.get("/admin").text)
        data = {
            "csrf": csrf,
            "action": "approve",
            "all_on_page": "true",
            "page_ids": ids,
            "back": "state=pending",
        }
        started = time.perf_counter()
        response = client.post("/admin/bulk", data=data)
        times.append((time.perf_counter() - started) * 1000)
        assert f"{len(ids)} comments approved." in response.text, response.text[:300]
    return times


def cli_seconds(env: dict[str, str], *argv: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(VENV_BIN / "comments"), *argv], env=env, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def session(database_url: str, site: Path, repeat: int) -> dict[str, Any]:
    """One moderator's session against a fresh database; the figures, in ms."""
    seed(database_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMENTS_")}
    env |= {
        "COMMENTS_DATABASE_URL": database_url,
        "COMMENTS_SECRET_KEY": "bench",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    subprocess.run(
        [str(VENV_BIN / "comments"), "set-password", "--password-stdin"],
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    port = free_port()
    argv = [str(VENV_BIN / "comments"), "serve", "--port", str(port), "--site", str(site)]
    figures: dict[str, Any] = {}
    ready = f"http://127.0.0.1:{port}/api/health"
    with (
        Server("moderation-queue", argv, ready, env=env, cwd=ROOT),
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60, follow_redirects=True) as client,
    ):
        csrf = sign_in(client)
        figures["list, first page"] = timed(lambda: client.get("/admin"), repeat)
        figures["list, page 10"] = timed(lambda: client.get("/admin", params={"p": 10}), repeat)
        figures["search 'sciatica'"] = timed(lambda: client.get("/admin", params={"q": "sciatica"}), repeat)
        figures["filter by page"] = timed(
            lambda: client.get("/admin", params={"thread": "articles/page-3"}), repeat
        )
        figures["bulk approve a page of 50"] = approve_pages(client, csrf, 5)
    figures["cli start (list --limit 1)"] = [cli_seconds(env, "list", "--limit", "1")[0] * 1000]
    seconds, said = cli_seconds(env, "approve", "--all-pending")
    figures["approve --all-pending (750)"] = [seconds * 1000]
    assert said == f"{WAITING - 250} comments approved.", said
    return figures


def approve_all_in_process(database_url: str) -> dict[str, list[float]]:
    """What `approve --all-pending` does for all 1,000 without the CLI's start: find, approve, commit."""
    from comments_service.core import queue
    from comments_service.core.states import State
    from comments_service.infra.database import Database

    seed(database_url)
    database = Database.open(database_url)
    try:
        started = time.perf_counter()
        with database.write() as session:
            ids = queue.matching_ids(session, queue.Query(State.PENDING, limit=None))
            tally = queue.moderate_many(session, ids, "approve", "bench")
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        database.close()
    assert len(tally.changed) == WAITING, tally.summary("approve")
    return {"approve all 1,000 in process": [elapsed]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway local PostgreSQL")
    parser.add_argument(
        "--site", type=Path, help="a built site to take the page shell from (default: build one)"
    )
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        site = args.site or Path(work) / "site"
        if args.site is None:
            build_real_site(site)
        results = {"sqlite": session(f"sqlite:///{work}/bench.sqlite3", site, args.repeat)}
        results["sqlite"] |= approve_all_in_process(f"sqlite:///{work}/all.sqlite3")
        if args.postgres:
            sys.path.insert(0, str(ROOT))
            from tests import postgres

            with postgres.running() as server:
                results["postgresql"] = session(server.database(), site, args.repeat)
                results["postgresql"] |= approve_all_in_process(server.database())
    report(results, args.repeat)
    return 0


def report(results: dict[str, dict[str, list[float]]], repeat: int) -> None:
    rows = [
        [step, database, len(times), median(times), percentile(times, 95)]
        for database, figures in results.items()
        for step, times in figures.items()
    ]
    text = table(
        f"A moderator's session, {WAITING:,} waiting comments on {PAGES} pages "
        "(ms; loopback HTTP, CLI wall time)",
        ["step", "database", "runs", "median ms", "p95 ms"],
        rows,
    )
    save_results("moderation_queue", {"waiting": WAITING, "repeat": repeat, "results": results})
    print_summary(
        "moderation_queue",
        [text],
        ["Timings on a shared 2-core machine: noisy; compare orders of magnitude."],
    )


if __name__ == "__main__":
    raise SystemExit(main())
