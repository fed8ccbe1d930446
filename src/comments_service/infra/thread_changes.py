"""PostgreSQL tells each process which threads changed (LISTEN/NOTIFY), so cached reads need no query.

A trigger on `threads` (migration 0005) sends the thread's key on channel CHANNEL
whenever a thread is created, deleted or its version moves, from whatever wrote it:
this service, another instance, the CLI. One thread per process listens and tells
the read cache, which then serves a cached thread from memory without asking the
database whether it is still current. Whenever the listening connection is not up
(starting, lost, reconnecting), `listening` is False and the cache asks the
database on every read, as before; each time listening starts again, the cache is
told to forget everything, since changes may have gone unheard meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

log = logging.getLogger(__name__)

CHANNEL = "comments_threads"
TRIGGERS = ("threads_added_or_removed", "threads_version_moved")  # migration 0005's
TRIGGERS_PRESENT = (
    "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'threads'::regclass "
    "AND tgname IN ('threads_added_or_removed', 'threads_version_moved')"
)
RETRY_SECONDS = 1.0  # between checks that the connection is up; and before listening again


class ThreadChanges:
    """The listening thread of one process; `changed(key)` and `restarted()` are called from it.

    Notifications arrive a moment after their commit: this process's own writes tell
    its cache themselves, at commit (database.on_thread_change), so that a writer's
    next read shows its change at once.
    """

    def __init__(self, engine: Engine, changed: Callable[[str], None], restarted: Callable[[], None]):
        self._engine, self._changed, self._restarted = engine, changed, restarted
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: Any = None
        self._wake_channel: str | None = None  # this listener's own channel: close() notifies it
        self._heard_until = 0.0  # monotonic time until which the connection is known to be up

    @property
    def listening(self) -> bool:
        """Whether every change is being heard: the connection answered within the last few seconds."""
        return time.monotonic() < self._heard_until

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="thread-changes", daemon=True)
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._wake()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _wake(self) -> None:
        """Wake the listener now, so that a stopping process (a worker, a test) does not wait
        out its RETRY_SECONDS; if this fails, it stops by itself within them."""
        channel = self._wake_channel
        if channel is None:
            return
        try:
            with self._engine.begin() as connection:
                connection.exec_driver_sql(f"NOTIFY {channel}")
        except Exception:
            log.debug("could not wake the thread-change listener", exc_info=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception:
                if not self._stop.is_set():
                    log.warning("lost the thread-change notifications; reads check the database meanwhile")
            finally:
                self._heard_until = 0.0
                self._wake_channel = None
                if self._connection is not None:
                    self._connection.close()
                    self._connection = None
            self._stop.wait(RETRY_SECONDS)

    def _listen(self) -> None:
        fairy = self._engine.raw_connection()
        connection = fairy.driver_connection
        fairy.detach()  # its own connection for good: never back to the pool
        self._connection = fairy
        assert connection is not None
        connection.autocommit = True
        found = connection.execute(TRIGGERS_PRESENT).fetchone()
        if not found or found[0] != len(TRIGGERS):
            # Not migrated yet (COMMENTS_AUTO_MIGRATE off): nothing would be heard.
            return
        connection.execute(f"LISTEN {CHANNEL}")
        wake_channel = f"comments_wake_{connection.info.backend_pid}"
        connection.execute(f"LISTEN {wake_channel}")
        self._wake_channel = wake_channel
        self._restarted()  # from here on, every change is heard
        while not self._stop.is_set():
            self._heard_until = time.monotonic() + 3 * RETRY_SECONDS
            for note in connection.notifies(timeout=RETRY_SECONDS):
                if note.channel != CHANNEL:
                    break  # close() woke us
                self._changed(note.payload)
            # A connection that died quietly fails here (or hangs: then `listening` runs out).
            connection.execute("SELECT 1")
