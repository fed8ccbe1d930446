"""A flood of posts from one client is held to the rate limit without slowing readers.

With the default limits (5 a minute, 30 an hour) one client posts 1,000 comments as
fast as it can (its own process; each post as soon as the last is answered): only
the limit gets through, every other attempt is 429 with a Retry-After. Meanwhile
another client keeps reading a thread; its p99 latency must stay within twice the
p99 of the same reads unloaded.

Unloaded reads are measured first, as a baseline. But on a shared two-core machine
other work moves latency more than a flood does, so the comparison that decides is
made within the flood: the flooder is paused (SIGSTOP) and resumed in alternating
quarter-second slices, and reads in running slices are compared with reads in paused
ones, taken under the same background load. The flooder runs at the lowest CPU
priority: a real one spends its own machine's CPU, not the server's.

The service runs one worker, so the flooder's connection and the reader's are always
served by the same process and event loop: the comparison no longer depends on which
worker the kernel hands each connection to. Nor on which core each process lands on:
on a machine with two or more cores the service gets a core of its own, and the
reader and the flooder share another, where the reader always comes first (the
flooder runs at nice 19). Left to the kernel, the service sometimes shared its core
with the flooder and the ratio moved from run to run (1.23 to 2.03 against the limit
of 2 in ten runs; pinned, 1.08 to 1.36 in eight).

On PostgreSQL a cached read makes no query at all (the database announces changes,
infra/thread_changes.py), so reads no longer queue for worker threads and the GIL behind the flood's requests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from statistics import median
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from comments_service.core.errors import Refused
from comments_service.core.guard import FullWindows, Limit, check_rate
from comments_service.core.models import Base
from comments_service.infra.settings import Settings
from comments_service.web.app_factory import create_app
from tests.harness import percentile, write_pages
from tests.reliability.service import ROOT, SECRET, comment, environment, form_token, fresh_minute, serving

FLOOD = 1_000
CONNECTIONS = 1  # one client: the next post as soon as the last is answered
BASELINE_READS = 600
SLICE, SETTLE = 0.25, 0.03  # seconds; reads in the first SETTLE of a slice are not counted
PER_MINUTE, PER_HOUR = 5, 30


def _read(client: httpx.Client, base: str) -> float:
    started = time.perf_counter()
    response = client.get(f"{base}/api/comments", params={"thread": "articles/first"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    return elapsed


def _reads_during(client: httpx.Client, base: str, flood: subprocess.Popen[str]) -> tuple[list, list]:
    """(paused, running) read times, alternating slices until the flood is over."""
    paused: list[float] = []
    running: list[float] = []
    flooding = True
    try:
        while flood.poll() is None:
            os.kill(flood.pid, signal.SIGCONT if flooding else signal.SIGSTOP)
            started = time.perf_counter()
            while (now := time.perf_counter()) < started + SLICE:
                elapsed = _read(client, base)
                if now >= started + SETTLE:
                    (running if flooding else paused).append(elapsed)
            flooding = not flooding
    finally:
        if flood.poll() is None:
            os.kill(flood.pid, signal.SIGCONT)  # never leave it stopped
    return paused, running


@contextmanager
def own_cores() -> Iterator[set[int] | None]:
    """The service's cores; this process (the reader, and the flooder it starts) keeps
    the rest until the block ends. None, and nothing pinned, with a single core."""
    mine = os.sched_getaffinity(0)
    if len(mine) < 2:
        yield None
        return
    service = {min(mine)}
    os.sched_setaffinity(0, mine - service)
    try:
        yield service
    finally:
        os.sched_setaffinity(0, mine)


def _seed_thread(database_url: str, folder: Path) -> None:
    """A thread worth reading, written in-process before the service starts (no limit used)."""
    settings = Settings(
        database_url=database_url,
        secret_key=SECRET,
        pages_file=write_pages(folder),
        moderation="none",
        min_submit_seconds=0,
        rate_per_minute=0,
        rate_per_hour=0,
    )
    with TestClient(create_app(settings)) as client:
        for number in range(20):
            body = comment(
                "articles/first", f"Useful note {number}: *warm up* first.", form_token(client, "")
            )
            assert client.post("/api/comments", json=body).status_code == 201


@pytest.mark.reliability
def test_flood_is_held_to_the_rate_limit_and_readers_stay_fast(
    database_url: str, tmp_path: Path, figures: Any
) -> None:
    env = environment(database_url, write_pages(tmp_path), moderation="none")  # default limits
    _seed_thread(database_url, tmp_path)
    # One worker: the flood and the reads always share it (the harder case). With two,
    # the kernel placed each connection on either, and the figures depended on where.
    with (
        own_cores() as cpus,
        serving(env, tmp_path / "serve.log", workers=1, cpus=cpus) as service,
        httpx.Client(timeout=30) as reader,
    ):
        for _ in range(50):  # warm up the worker and the read cache
            _read(reader, service.url)
        baseline = [_read(reader, service.url) for _ in range(BASELINE_READS)]
        command = [sys.executable, "-m", "tests.reliability.flood_client", service.url, str(FLOOD)]
        flood = subprocess.Popen(
            ["nice", "-n", "19", *command, str(CONNECTIONS)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert flood.stdout is not None
            assert flood.stdout.readline().strip() == "ready"
            paused, running = _reads_during(reader, service.url, flood)
            result = json.loads(flood.stdout.read().strip().splitlines()[-1])
        finally:
            flood.kill()
            flood.wait()
    statuses = {int(code): count for code, count in result["statuses"].items()}
    accepted = statuses.pop(201, 0) + statuses.pop(202, 0)
    refused = statuses.pop(429, 0)
    # A flood that straddles a minute boundary may use two minute windows.
    windows = int(result["ended"] // 60 - result["started"] // 60) + 1
    ratio = percentile(running, 99) / percentile(paused, 99)
    figures(
        posts=FLOOD,
        accepted=accepted,
        refused_429=refused,
        other_statuses=statuses or 0,
        minute_windows=windows,
        baseline_p99_ms=round(percentile(baseline, 99) * 1000, 2),
        paused_p99_ms=round(percentile(paused, 99) * 1000, 2),
        loaded_p99_ms=round(percentile(running, 99) * 1000, 2),
        ratio=round(ratio, 2),
        p50_paused_loaded_ms=f"{median(paused) * 1000:.2f}/{median(running) * 1000:.2f}",
        ratio_to_baseline=round(percentile(running, 99) / percentile(baseline, 99), 2),
        reads=f"{len(baseline)}+{len(paused)}+{len(running)}",
    )
    assert not statuses, f"statuses other than 201/202/429: {statuses}"
    assert accepted + refused == FLOOD
    assert PER_MINUTE <= accepted <= min(PER_HOUR, PER_MINUTE * windows)
    assert len(result["retry_after"]) == refused
    assert all(value is not None and 1 <= value <= 3600 for value in result["retry_after"])
    assert ratio <= 2, f"reads slowed down {ratio:.1f}x under the flood"


def test_a_client_refused_in_memory_is_refused_exactly_as_long_as_the_database_would() -> None:
    """posting.post answers a known-full client from FullWindows without the database:
    that answer must match check_rate's, and end when the window does."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    limits = [Limit("minute", 60, 2), Limit("hour", 3600, 30)]
    full = FullWindows()
    start = 1_800_000_000.0 + 7  # 7 s into a minute window
    with Session(engine) as session:
        for second in (0, 1):
            check_rate(session, "client", limits, now=start + second)
        with pytest.raises(Refused) as refused:
            check_rate(session, "client", limits, now=start + 2)
    assert refused.value.retry_after is not None
    full.remember("client", refused.value.retry_after, now=start + 2)
    for later in (3.0, 30.5, 52.9):
        assert full.wait("client", now=start + later) == int(60 - 7 - later) + 1
    assert full.wait("client", now=start + 53) == 0  # the next minute window: ask the database again
    assert full.wait("someone else", now=start + 3) == 0


def test_a_client_over_its_limit_is_refused_before_its_post_is_even_read(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'gate.sqlite3'}",
        secret_key=SECRET,
        pages_file=write_pages(tmp_path),
        min_submit_seconds=0,
        rate_per_minute=1,
    )
    with TestClient(create_app(settings)) as client:
        fresh_minute(margin=2)
        body = comment("articles/first", "First", form_token(client, ""))
        assert client.post("/api/comments", json=body).status_code == 202
        assert client.post("/api/comments", json={**body, "text": "Second"}).status_code == 429  # counted
        garbage = {"Content-Type": "application/json"}
        refused = client.post("/api/comments", content=b"{not json", headers=garbage)
        assert refused.status_code == 429  # not 400: the body was never parsed
        assert refused.json()["field"] == "rate"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.headers["X-Content-Type-Options"] == "nosniff"
        assert client.get("/api/comments", params={"thread": "articles/first"}).status_code == 200
