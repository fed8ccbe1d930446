"""A small HTTP/1.1 load generator: asyncio streams, keep-alive, one connection per client.

It reconnects when the server closes a connection (as gunicorn's sync workers do after
every response). A client repeats a *view*: the requests one page view (or one post)
makes, timed as a whole. `ceiling()` measures the generator itself against a trivial
server, so a reader can tell its limit from the server's.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from _common import PYTHON, free_port, percentile
from servers import Server, group_cpu_seconds


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[bytes, bytes]  # names lower-cased
    body: bytes


class RequestFailed(Exception):
    """A view failed: a refused connection, a broken reply or a status of 400 or more."""


class Connection:
    """One keep-alive connection; reconnects when the server closed the previous one."""

    def __init__(self, port: int):
        self.port = port
        self.local_port = 0  # the client side's port, to find which server process holds it
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> Reply:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            self.local_port = int(self.writer.get_extra_info("sockname")[1])
        assert self.reader is not None
        try:
            self.writer.write(raw)
            head = await self.reader.readuntil(b"\r\n\r\n")
            headers = parse_headers(head)
            body = await self._body(headers)
        except BaseException:
            self.close()
            raise
        if headers.get(b"connection", b"").lower() == b"close" or head.startswith(b"HTTP/1.0"):
            self.close()
        return Reply(int(head[9:12]), headers, body)

    async def expect(self, raw: bytes) -> Reply:
        """The reply, or RequestFailed for a transport error or a status of 400 or more."""
        try:
            reply = await self.request(raw)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            raise RequestFailed(f"{type(error).__name__}: {error}") from error
        if reply.status >= 400:
            raise RequestFailed(f"HTTP {reply.status}: {reply.body[:200]!r}")
        return reply

    async def _body(self, headers: dict[bytes, bytes]) -> bytes:
        assert self.reader is not None
        if b"content-length" in headers:
            return await self.reader.readexactly(int(headers[b"content-length"]))
        if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            return b"".join(p[:-2] for p in parts)
        headers[b"connection"] = b"close"
        return await self.reader.read()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def parse_headers(head: bytes) -> dict[bytes, bytes]:
    """Header names lower-cased; values as sent (an ETag's case matters)."""
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    return headers


def request(method: str, port: int, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "User-Agent: bench/1.0"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def call_many(port: int, raws: list[bytes], concurrency: int = 8) -> list[Reply]:
    """Send requests with a few connections; answers in order."""
    answers: list[Reply | None] = [None] * len(raws)
    queue = list(enumerate(raws))

    async def worker() -> None:
        connection = Connection(port)
        while queue:
            index, raw = queue.pop(0)
            answers[index] = await connection.request(raw)
        connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return [answer for answer in answers if answer is not None]


@dataclass
class Load:
    """Figures of one load phase: page views (or posts) completed, errors, latencies."""

    label: str
    clients: int
    seconds: float = 0.0
    done: int = 0
    errors: int = 0
    requests: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    server_cpu: float = 0.0  # CPU seconds the server's processes used during the phase
    # Open connections per server process, sampled mid-phase: the workers share one
    # listening socket, so which worker accepts a keep-alive connection is up to the kernel.
    spread: list[int] = field(default_factory=list)
    client_cpu: float = 0.0  # CPU seconds this load generator used during the phase

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        views = self.done + self.errors
        return {
            "label": self.label,
            "clients": self.clients,
            "seconds": self.seconds,
            "done": self.done,
            "requests": self.requests,
            "errors": self.errors,
            "per_second": self.rate,
            "p50_ms": percentile(self.latencies_ms, 50),
            "p99_ms": percentile(self.latencies_ms, 99),
            "error_samples": self.error_samples[:5],
            "server_cpu_seconds": self.server_cpu,
            "connections_per_worker": self.spread,
            "client_cpu_seconds": self.client_cpu,
            "server_cpu_ms_per_view": self.server_cpu * 1000 / views if views else None,
        }


def merged(label: str, loads: Sequence[Load]) -> Load:
    """Several phases of the same work as one: their counts, latencies and CPU added up.

    The connection spread is the first phase's only: each phase opens its own
    connections, so the kernel places them afresh, and the first stands as a sample.
    """
    whole = Load(label, loads[0].clients)
    for load in loads:
        whole.seconds += load.seconds
        whole.done += load.done
        whole.errors += load.errors
        whole.requests += load.requests
        whole.latencies_ms += load.latencies_ms
        whole.error_samples += load.error_samples
        whole.server_cpu += load.server_cpu
        whole.client_cpu += load.client_cpu
    whole.spread = loads[0].spread
    return whole


# A scenario gives the raw requests of one page view (or one post) for (client, iteration).
Scenario = Callable[[int, int], list[bytes]]
# A view does the requests of one page view on a connection, for (client, iteration),
# and returns how many it made; RequestFailed when one failed.
View = Callable[[Connection, int, int], Awaitable[int]]


def view_of(scenario: Scenario) -> View:
    """The view that sends a scenario's fixed requests one after the other."""

    async def view(connection: Connection, client: int, iteration: int) -> int:
        raws = scenario(client, iteration)
        for raw in raws:
            await connection.expect(raw)
        return len(raws)

    return view


@dataclass(frozen=True)
class Window:
    start: float
    measure_from: float
    stop_at: float


CLOCK = time.perf_counter  # uvloop's loop.time() only has millisecond resolution


async def run_load(
    port: int | list[int],
    scenario: Scenario | View,
    clients: int,
    seconds: float,
    label: str,
    warmup: float = 1.0,
    server_group: int | list[int] | None = None,
    interactive: bool = False,
) -> Load:
    """`clients` loops, each on its own connection; only what completes after the warm-up counts.

    Several ports (instances of a server): client n uses port n modulo their number.
    `interactive`: the scenario is a View (its requests depend on earlier answers).
    """
    load = Load(label, clients)
    start = CLOCK()
    window = Window(start, start + warmup, start + warmup + seconds)
    view: View = scenario if interactive else view_of(scenario)  # type: ignore[assignment,arg-type]
    ports = port if isinstance(port, list) else [port]
    groups = server_group if isinstance(server_group, list) else [server_group] if server_group else []
    metered = asyncio.create_task(meter(ports, window, load, groups))
    await asyncio.gather(
        *(client_loop(ports[number % len(ports)], view, number, window, load) for number in range(clients))
    )
    load.server_cpu, load.client_cpu = await metered
    load.seconds = seconds
    return load


async def client_loop(port: int, view: View, number: int, window: Window, load: Load) -> None:
    connection = Connection(port)
    iteration = 0
    while CLOCK() < window.stop_at:
        began = CLOCK()
        failure = None
        try:
            made = await view(connection, number, iteration)
        except RequestFailed as error:
            failure, made = str(error), 1
        iteration += 1
        ended = CLOCK()
        # Throughput counts what completes inside the window (a slow view that began
        # during the warm-up still counts); what ends after it is discarded.
        if window.measure_from <= ended <= window.stop_at:
            load.requests += made
            if failure:
                load.errors += 1
                load.error_samples.append(failure)
            else:
                load.done += 1
                load.latencies_ms.append((ended - began) * 1000)
        elif failure and len(load.error_samples) < 5:
            load.error_samples.append("(outside the window) " + failure)
    connection.close()


async def meter(ports: list[int], window: Window, load: Load, groups: list[int]) -> tuple[float, float]:
    """CPU used by the server(s) and by this process inside the measured window."""
    await asyncio.sleep(max(0.0, window.measure_from - CLOCK()))
    server0 = sum(group_cpu_seconds(group) for group in groups)
    self0 = time.process_time()
    await asyncio.sleep(max(0.0, (window.stop_at - window.measure_from) / 2))
    owners = [pid for port in ports for pid in connection_owners(port).values()]
    load.spread = sorted(Counter(owners).values(), reverse=True)
    await asyncio.sleep(max(0.0, window.stop_at - CLOCK()))
    server1 = sum(group_cpu_seconds(group) for group in groups)
    return server1 - server0, time.process_time() - self0


def connection_owners(port: int) -> dict[int, int]:
    """Established connections on the server's port: client-side port -> owning process (via `ss`)."""
    try:
        out = subprocess.run(
            ["ss", "-tnpH", "state", "established", "sport", f"= :{port}"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return {}
    owners = {}
    for line in out.splitlines():
        peer = re.search(r"\s127\.0\.0\.1:\d+\s+127\.0\.0\.1:(\d+)", line)
        pid = re.search(r"pid=(\d+)", line)
        if peer and pid:
            owners[int(peer.group(1))] = int(pid.group(1))
    return owners


TRIVIAL_SERVER = """
import asyncio, sys, uvloop
REPLY = b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nContent-Type: text/plain\\r\\n\\r\\nok"
class P(asyncio.Protocol):
    def connection_made(self, t): self.t, self.buf = t, b""
    def data_received(self, data):
        self.buf += data
        while b"\\r\\n\\r\\n" in self.buf:
            _, self.buf = self.buf.split(b"\\r\\n\\r\\n", 1)
            self.t.write(REPLY)
async def main():
    server = await asyncio.get_running_loop().create_server(P, "127.0.0.1", int(sys.argv[1]))
    await server.serve_forever()
uvloop.run(main())
"""


async def ceiling(seconds: float) -> Load:
    """The generator's own limit: 16 clients against a server that answers "ok" at once."""
    port = free_port()
    with Server("trivial", [PYTHON, "-c", TRIVIAL_SERVER, str(port)], f"http://127.0.0.1:{port}/") as server:
        raw = request("GET", port, "/", {"Accept": "*/*"})
        assert server.process is not None
        return await run_load(
            port,
            lambda c, i: [raw],
            16,
            seconds,
            "trivial server, 16 clients",
            server_group=server.process.pid,
        )
