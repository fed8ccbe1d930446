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
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.orm import Session

from comments_service.core import moderation
from comments_service.core.models import Comment, Thread
from comments_service.core.page_info import PageInfo
from comments_service.core.states import State
from comments_service.infra import thread_changes
from comments_service.infra.database import Database, make_engine, session_factory
from comments_service.infra.schema_upgrade import migrate
from comments_service.infra.settings import Settings
from comments_service.infra.thread_cache import Body, PublicThreads, ThreadCache

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


def held_loads(
    threads: PublicThreads, monkeypatch: pytest.MonkeyPatch, read_first: bool
) -> tuple[list[str], threading.Event, threading.Event]:
    """Loads held until `release` (after reading the database when `read_first`); `started` set on the way."""
    loads: list[str] = []
    started, release = threading.Event(), threading.Event()
    real: Callable[[PageInfo], Any] = threads._load

    def load(page: PageInfo) -> Any:
        loads.append(page.thread)
        body = real(page) if read_first else None
        started.set()
        assert release.wait(30)
        return body if read_first else real(page)

    monkeypatch.setattr(threads, "_load", load)
    return loads, started, release


def test_readers_who_miss_one_thread_at_once_share_one_load(
    wal_threads: PublicThreads, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads, read, release = held_loads(wal_threads, monkeypatch, read_first=False)

    async def two_readers() -> tuple[Body, Body]:
        first = asyncio.create_task(wal_threads.body(PAGE))
        assert await asyncio.to_thread(read.wait, 30)  # the first reader's load is under way
        second = asyncio.create_task(wal_threads.body(PAGE))
        await asyncio.sleep(0.05)
        release.set()
        return await first, await second

    first, second = asyncio.run(two_readers())
    assert first is second
    assert loads == [PAGE.thread]


def test_a_reader_after_a_change_is_not_given_the_load_begun_before_it(
    wal_threads: PublicThreads, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads, read, release = held_loads(wal_threads, monkeypatch, read_first=True)
    url = str(wal_threads._database.engine.url)
    add_comment(url, "Before.")

    async def change_between() -> tuple[Body, Body]:
        first = asyncio.create_task(wal_threads.body(PAGE))
        assert await asyncio.to_thread(read.wait, 30)  # read before the change, not yet answered
        add_comment(url, "After.")
        second = asyncio.create_task(wal_threads.body(PAGE))
        await asyncio.sleep(0.05)
        release.set()
        return await first, await second

    first, second = asyncio.run(change_between())
    assert b"After." not in first.raw
    assert b"After." in second.raw
    assert loads == [PAGE.thread, PAGE.thread]


# -- PostgreSQL: the database tells of changes (LISTEN/NOTIFY) ----------------------------


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting until {what}"
        time.sleep(0.01)


def add_comment(url: str, text: str) -> None:
    """An approved comment written by someone else (another instance, the CLI): this process is not told."""
    engine = create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            thread = session.scalar(select(Thread).where(Thread.key == PAGE.thread))
            if thread is None:
                thread = Thread(key=PAGE.thread, title=PAGE.title, url=PAGE.url, version=1)
                session.add(thread)
                session.flush()
            thread.version += 1
            session.add(Comment(thread_id=thread.id, state=State.APPROVED, name="Ann", text=text, html=text))
    finally:
        engine.dispose()


@pytest.fixture
def pg_threads(postgres_server: Any) -> Any:
    url = postgres_server.database()
    migrate(url)
    database = Database.open(url)
    threads = PublicThreads(database, settings(url))
    queries: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda *args: queries.append(args[2]))
    threads.start()
    yield url, threads, queries
    threads.close()
    database.close()


def test_on_postgresql_a_cached_thread_is_served_without_a_query_until_it_changes(pg_threads: Any) -> None:
    url, threads, queries = pg_threads
    wait_for(lambda: threads._changes.listening, "the process listens")
    heard = threads._cache.generation(PAGE.thread)
    add_comment(url, "First.")
    # Heard before the first read: heard during it, the change rightly keeps that read's view out.
    wait_for(lambda: threads._cache.generation(PAGE.thread) != heard, "the change is heard")
    first = asyncio.run(threads.body(PAGE))
    assert b"First." in first.raw
    before = len(queries)
    for _ in range(20):
        assert asyncio.run(threads.body(PAGE)) is first
    assert len(queries) == before  # served from memory, no round trip
    add_comment(url, "Second.")
    wait_for(lambda: threads._cache.latest(PAGE.thread) is None, "the change is heard")
    assert b"Second." in asyncio.run(threads.body(PAGE)).raw


def test_on_postgresql_reads_check_the_database_while_changes_are_not_heard(
    pg_threads: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, threads, queries = pg_threads
    monkeypatch.setattr(thread_changes, "RETRY_SECONDS", 3.0)  # a while before it listens again
    wait_for(lambda: threads._changes.listening, "the process listens")
    add_comment(url, "First.")
    assert b"First." in asyncio.run(threads.body(PAGE)).raw
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'")
        )
    engine.dispose()
    wait_for(lambda: not threads._changes.listening, "the lost connection is noticed")
    add_comment(url, "Unheard.")  # nobody listens: only asking the database finds it
    before = len(queries)
    assert b"Unheard." in asyncio.run(threads.body(PAGE)).raw
    assert len(queries) > before
    wait_for(lambda: threads._changes.listening, "the process listens again")
    assert b"Unheard." in asyncio.run(threads.body(PAGE)).raw


def test_on_postgresql_closing_wakes_the_listener_instead_of_waiting_out_its_timeout(
    postgres_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every stopping worker (and every PostgreSQL test) waited up to RETRY_SECONDS before.
    url = postgres_server.database()
    migrate(url)
    monkeypatch.setattr(thread_changes, "RETRY_SECONDS", 60.0)
    engine = make_engine(url)
    changes = thread_changes.ThreadChanges(engine, lambda key: None, lambda: None)
    try:
        changes.start()
        wait_for(lambda: changes.listening, "it listens")
        started = time.monotonic()
        changes.close()
        assert time.monotonic() - started < 30, "close() waited for the listener's timeout"
    finally:
        changes.close()
        engine.dispose()


def test_on_postgresql_a_write_of_this_process_is_seen_by_its_very_next_read(pg_threads: Any) -> None:
    url, threads, _ = pg_threads
    wait_for(lambda: threads._changes.listening, "the process listens")
    heard = threads._changes._changed

    def slow_to_hear(key: str) -> None:  # a notification that takes its time to arrive
        time.sleep(0.3)
        heard(key)

    threads._changes._changed = slow_to_hear
    add_comment(url, "Before.")
    wait_for(lambda: threads._cache.latest(PAGE.thread) is None, "the first change is heard")
    assert b"Before." in asyncio.run(threads.body(PAGE)).raw
    with threads._database.write() as session:  # as editing and moderating do
        thread = session.scalar(select(Thread).where(Thread.key == PAGE.thread))
        mine = Comment(thread_id=thread.id, state=State.APPROVED, name="Ann", text="Mine.", html="Mine.")
        session.add(mine)
        moderation.bump(session, thread.id)
    assert b"Mine." in asyncio.run(threads.body(PAGE)).raw


def test_the_cache_keeps_recent_threads_within_its_count_and_size() -> None:
    def body(size: int) -> Body:
        return Body(raw=b"x" * size, compressed=b"", etag='"e"')

    cache = ThreadCache(capacity=3, max_bytes=1000)
    for key in "abc":
        cache.put(key, (1, "", ""), body(100))
    cache.get("a", (1, "", ""))  # read lately: kept
    cache.put("d", (1, "", ""), body(100))
    assert [k for k in "abcd" if cache.latest(k)] == ["a", "c", "d"]
    cache.put("big", (1, "", ""), body(850))
    assert [k for k in ("a", "c", "d", "big") if cache.latest(k)] == ["d", "big"]
    cache.changed("big")
    assert cache.latest("big") is None
