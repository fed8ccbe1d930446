"""Many writers at once against the real server: nothing acknowledged is lost or doubled.

16 clients post 300 comments each, all at the same time, to `comments serve` with two
uvicorn workers (as in production), rate limits off and no moderation. Afterwards
`comments export` must hold every acknowledged comment exactly once.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from comments_service.infra import page_list
from tests.harness import THREADS, write_pages
from tests.reliability.service import comment, environment, export, serving, stored_texts

CLIENTS = 16
POSTS = 300


async def _client(base: str, number: int, outcomes: list[tuple[str, int]]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        forms = {
            thread: (await client.get("/api/form-token", params={"thread": thread})).json()["token"]
            for thread in THREADS
        }
        first: int | None = None
        for i in range(POSTS):
            thread = sorted(THREADS)[i % len(THREADS)]
            text = f"Client {number} comment {i}: massage helped my neck."
            # Every fifth post replies to the client's first comment on that thread.
            parent = first if first is not None and i % 5 == 0 and thread == sorted(THREADS)[0] else None
            try:
                response = await client.post(
                    "/api/comments", json=comment(thread, text, forms[thread], parent)
                )
                status = response.status_code
            except httpx.HTTPError:
                status = 0  # no answer: not acknowledged
            outcomes.append((text, status))
            if status == 201 and first is None and thread == sorted(THREADS)[0]:
                first = response.json()["comment"]["id"]


async def _load(base: str) -> list[tuple[str, int]]:
    outcomes: list[tuple[str, int]] = []
    await asyncio.gather(*(_client(base, number, outcomes) for number in range(CLIENTS)))
    return outcomes


@pytest.mark.reliability
def test_concurrent_writers_lose_and_duplicate_nothing(
    database_url: str, tmp_path: Path, figures: Any
) -> None:
    env = environment(
        database_url, write_pages(tmp_path), rate_per_minute=0, rate_per_hour=0, moderation="none"
    )
    with serving(env, tmp_path / "serve.log", workers=2) as service:
        started = time.monotonic()
        outcomes = asyncio.run(_load(service.url))
        elapsed = time.monotonic() - started
    stored = stored_texts(export(env))
    acknowledged = {text for text, status in outcomes if status in (201, 202)}
    lost = sorted(text for text in acknowledged if stored.get(text, 0) == 0)
    duplicated = sorted(text for text, count in stored.items() if count > 1)
    errors = [status for _, status in outcomes if status >= 500 or status == 0]
    figures(
        written=len(outcomes),
        acknowledged=len(acknowledged),
        stored=sum(stored.values()),
        lost=len(lost),
        duplicated=len(duplicated),
        server_errors=len(errors),
        statuses=dict(Counter(status for _, status in outcomes)),
        elapsed_s=round(elapsed, 1),
        posts_per_s=round(len(outcomes) / elapsed),
    )
    assert len(outcomes) == CLIENTS * POSTS
    assert not errors, f"{len(errors)} requests failed with 5xx or no answer"
    assert not lost, lost[:5]
    assert not duplicated, duplicated[:5]
    assert len(acknowledged) == CLIENTS * POSTS  # distinct texts, limits off: every post accepted
    assert sum(stored.values()) == len(acknowledged)


def test_every_request_finds_its_page_while_the_page_list_first_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A just-started worker under load: the first request loads the list; the others wait."""
    slow_loads = json.loads

    def slow(text: str) -> object:
        time.sleep(0.3)
        return slow_loads(text)

    monkeypatch.setattr(page_list.json, "loads", slow)
    listed = page_list.PageList(write_pages(tmp_path))
    start = threading.Barrier(8)
    found: list[bool] = []

    def visit() -> None:
        start.wait()
        found.append(listed.get("articles/first") is not None)

    visitors = [threading.Thread(target=visit) for _ in range(8)]
    for visitor in visitors:
        visitor.start()
    for visitor in visitors:
        visitor.join()
    assert found == [True] * 8
