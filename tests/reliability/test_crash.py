"""Kill the service in the middle of a write load; what it acknowledged must survive.

Eight writers post continuously to `comments serve` (two workers); the whole process
group gets SIGKILL (no shutdown, no flush), the service restarts on the same database,
three times over. Every comment answered 201/202 must then be stored, the database
must be consistent, and the restarted service must serve every thread.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.harness import THREADS, write_pages
from tests.reliability.service import Service, comment, environment, export, stored_texts

WRITERS = 8
ROUNDS = 3
LOAD_SECONDS = 4.0


async def _write_until_killed(service: Service, round_: int, acknowledged: set[str]) -> int:
    """Post from several writers; SIGKILL the service while they are busy. Returns attempts."""
    attempts = 0

    async def writer(number: int) -> None:
        nonlocal attempts
        async with httpx.AsyncClient(base_url=service.url, timeout=10) as client:
            forms = {
                thread: (await client.get("/api/form-token", params={"thread": thread})).json()["token"]
                for thread in THREADS
            }
            for i in range(100_000):
                thread = sorted(THREADS)[i % len(THREADS)]
                text = f"Round {round_} writer {number} comment {i}."
                attempts += 1
                try:
                    response = await client.post("/api/comments", json=comment(thread, text, forms[thread]))
                except httpx.HTTPError:
                    return  # the service is gone
                if response.status_code in (201, 202):
                    acknowledged.add(text)

    async def killer() -> None:
        await asyncio.sleep(LOAD_SECONDS)
        # SIGKILL from a thread: waiting for the processes must not stall the writers.
        await asyncio.to_thread(service.kill)

    await asyncio.gather(killer(), *(writer(number) for number in range(WRITERS)))
    return attempts


def _consistency_problems(database_url: str) -> list[str]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(str(url.database)) as connection:
            integrity = connection.execute("PRAGMA integrity_check").fetchall()
            orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
        return ([] if integrity == [("ok",)] else [f"integrity_check: {integrity}"]) + [
            f"foreign key: {row}" for row in orphans
        ]
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            orphans = connection.execute(
                text(
                    "SELECT c.id FROM comments c LEFT JOIN threads t ON t.id = c.thread_id "
                    "LEFT JOIN comments p ON p.id = c.parent_id "
                    "WHERE t.id IS NULL OR (c.parent_id IS NOT NULL AND p.id IS NULL)"
                )
            ).all()
            bad_depth = connection.execute(
                text(
                    "SELECT c.id FROM comments c JOIN comments p ON p.id = c.parent_id "
                    "WHERE c.depth <> p.depth + 1 OR c.thread_id <> p.thread_id"
                )
            ).all()
    finally:
        engine.dispose()
    return [f"orphan comment {row.id}" for row in orphans] + [f"bad reply {row.id}" for row in bad_depth]


@pytest.mark.reliability
def test_acknowledged_comments_survive_sigkill_during_writes(
    database_url: str, tmp_path: Path, figures: Any
) -> None:
    env = environment(
        database_url, write_pages(tmp_path), rate_per_minute=0, rate_per_hour=0, moderation="none"
    )
    acknowledged: set[str] = set()
    attempts = 0
    for round_ in range(ROUNDS):
        service = Service(env, tmp_path / "serve.log", workers=2)
        service.start()
        try:
            attempts += asyncio.run(_write_until_killed(service, round_, acknowledged))
        finally:
            service.kill()
    # Restarted on the same database: it must come up and serve every thread.
    service = Service(env, tmp_path / "serve.log", workers=2)
    service.start()
    try:
        served = 0
        for thread in THREADS:
            response = httpx.get(f"{service.url}/api/comments", params={"thread": thread}, timeout=30)
            assert response.status_code == 200, response.text
            served += response.json()["count"]
    finally:
        service.stop()
    stored = stored_texts(export(env))
    lost = sorted(text for text in acknowledged if text not in stored)
    problems = _consistency_problems(database_url)
    figures(
        kills=ROUNDS,
        attempted=attempts,
        acknowledged=len(acknowledged),
        present=len(acknowledged) - len(lost),
        lost=len(lost),
        stored=sum(stored.values()),
        served_after_restart=served,
        consistency_problems=len(problems),
    )
    assert acknowledged, "the load never got a comment through"
    assert not lost, lost[:5]
    assert not problems, problems[:5]
    assert served == sum(stored.values())  # moderation off: everything stored is public
