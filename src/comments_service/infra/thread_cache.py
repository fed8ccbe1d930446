"""The public view of threads, serialised and compressed once per version of the thread.

A thread's row carries a version number that every public change bumps, so a read
costs one small query when nothing changed and never renders or sorts again.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import anyio.to_thread

from ..core.page_info import PageInfo
from ..core.thread_view import thread_version, thread_view
from .database import Database
from .settings import Settings

INLINE_BUSY_MS = 5  # the longest a read on the event loop may wait for a lock


@dataclass(frozen=True)
class Body:
    """A ready-to-send JSON body, its gzip form and its ETag."""

    raw: bytes
    compressed: bytes
    etag: str

    @classmethod
    def of(cls, data: Any) -> Body:
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        etag = '"' + hashlib.blake2b(raw, digest_size=12).hexdigest() + '"'
        return cls(raw=raw, compressed=gzip.compress(raw, compresslevel=6, mtime=0), etag=etag)


class ThreadCache:
    """The public view of recently read threads, least recently used dropped first."""

    def __init__(self, capacity: int = 1024):
        self._capacity = capacity
        self._entries: OrderedDict[str, tuple[Hashable, Body]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, stamp: Hashable) -> Body | None:
        """The cached body, if it was made for this stamp (the thread's version and page)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != stamp:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, stamp: Hashable, body: Body) -> None:
        with self._lock:
            self._entries[key] = (stamp, body)
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)


class PublicThreads:
    """What anyone without an edit token sees of a thread, served from memory while its version holds.

    Checking the version is one indexed read. On SQLite it runs on the event loop,
    through one autocommit connection kept for it: a few microseconds, where handing
    it to a worker thread costs a good part of a millisecond. PostgreSQL is a network
    round trip away, so there it runs in a worker thread like every other query.

    Nothing on the event loop may wait for the database, or the whole worker waits:
    the connection is opened in a worker thread, used only when the database is in
    WAL mode (where readers never wait for a writer), and gives up after a few
    milliseconds if the database is busy anyway, leaving the read to a worker thread.
    """

    def __init__(self, database: Database, settings: Settings):
        self._database, self._settings = database, settings
        self._cache = ThreadCache()
        self._inline = database.engine.dialect.name == "sqlite"
        self._connection: Any = None  # opened on first use, after migrations have run

    async def body(self, page: PageInfo) -> Body:
        if self._inline:
            version = await self._sqlite_version(page.thread)
            cached = None if version is None else self._cache.get(page.thread, self._stamp(page, version))
            if cached is not None:
                return cached
        return await anyio.to_thread.run_sync(self._load, page)

    def close(self) -> None:
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
        with self._database.read() as session:
            stamp = self._stamp(page, thread_version(session, page.thread))
            cached = self._cache.get(page.thread, stamp)
            if cached is not None:
                return cached
            body = Body.of(thread_view(session, self._settings, page, None))
            # Cached only if no change landed while it was read (PostgreSQL reads each
            # statement afresh), or a stale view would be kept under the new version.
            if thread_version(session, page.thread) == stamp[0]:
                self._cache.put(page.thread, stamp, body)
        return body

    @staticmethod
    def _stamp(page: PageInfo, version: int) -> tuple[int, str, str]:
        # A rebuilt site may retitle or move the page: that is part of the cache key too.
        return (version, page.title, page.url)
