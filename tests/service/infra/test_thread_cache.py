"""The public-thread cache (infra/thread_cache.py): its version check must never stall the event loop.

On SQLite the check runs on the event loop itself (it takes microseconds). A database
that makes readers wait for a writer (a rollback journal, when WAL is not available,
or a lock held elsewhere) must then cost a worker thread some waiting, never the loop:
everything else the worker serves would wait too.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from comments_service.core.page_info import PageInfo
from comments_service.infra.database import Database, make_engine, session_factory
from comments_service.infra.schema_upgrade import migrate
from comments_service.infra.settings import Settings
from comments_service.infra.thread_cache import PublicThreads

PAGE = PageInfo(thread="articles/first", url="/blog/first/", title="First article")
HOLD = 1.5  # seconds another connection keeps the database locked


def settings(url: str) -> Settings:
    return Settings(database_url=url, secret_key="test-secret-key")


async def read_while_locked(threads: PublicThreads, database: Path) -> tuple[float, float]:
    """A read started while another connection holds the database: (its seconds, the loop's worst lag)."""
    await threads.body(PAGE)  # warm: the connection is open and the thread cached
    holder = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(HOLD, lambda: holder.execute("ROLLBACK"))
    release.start()
    lags: list[float] = []

    async def heartbeat() -> None:  # what every other request on this worker would feel
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.01)
            lags.append(time.monotonic() - before - 0.01)

    beating = asyncio.create_task(heartbeat())
    await asyncio.sleep(0.05)
    started = time.monotonic()
    body = await threads.body(PAGE)
    took = time.monotonic() - started
    await asyncio.sleep(0.05)  # the heartbeat notes how late it woke
    beating.cancel()
    release.join()
    holder.close()
    assert b'"thread":"articles/first"' in body.raw
    return took, max(lags)


def test_a_database_that_makes_readers_wait_never_freezes_the_event_loop(tmp_path: Path) -> None:
    # A rollback journal: a writer's exclusive lock makes readers wait (WAL never does).
    database = tmp_path / "comments.sqlite3"
    url = f"sqlite:///{database}"
    migrate(url)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
    threads = PublicThreads(Database(engine, session_factory(engine)), settings(url))
    try:
        took, worst_lag = asyncio.run(read_while_locked(threads, database))
    finally:
        threads.close()
        engine.dispose()
    print("TOOK", took, worst_lag, threads._inline)
    assert worst_lag < 0.3, f"the event loop stood still for {worst_lag:.2f} s"
    assert took < HOLD + 2  # the read itself answers once the lock goes


@pytest.fixture
def wal_threads(tmp_path: Path) -> Any:
    url = f"sqlite:///{tmp_path / 'comments.sqlite3'}"
    migrate(url)
    engine = make_engine(url)
    threads = PublicThreads(Database(engine, session_factory(engine)), settings(url))
    yield threads
    threads.close()
    engine.dispose()


def counting_loads(threads: PublicThreads, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    loads: list[str] = []
    real: Callable[[PageInfo], Any] = threads._load

    def load(page: PageInfo) -> Any:
        loads.append(page.thread)
        return real(page)

    monkeypatch.setattr(threads, "_load", load)
    return loads


def test_in_wal_mode_a_cached_thread_is_answered_on_the_loop(
    wal_threads: PublicThreads, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = counting_loads(wal_threads, monkeypatch)

    async def twice() -> None:
        await wal_threads.body(PAGE)
        await wal_threads.body(PAGE)

    asyncio.run(twice())
    assert loads == ["articles/first"]  # the second read: the version checked inline, no thread


def test_a_busy_version_check_leaves_the_read_to_a_worker_thread(
    wal_threads: PublicThreads, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = counting_loads(wal_threads, monkeypatch)

    class Busy:
        def execute(self, *args: object) -> None:
            raise sqlite3.OperationalError("database is locked")

    async def warm_then_busy() -> None:
        await wal_threads.body(PAGE)
        monkeypatch.setattr(wal_threads._connection, "cursor", lambda: Busy())
        body = await wal_threads.body(PAGE)
        assert b'"thread":"articles/first"' in body.raw

    asyncio.run(warm_then_busy())
    assert loads == ["articles/first", "articles/first"]
