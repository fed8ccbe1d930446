"""`comments serve` facing clients directly: no connection may hold it up or blow up its memory.

A real `comments serve` on 127.0.0.1; the clients are raw sockets, so they can send
what a browser never would: half a request, a request a byte at a time, a header
line of 30 MB.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from comments_service.infra.server import REQUEST_SECONDS
from tests.harness import write_pages
from tests.reliability.service import Service, environment

BIG_HEADER = 30 * 1024 * 1024
BIG_CLIENTS = 10


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    env = environment(f"sqlite:///{tmp_path / 'comments.sqlite3'}", write_pages(tmp_path))
    running = Service(env, tmp_path / "serve.log", workers=1)
    running.start()
    yield running
    running.stop()


def connect(service: Service) -> socket.socket:
    return socket.create_connection(("127.0.0.1", service.port), timeout=REQUEST_SECONDS + 10)


def answer_and_close(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and when it closed (monotonic seconds)."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return received, time.monotonic()


def test_connections_that_never_finish_their_request_are_closed(service: Service) -> None:
    started = time.monotonic()
    silent = connect(service)  # connects and says nothing
    half = connect(service)
    half.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # the blank line never comes
    drip = connect(service)
    stop = threading.Event()

    def dripping() -> None:  # one byte every half second: each one is "activity"
        for byte in b"POST /api/comments HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000:
            if stop.wait(0.5):
                return
            try:
                drip.sendall(bytes([byte]))
            except OSError:
                return

    dripper = threading.Thread(target=dripping)
    dripper.start()
    try:
        for sock in (silent, half, drip):
            received, closed = answer_and_close(sock)
            assert received.startswith(b"HTTP/1.1 408"), received[:100]
            assert closed - started < REQUEST_SECONDS + 3
    finally:
        stop.set()
        dripper.join()
        for sock in (silent, half, drip):
            sock.close()
    assert httpx.get(f"{service.url}/api/health").status_code == 200


def rss_megabytes(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_header_lines_of_30_mb_are_refused_without_the_process_growing(service: Service) -> None:
    assert service.process is not None
    pid = service.process.pid
    before = rss_megabytes(pid)
    peak = before
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_megabytes(pid))
            time.sleep(0.01)

    answers: list[tuple[bytes, int]] = []

    def send_big_header() -> None:
        sent = 0
        with connect(service) as sock:
            try:
                sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
                chunk = b"a" * 65536
                while sent < BIG_HEADER:
                    sock.sendall(chunk)
                    sent += len(chunk)
            except OSError:
                pass  # the server closed the connection: what we want
            received, _ = answer_and_close(sock)
        answers.append((received, sent))

    watcher = threading.Thread(target=watch)
    watcher.start()
    senders = [threading.Thread(target=send_big_header) for _ in range(BIG_CLIENTS)]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join()
    done.set()
    watcher.join()
    grew = peak - before
    print(f"{BIG_CLIENTS} clients sent 30 MB header lines: the server grew by {grew:.0f} MB")
    assert len(answers) == BIG_CLIENTS
    for received, sent in answers:
        assert received.startswith(b"HTTP/1.1 431"), received[:100]
        assert sent < BIG_HEADER  # cut off long before the end
    assert grew < 50, f"the server grew by {grew:.0f} MB (from {before:.0f} MB)"
    assert httpx.get(f"{service.url}/api/health").status_code == 200
