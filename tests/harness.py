"""What the test harnesses and the benchmarks share: a free port on loopback, threads, percentiles.

Servers in tests listen on 127.0.0.1 only, on a port the kernel just handed out.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the benchmarks import this module too, without pytest
    import pytest

# Threads the test site "accepts comments" on, as the build would list them.
THREADS = {
    "articles/first": {"url": "/blog/first/", "title": "First article"},
    "articles/second": {"url": "/blog/second/", "title": "Second article"},
}

# Pages the test site asks "Was this page helpful?" on, by path, as the build would list them.
FEEDBACK_PAGES = {
    "/blog/first/": {"url": "/blog/first/", "title": "First article"},
    "/faq/": {"url": "/faq/", "title": "Questions people ask"},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder `name`, filled by `build` once per test run, under pytest-xdist too.

    Each xdist worker has its own temporary folder inside the run's; the folder and its
    lock go in the run's, so the first worker builds while the others wait, then all
    share it. A build that raises marks nothing done: the next worker tries (and reports) too.
    """
    shared = factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        shared = shared.parent
    folder, done = shared / name, shared / f"{name}.done"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            folder.mkdir(exist_ok=True)
            build(folder)
            done.touch()
    return folder


def write_pages(folder: Path) -> Path:
    """comments-pages.json listing THREADS, as the site build writes it, in `folder`."""
    path = folder / "comments-pages.json"
    path.write_text(json.dumps({"generated": "2026-11-26T00:00:00+00:00", "threads": THREADS}))
    return path


def write_feedback_pages(folder: Path) -> Path:
    """feedback-pages.json listing FEEDBACK_PAGES, as the site build writes it, in `folder`."""
    path = folder / "feedback-pages.json"
    path.write_text(json.dumps({"generated": "2026-11-26T00:00:00+00:00", "pages": FEEDBACK_PAGES}))
    return path


def percentile(samples: Sequence[float], q: float) -> float:
    """The sample below which `q` percent of the others lie (the higher one on a tie of ranks).

    NaN for no samples: a benchmark phase where every request failed still prints its row.
    """
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))]
