"""Starting and stopping the servers a benchmark measures, and what they cost in CPU.

Each server runs in a process group of its own, so its workers stop with it and
their CPU time can be summed from /proc.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path


def wait_http(url: str, timeout: float = 30.0, process: subprocess.Popen[bytes] | None = None) -> None:
    """Wait until `url` answers (any status below 500)."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
            last = error
        except OSError as error:
            last = error
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s ({last})")


class Server:
    """A server process in its own process group, stopped (group and all) on exit."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        ready_url: str,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        log: Path | None = None,
        timeout: float = 60.0,
    ):
        self.name, self.argv, self.ready_url = name, list(argv), ready_url
        self.env, self.cwd, self.timeout = env, cwd, timeout
        self.log = log or Path(tempfile.gettempdir()) / f"bench-{name}-{os.getpid()}.log"
        self._own_log = log is None  # removed after a clean stop, kept when something failed
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        handle = self.log.open("wb")
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=self.cwd,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: workers are stopped with it
        )
        handle.close()
        try:
            wait_http(self.ready_url, self.timeout, self.process)
        except BaseException:
            self.stop()
            print(self.log.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        return self

    @property
    def pid(self) -> int:
        """The server's process id, which is also its process group's."""
        assert self.process is not None
        return self.process.pid

    def __exit__(self, kind: object, *exc: object) -> None:
        self.stop()
        if self._own_log and kind is None:
            self.log.unlink(missing_ok=True)

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except (ProcessLookupError, PermissionError):
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds used so far by the live processes of a process group."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


async def until_idle(pgids: list[int], longest: float = 60.0) -> float:
    """Until the groups use under 5 % of a core (what a phase left in flight is done); seconds waited.

    wrk stops at its deadline with requests still queued in the server (Isso's take
    seconds each at 16 connections): the next phase must not pay for them.
    """
    started = time.monotonic()
    while time.monotonic() - started < longest:
        before = sum(group_cpu_seconds(pgid) for pgid in pgids)
        await asyncio.sleep(0.5)
        if sum(group_cpu_seconds(pgid) for pgid in pgids) - before < 0.025:
            break
    return time.monotonic() - started
