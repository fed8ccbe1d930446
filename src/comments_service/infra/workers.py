"""Several server processes on one port, each listening on a socket of its own.

uvicorn's own `--workers` shares one listening socket among its processes, and the
process that wakes first accepts every connection waiting: with long-lived keep-alive
connections (a proxy's upstream pool, a load test) one process can end up serving
all of them while the others idle. Here each process binds the port itself with
SO_REUSEPORT, and the kernel spreads new connections evenly across them.

Should any worker exit, the others are stopped and the command exits non-zero, so
the service manager (deploy/comments.service) restarts the whole service.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
from multiprocessing.connection import wait
from types import FrameType
from typing import Any

import uvicorn


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound with SO_REUSEPORT, so that each worker can have its own on the same port."""
    family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, protocol)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def _work(options: dict[str, Any]) -> None:
    sock = listening_socket(options["host"], options["port"])
    uvicorn.Server(uvicorn.Config(**options)).run(sockets=[sock])


def run(options: dict[str, Any], count: int) -> int:
    """Run `count` workers of uvicorn.Config(**options) until a signal stops them or one exits.

    0 when SIGTERM or SIGINT stopped them, 1 when a worker exited on its own.
    """
    # Fail here, with a clear message, if the port is taken by anything else.
    listening_socket(options["host"], options["port"]).close()
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_work, args=(options,), name=f"worker-{n}") for n in range(count)]
    asked: list[int] = []

    def stop() -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()

    def on_signal(number: int, _frame: FrameType | None) -> None:
        asked.append(number)
        stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for process in processes:
        process.start()
    wait([process.sentinel for process in processes])
    stop()
    for process in processes:
        process.join()
    # uvicorn shuts down cleanly on SIGTERM, then exits by that signal.
    clean = (0, -signal.SIGTERM, -signal.SIGINT)
    return 0 if asked and all(process.exitcode in clean for process in processes) else 1
