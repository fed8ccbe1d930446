"""Group commit: posts that arrive while a commit is in flight share the next transaction.

With `synchronous=FULL` every commit waits for the disk (an fsync of SQLite's WAL;
PostgreSQL flushes its WAL at commit too). One writer thread per process takes the
posts queued since its last commit, up to `max_batch`, runs each one's step in one
transaction and commits once: every post of the batch is acknowledged after that
single flush, none before it.

Each step keeps its own rules exact: it does its writes in savepoints, so a post that
is refused (a duplicate, a full rate limit) or fails leaves the transaction as it found
it and the others in the batch are stored all the same; its exception goes to its
caller alone. A failed commit fails every post of its batch, none of which was stored.

Across processes, batches take turns on the database's writer lock (Database.writer):
while one process commits, the others' posts queue up and go in their next batch.
The writer waits for more posts only while this process has posts on their way (in
`expect()`, being checked and rendered), and never longer than `max_wait_seconds`.

A lone post (nothing queued, nothing being written or checked in this process) is
written at once by the posting thread that submits it through its slot, in a batch
of one, instead of waiting for two thread switches (to the writer thread and back).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from .database import Database

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class _Queued:
    step: Callable[[Session], Any]
    future: Future[Any]


class GroupCommit:
    """One process's queue of writes and the thread that commits them in batches."""

    def __init__(self, database: Database, max_batch: int, max_wait_seconds: float):
        self._database = database
        self._max_batch, self._max_wait = max_batch, max_wait_seconds
        self._changed = threading.Condition()
        self._queue: deque[_Queued] = deque()
        self._expected = 0
        self._writing = 0  # batches being written now, by the writer thread or inline
        self._closed = False
        self._thread: threading.Thread | None = None
        # What batching achieved: read by tests and worth a look when tuning.
        self.transactions = 0
        self.written = 0

    @contextmanager
    def expect(self) -> Iterator[Slot]:
        """A write on its way: the writer may wait (a little) for it. Submit it through the slot."""
        slot = Slot(self)
        with self._changed:
            self._expected += 1
        try:
            yield slot
        finally:
            if not slot.used:
                with self._changed:
                    self._expected -= 1
                    self._changed.notify_all()

    def submit(self, step: Callable[[Session], T]) -> Future[T]:
        """Run `step(session)` in the next batch; its result (or exception) once the batch committed."""
        return self._enqueue(step, expected=False)

    def queued(self) -> int:
        with self._changed:
            return len(self._queue)

    def close(self) -> None:
        """Write what is queued, then stop the writer thread (the next write starts another)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join()
        with self._changed:
            self._closed, self._thread = False, None

    def _enqueue(self, step: Callable[[Session], T], expected: bool) -> Future[T]:
        item = _Queued(step, Future())
        with self._changed:
            if self._closed:
                raise RuntimeError("the service is shutting down")
            if expected:
                self._expected -= 1
            lone = expected and not (self._queue or self._writing or self._expected)
            if lone:
                self._writing += 1
            else:
                self._queue.append(item)
                if self._thread is None:
                    self._thread = threading.Thread(target=self._serve, name="group-commit", daemon=True)
                    self._thread.start()
                self._changed.notify_all()
        if lone:
            item.future.set_running_or_notify_cancel()
            self._write_batch([item])
        return item.future

    def _serve(self) -> None:
        while self._wait_for_work():
            self._write_batch(self._take())

    def _write_batch(self, batch: list[_Queued]) -> None:
        """Write `batch` under the writers' lock; `_writing` was counted up for it."""
        try:
            with self._database.writer():
                self._write(batch)
        except Exception as error:  # the writers' lock itself failed: answer, never hang
            log.exception("could not take the writers' lock")
            for item in batch:
                if not item.future.done():
                    item.future.set_exception(error)
        finally:
            with self._changed:
                self._writing -= 1

    def _wait_for_work(self) -> bool:
        """Until there is a post to write (and, briefly, while more are on their way); False at close."""
        with self._changed:
            while not self._queue:
                if self._closed:
                    return False
                self._changed.wait()
            deadline = time.monotonic() + self._max_wait
            while self._expected and len(self._queue) < self._max_batch and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            return True

    def _take(self) -> list[_Queued]:
        """The next batch, counted as being written; a write whose caller gave up (cancelled) is dropped."""
        with self._changed:
            count = min(len(self._queue), self._max_batch)
            taken = [self._queue.popleft() for _ in range(count)]
            self._writing += 1
        return [item for item in taken if item.future.set_running_or_notify_cancel()]

    def _write(self, batch: list[_Queued]) -> None:
        if not batch:
            return
        outcomes: list[tuple[Any, BaseException | None]] = []
        try:
            with self._database.batch() as session:
                for item in batch:
                    try:
                        outcomes.append((item.step(session), None))
                    except Exception as refused:  # this post's answer; the batch goes on
                        outcomes.append((None, refused))
        except Exception as failed:
            log.exception("a batch of %d writes failed to commit", len(batch))
            for item in batch:
                item.future.set_exception(failed)
            return
        self.transactions += 1
        self.written += len(batch)
        for item, (result, problem) in zip(batch, outcomes, strict=True):
            if problem is None:
                item.future.set_result(result)
            else:
                item.future.set_exception(problem)


class Slot:
    """The place of one expected write in the queue (GroupCommit.expect)."""

    def __init__(self, group: GroupCommit):
        self._group = group
        self.used = False

    def submit(self, step: Callable[[Session], T]) -> Future[T]:
        if self.used:
            raise RuntimeError("a slot takes one write")
        future = self._group._enqueue(step, expected=True)
        self.used = True
        return future
