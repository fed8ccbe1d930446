"""`comments serve --workers N`: one listening socket per worker, spread by the kernel."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.harness import write_pages
from tests.reliability.service import COMMENTS, Service, environment


@pytest.fixture
def service(tmp_path: Path) -> Service:
    env = environment(f"sqlite:///{tmp_path / 'comments.sqlite3'}", write_pages(tmp_path))
    return Service(env, tmp_path / "serve.log", workers=2)


def worker_pids(parent: int) -> set[int]:
    """The worker processes (multiprocessing also starts a resource tracker: not a worker)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return {int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()}


def sockets_by_process(port: int, state: str) -> Counter[int]:
    """The server port's sockets in `state`, counted per owning process (via `ss`)."""
    out = subprocess.run(
        ["ss", "-Htnp", "state", state, f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return Counter(int(pid) for pid in re.findall(r"pid=(\d+)", out))


def wait_for_listeners(port: int, count: int) -> None:
    """The service answers as soon as one worker is up; the test needs all of them."""
    deadline = time.monotonic() + 30
    while len(sockets_by_process(port, "listening")) < count:
        assert time.monotonic() < deadline, "the workers did not all start listening"
        time.sleep(0.1)


def keep_alive_connections(port: int, count: int) -> list[socket.socket]:
    """`count` connections opened at once (as a proxy's pool or a load test opens them), then used."""
    held = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(count)]
    for sock in held:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    for sock in held:
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    return held


def test_keep_alive_connections_are_spread_over_the_workers(service: Service) -> None:
    service.start()
    try:
        wait_for_listeners(service.port, 2)
        # With one shared socket, the first worker to wake accepts most or all of them.
        held = keep_alive_connections(service.port, 32)
        assert service.process is not None
        by_process = sockets_by_process(service.port, "established")
        workers = worker_pids(service.process.pid)
        assert len(workers) == 2
        assert set(by_process) == workers, f"connections per process: {dict(by_process)}"
        assert sum(by_process.values()) == 32
        for sock in held:
            sock.close()
    finally:
        service.stop()


def test_sigterm_stops_every_worker_cleanly(service: Service) -> None:
    service.start()
    assert service.process is not None
    workers = worker_pids(service.process.pid)
    os.kill(service.process.pid, signal.SIGTERM)
    assert service.process.wait(timeout=20) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


def test_a_dead_worker_stops_the_service_for_its_manager_to_restart(service: Service) -> None:
    service.start()
    assert service.process is not None
    one, other = sorted(worker_pids(service.process.pid))
    os.kill(one, signal.SIGKILL)
    assert service.process.wait(timeout=20) == 1
    deadline = time.monotonic() + 10
    while Path(f"/proc/{other}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{other}").exists()


def test_a_port_taken_by_another_program_is_refused_before_any_worker_starts(service: Service) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", service.port))
        taken.listen()
        done = subprocess.run(
            [COMMENTS, "serve", "--port", str(service.port), "--workers", "2"],
            env=service.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{service.port}: Address already in use" in done.stderr
