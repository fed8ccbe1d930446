"""Run the real comments service for reliability checks: `comments serve` in a subprocess.

A `Service` starts `comments serve` on 127.0.0.1 and a free port with settings given
as COMMENTS_* variables, waits until /api/health answers, and is stopped (or killed)
by the test. The `comments` CLI runs against the same settings (`cli`, `export`).
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
from typing import Any

import httpx

from tests.harness import free_port

COMMENTS = str(Path(sys.executable).parent / "comments")
ROOT = Path(__file__).resolve().parents[2]
SECRET = "reliability-secret-key"


def environment(database_url: str, pages_file: Path, **settings: Any) -> dict[str, str]:
    """COMMENTS_* variables for the service and the CLI.

    No minimum form time and no limit of posts per form by default: the load checks post
    hundreds of comments with one form token per page, and rate limits are what they
    measure (each has its own test in tests/service).
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMMENTS_")}
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": SECRET,
        "pages_file": pages_file,
        "min_submit_seconds": 0,
        "form_token_max_posts": 0,
        **settings,
    }
    env.update({f"COMMENTS_{key.upper()}": str(value) for key, value in values.items()})
    return env


class Service:
    """One `comments serve` process (with its uvicorn workers)."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 1, cpus: set[int] | None = None):
        self.env, self.log_path, self.workers, self.cpus = env, log, workers, cpus
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        command = [COMMENTS, "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        with self.log_path.open("ab") as log:
            # Its own process group, so a kill reaches the uvicorn workers too.
            self.process = subprocess.Popen(
                command,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=None if self.cpus is None else lambda: os.sched_setaffinity(0, self.cpus or set()),
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"comments serve exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"comments serve did not answer within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown, no flush, like a power-less crash."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


@contextmanager
def serving(
    env: dict[str, str], log: Path, workers: int = 1, cpus: set[int] | None = None
) -> Iterator[Service]:
    """A started service; `cpus`: the only CPUs it (and its workers) may run on."""
    service = Service(env, log, workers, cpus)
    service.start()
    try:
        yield service
    finally:
        service.stop()


def cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `comments ARGS...`; fails the test with its output when it fails."""
    done = subprocess.run(
        [COMMENTS, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"comments {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def export(env: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(cli(env, "export").stdout)
    return data


def form_token(client: Any, base: str, thread: str = "articles/first") -> str:
    """A fresh form token for `thread` (`client` is an httpx or Starlette test client)."""
    return str(client.get(f"{base}/api/form-token", params={"thread": thread}).json()["token"])


def comment(
    thread: str, text: str, form: str, parent: int | None = None, name: str = "Load"
) -> dict[str, Any]:
    """A POST /api/comments body."""
    return {"thread": thread, "parent": parent, "name": name, "text": text, "form_token": form}


def stored_texts(data: dict[str, Any]) -> dict[str, int]:
    """How many times each text is stored, from an export."""
    counts: dict[str, int] = {}
    for row in data["comments"]:
        counts[row["text"]] = counts.get(row["text"], 0) + 1
    return counts


def fresh_minute(margin: float = 8.0) -> None:
    """Wait for the next minute when this one ends within `margin` seconds, so a short
    sequence of posts counts in one per-minute rate-limit window."""
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.1)
