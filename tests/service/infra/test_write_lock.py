"""SQLite writers queue on a file lock beside the database, across threads and processes."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from comments_service.infra.database import make_engine, session_factory, write_session

HOLD = """
import fcntl, os, sys, time
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'comments.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE log (at REAL)"))
    return engine


def hold_lock(tmp_path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the writers' lock, as another worker or the CLI would."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "comments.sqlite3.lock"), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_writers_in_threads_take_turns(engine: Engine) -> None:
    sessions = session_factory(engine)
    spans: list[tuple[float, float]] = []

    def write() -> None:
        with write_session(sessions) as session:
            began = time.monotonic()
            session.execute(text("INSERT INTO log VALUES (:at)"), {"at": began})
            time.sleep(0.05)
            spans.append((began, time.monotonic()))

    threads = [threading.Thread(target=write) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    spans.sort()
    assert len(spans) == 6
    assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(spans))


def test_a_writer_waits_for_another_process_and_goes_on_when_it_is_done(
    engine: Engine, tmp_path: Path
) -> None:
    holder = hold_lock(tmp_path, 0.5)
    started = time.monotonic()
    with write_session(session_factory(engine)) as session:
        session.execute(text("INSERT INTO log VALUES (1)"))
    assert time.monotonic() - started >= 0.3
    assert holder.wait(timeout=10) == 0


def test_the_lock_goes_with_a_killed_holder(engine: Engine, tmp_path: Path) -> None:
    holder = hold_lock(tmp_path, 600)
    done = threading.Event()

    def write() -> None:
        with write_session(session_factory(engine)) as session:
            session.execute(text("INSERT INTO log VALUES (1)"))
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    assert not done.wait(0.3)
    holder.kill()
    holder.wait(timeout=10)
    assert done.wait(10)
    writer.join()


def test_in_memory_databases_need_no_lock_file(tmp_path: Path) -> None:
    engine = make_engine("sqlite://")
    with write_session(session_factory(engine)) as session:
        session.execute(text("SELECT 1"))
    assert list(tmp_path.iterdir()) == []
