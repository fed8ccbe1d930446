"""The public view of threads, serialised and compressed once per version of the thread.

A thread's row carries a version number that every public change bumps, so a read
costs one small query when nothing changed and never renders or sorts again.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import anyio.to_thread

from ..core.page_info import PageInfo
from ..core.thread_view import thread_version, thread_view
from .database import Database, on_thread_change
from .settings import Settings
from .thread_changes import ThreadChanges

INLINE_BUSY_MS = 5  # the longest a read on the event loop may wait for a lock

CACHE_BYTES = 64 * 1024 * 1024  # per process: some 50,000 small threads, or 80 of 1,000 comments

# What a cached view was made for: the thread's version, and its page's title and address.
Stamp = tuple[int, str, str]


@dataclass(frozen=True)
class Body:
    """A ready-to-send JSON body, its gzip form and its ETag."""

    raw: bytes
    compressed: bytes
    etag: str

    @property
    def size(self) -> int:
        return len(self.raw) + len(self.compressed)

    @classmethod
    def of(cls, data: Any) -> Body:
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        etag = '"' + hashlib.blake2b(raw, digest_size=12).hexdigest() + '"'
        return cls(raw=raw, compressed=gzip.compress(raw, compresslevel=6, mtime=0), etag=etag)


class ThreadCache:
    """The public view of recently read threads, least recently used dropped first.

    Bounded by count and by size: a site has thousands of small threads and a few big
    ones (a 1,000-comment thread is most of a megabyte).

    A change heard for a thread (thread_changes.py) drops its entry and moves its
    generation on: a view read from the database before the change is then not kept.
    """

    def __init__(self, capacity: int = 4096, max_bytes: int = CACHE_BYTES):
        self._capacity, self._max_bytes, self._bytes = capacity, max_bytes, 0
        self._entries: OrderedDict[str, tuple[Stamp, Body]] = OrderedDict()
        self._generations: dict[str, int] = {}
        self._epoch = 0
        self._lock = threading.Lock()

    def get(self, key: str, stamp: Stamp) -> Body | None:
        """The cached body, if it was made for this stamp (the thread's version and page)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != stamp:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def latest(self, key: str) -> tuple[Stamp, Body] | None:
        """The entry kept for `key` whatever its stamp: current while no change was heard since."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def generation(self, key: str) -> tuple[int, int]:
        with self._lock:
            return self._epoch, self._generations.get(key, 0)

    def put(self, key: str, stamp: Stamp, body: Body, generation: tuple[int, int] | None = None) -> None:
        """Keep `body`, unless a change to the thread was heard since `generation` was taken."""
        with self._lock:
            if generation is not None and generation != (self._epoch, self._generations.get(key, 0)):
                return
            self._drop(key)
            self._entries[key] = (stamp, body)
            self._bytes += body.size
            while len(self._entries) > self._capacity or (
                self._bytes > self._max_bytes and len(self._entries) > 1
            ):
                self._drop(next(iter(self._entries)))

    def changed(self, key: str) -> None:
        with self._lock:
            self._drop(key)
            self._generations[key] = self._generations.get(key, 0) + 1

    def forget_all(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._generations.clear()
            self._epoch += 1

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry[1].size


class PublicThreads:
    """What anyone without an edit token sees of a thread, served from memory while its version holds.

    Checking the version is one indexed read. On SQLite it runs on the event loop,
    through one autocommit connection kept for it: a few microseconds, where handing
    it to a worker thread costs a good part of a millisecond. PostgreSQL is a network
    round trip away: there the database tells the process of every change instead
    (thread_changes.py), and a cached thread with no change heard is served from
    memory on the event loop, without a query; only while that is not listening does
    the check run in a worker thread, on every read.

    Nothing on the event loop may wait for the database, or the whole worker waits:
    the connection is opened in a worker thread, used only when the database is in
    WAL mode (where readers never wait for a writer), and gives up after a few
    milliseconds if the database is busy anyway, leaving the read to a worker thread.

    Readers who miss the same thread at the same version share one load: a popular
    thread that just changed would otherwise be rebuilt by every reader waiting for it
    at once (a 1,000-comment thread costs some 20 ms of CPU each time).
    """

    def __init__(self, database: Database, settings: Settings):
        self._database, self._settings = database, settings
        self._cache = ThreadCache()
        self._inline = database.engine.dialect.name == "sqlite"
        self._connection: Any = None  # opened on first use, after migrations have run
        self._changes: ThreadChanges | None = None
        self._loading: dict[tuple[object, ...], asyncio.Task[Body]] = {}  # misses being loaded
        if database.engine.dialect.name == "postgresql":
            self._changes = ThreadChanges(database.engine, self._cache.changed, self._cache.forget_all)
            on_thread_change(database.engine, self._cache.changed)

    def start(self) -> None:
        """Start listening for changes (PostgreSQL), once the schema is up to date."""
        if self._changes is not None:
            self._changes.start()

    async def body(self, page: PageInfo) -> Body:
        if self._changes is not None and self._changes.listening:
            entry = self._cache.latest(page.thread)
            if entry is not None and entry[0][1:] == (page.title, page.url):
                return entry[1]
            # No change heard since this generation: a load started in it is current.
            key = (page.thread, page.title, page.url, self._cache.generation(page.thread))
            return await self._shared_load(key, page)
        if self._inline:
            version = await self._sqlite_version(page.thread)
            if version is not None:
                stamp = self._stamp(page, version)
                cached = self._cache.get(page.thread, stamp)
                return cached or await self._shared_load((page.thread, *stamp), page)
        return await anyio.to_thread.run_sync(self._load, page)

    async def _shared_load(self, key: tuple[object, ...], page: PageInfo) -> Body:
        """The load for `key` already under way, or a new one; it goes on if its first reader leaves."""
        task = self._loading.get(key)
        if task is None:
            task = asyncio.ensure_future(anyio.to_thread.run_sync(self._load, page))
            self._loading[key] = task
            task.add_done_callback(lambda done: self._forget_load(key, done))
        return await asyncio.shield(task)

    def _forget_load(self, key: tuple[object, ...], done: asyncio.Task[Body]) -> None:
        if self._loading.get(key) is done:
            del self._loading[key]
        if not done.cancelled():
            done.exception()  # retrieved: a failure is answered to the readers still waiting

    def close(self) -> None:
        if self._changes is not None:
            on_thread_change(self._database.engine, None)
            self._changes.close()
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def _sqlite_version(self, key: str) -> int | None:
        """The thread's version, read on the loop; None when that could mean waiting."""
        if self._connection is None:
            opened = await anyio.to_thread.run_sync(self._open_inline)
            if self._connection is None:
                self._connection = opened
            elif opened is not None:
                opened.close()  # another request opened one meanwhile
            if self._connection is None:
                return None
        try:
            cursor = self._connection.cursor()
            row = cursor.execute("SELECT version FROM threads WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:  # busy or locked: the worker thread's read waits instead
            return None
        return int(row[0]) if row else 0

    def _open_inline(self) -> Any:
        """A connection of its own (never back to the pool) with a short busy timeout; None unless WAL."""
        connection = self._database.engine.raw_connection()
        connection.detach()
        cursor = connection.cursor()
        if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            connection.close()
            self._inline = False  # readers may wait for a writer here: every read goes to a thread
            return None
        cursor.execute(f"PRAGMA busy_timeout={INLINE_BUSY_MS}")
        return connection

    def _load(self, page: PageInfo) -> Body:
        generation = self._cache.generation(page.thread)
        with self._database.read() as session:
            stamp = self._stamp(page, thread_version(session, page.thread))
            cached = self._cache.get(page.thread, stamp)
            if cached is not None:
                return cached
            body = Body.of(thread_view(session, self._settings, page, None))
            # Cached only if no change landed while it was read (PostgreSQL reads each
            # statement afresh), or a stale view would be kept under the new version.
            if thread_version(session, page.thread) == stamp[0]:
                self._cache.put(page.thread, stamp, body, generation)
        return body

    @staticmethod
    def _stamp(page: PageInfo, version: int) -> Stamp:
        # A rebuilt site may retitle or move the page: that is part of the cache key too.
        return (version, page.title, page.url)
