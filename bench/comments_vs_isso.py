"""The comments service against Isso 0.14.0, each run as its authors recommend for production.

* Isso: installed into its own virtualenv under /tmp (pip install isso==0.14.0
  gunicorn), run with gunicorn, 4 workers, --preload (Isso's deployment docs),
  moderation off, guard (rate limits) off, SQLite in a temporary folder.
* Ours: `comments serve --workers 2` (uvicorn, 2 workers: this machine has 2 cores),
  moderation none, rate limits 0, min_submit_seconds 0, SQLite, and a
  comments-pages.json that lists the bench threads (COMMENTS_PAGES_FILE).

Each gets a fresh database seeded THROUGH ITS OWN API with the same threads of 0,
100 and 1,000 comments (20% replies, ~330-character Markdown with emphasis and a
link). Then, alternating the two servers, 10 s each at 1 and 16 concurrent clients:

* reading a thread = exactly what each widget requests on a page view. Ours: one
  GET /api/comments?thread=... (Accept-Encoding: gzip). Isso's embed.js: GET /config,
  then, when that answers, GET /?uri=...&sort=oldest&offset=0&nested_limit=5
  (api.js's fetch with the default config). Latency is the whole page view.
* posting a comment: each server's own POST with a unique text (ours with a form
  token fetched once per client, as the widget does).

The load generator is our own (asyncio streams on uvloop, HTTP/1.1 keep-alive,
reconnecting when the server closes, as gunicorn's sync workers do after every
response). Its ceiling against a trivial server is measured and printed first.

Goals: reading the 100-comment thread >= 50 x Isso and >= 1,000 page views/s at 16
clients with p99 <= 50 ms; posting >= 2 x Isso; 0 errors.

    .venv/bin/python bench/comments_vs_isso.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    PYTHON,
    VENV_BIN,
    Server,
    comment_text,
    free_port,
    goal,
    group_cpu_seconds,
    percentile,
    print_summary,
    ratio,
    save_results,
    table,
)

ISSO_VERSION = "0.14.0"
ISSO_VENV = Path(f"/tmp/bench-isso-{ISSO_VERSION}")
THREAD_SIZES = (0, 100, 1000)
CONCURRENCY = (1, 16)
REPLY_SHARE = 0.2
SECRET = "bench-comments-secret-key-0123456789abcdef"
ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Chromium sends
GOALS = {"read_ratio": 50.0, "read_rps": 1000.0, "read_p99_ms": 50.0, "post_ratio": 2.0}


# -- A small HTTP/1.1 load generator ----------------------------------------------------------


class Connection:
    """One keep-alive connection; reconnects when the server closed the previous one."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        try:
            self.writer.write(raw)
            head = await self.reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            headers = {}
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip().lower()
            if b"content-length" in headers:
                body = await self.reader.readexactly(int(headers[b"content-length"]))
            elif headers.get(b"transfer-encoding") == b"chunked":
                parts = []
                while True:
                    size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    parts.append(await self.reader.readexactly(size + 2))
                    if size == 0:
                        break
                body = b"".join(p[:-2] for p in parts)
            else:
                body = await self.reader.read()
                headers[b"connection"] = b"close"
        except BaseException:
            self.close()
            raise
        if headers.get(b"connection") == b"close" or head.startswith(b"HTTP/1.0"):
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


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
            "server_cpu_ms_per_view": self.server_cpu * 1000 / (self.done + self.errors)
            if self.done + self.errors
            else None,
        }


# A scenario gives the raw requests of one page view (or one post) for (client, iteration).
Scenario = Callable[[int, int], list[bytes]]


async def run_load(
    port: int,
    scenario: Scenario,
    clients: int,
    seconds: float,
    label: str,
    warmup: float = 1.0,
    server_group: int | None = None,
) -> Load:
    """`clients` loops, each on its own connection; only what completes after the warm-up counts."""
    load = Load(label, clients)
    clock = time.perf_counter  # uvloop's loop.time() only has millisecond resolution
    start = clock()
    measure_from, stop_at = start + warmup, start + warmup + seconds

    async def client(number: int) -> None:
        connection = Connection(port)
        iteration = 0
        while clock() < stop_at:
            began = clock()
            failure = None
            requests = scenario(number, iteration)
            iteration += 1
            for raw in requests:
                try:
                    status, body = await connection.request(raw)
                except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                    failure = f"{type(error).__name__}: {error}"
                    break
                if status >= 400:
                    failure = f"HTTP {status}: {body[:200]!r}"
                    break
            ended = clock()
            # Throughput counts what completes inside the window (a slow view that began
            # during the warm-up still counts); what ends after it is discarded.
            if measure_from <= ended <= stop_at:
                load.requests += len(requests)
                if failure:
                    load.errors += 1
                    load.error_samples.append(failure)
                else:
                    load.done += 1
                    load.latencies_ms.append((ended - began) * 1000)
            elif failure and len(load.error_samples) < 5:
                load.error_samples.append("(outside the window) " + failure)
        connection.close()

    async def meter() -> tuple[float, float]:
        # CPU used by the server and by this process inside the measured window.
        await asyncio.sleep(max(0.0, measure_from - clock()))
        server0 = group_cpu_seconds(server_group) if server_group else 0.0
        self0 = time.process_time()
        await asyncio.sleep(max(0.0, (stop_at - measure_from) / 2))
        load.spread = connections_per_process(port)
        await asyncio.sleep(max(0.0, stop_at - clock()))
        server1 = group_cpu_seconds(server_group) if server_group else 0.0
        return server1 - server0, time.process_time() - self0

    *_, (load.server_cpu, load.client_cpu) = await asyncio.gather(
        *(client(n) for n in range(clients)), meter()
    )
    load.seconds = seconds
    return load


def connections_per_process(port: int) -> list[int]:
    """Established connections on the server's port, counted per owning process (via `ss`)."""
    try:
        out = subprocess.run(
            ["ss", "-tnpH", "state", "established", "sport", f"= :{port}"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    counts: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", out):
        counts[pid] = counts.get(pid, 0) + 1
    return sorted(counts.values(), reverse=True)


def request(method: str, port: int, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "User-Agent: bench/1.0"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def call_many(port: int, raws: list[bytes], concurrency: int = 8) -> list[tuple[int, bytes]]:
    """Send requests with a few connections; answers in order."""
    answers: list[tuple[int, bytes]] = [(0, b"")] * len(raws)
    queue = list(enumerate(raws))

    async def worker() -> None:
        connection = Connection(port)
        while queue:
            index, raw = queue.pop(0)
            answers[index] = await connection.request(raw)
        connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return answers


# -- The two servers --------------------------------------------------------------------------------


def thread_key(size: int) -> str:
    return f"bench/thread-{size}"


def thread_uri(size: int) -> str:
    return f"/bench/thread-{size}/"


class Ours:
    name = "ours"

    def __init__(self, work: Path):
        self.port = free_port()
        self.work = work / "ours"
        self.work.mkdir()
        pages = {
            "generated": "bench",
            "threads": {
                thread_key(s): {"url": thread_uri(s), "title": f"A page with {s} comments"}
                for s in THREAD_SIZES
            },
        }
        (self.work / "comments-pages.json").write_text(json.dumps(pages), encoding="utf-8")
        self.env = dict(os.environ)
        self.env.update(
            {
                "COMMENTS_DATABASE_URL": f"sqlite:///{self.work / 'comments.sqlite3'}",
                "COMMENTS_SECRET_KEY": SECRET,
                "COMMENTS_PAGES_FILE": str(self.work / "comments-pages.json"),
                "COMMENTS_MODERATION": "none",
                "COMMENTS_RATE_PER_MINUTE": "0",
                "COMMENTS_RATE_PER_HOUR": "0",
                "COMMENTS_FORM_TOKEN_MAX_POSTS": "0",
                "COMMENTS_MIN_SUBMIT_SECONDS": "0",
            }
        )
        self.tokens: list[str] = []

    def server(self) -> Server:
        # Migrate once up front so the two workers do not race to create the schema.
        subprocess.run(
            [str(VENV_BIN / "comments"), "migrate"],
            env=self.env,
            cwd=self.work,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        argv = [str(VENV_BIN / "comments"), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                "--workers", "2"]  # fmt: skip
        return Server("ours", argv, f"http://127.0.0.1:{self.port}/api/health", env=self.env, cwd=self.work)

    def read(self, size: int) -> Scenario:
        raw = request(
            "GET",
            self.port,
            f"/api/comments?thread={quote(thread_key(size), safe='')}",
            {"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING},
        )
        return lambda client, iteration: [raw]

    async def fetch_tokens(self, clients: int, size: int) -> None:
        path = f"/api/form-token?thread={quote(thread_key(size), safe='')}"
        raw = request("GET", self.port, path, {"Accept": "application/json"})
        answers = await call_many(self.port, [raw] * clients, concurrency=min(clients, 4))
        self.tokens = [json.loads(body)["token"] for _, body in answers]

    def post_raw(self, size: int, text: str, name: str, parent: int | None, token: str) -> bytes:
        body = {
            "thread": thread_key(size),
            "parent": parent,
            "name": name,
            "email": None,
            "text": text,
            "website": "",
            "form_token": token,
        }
        return request(
            "POST",
            self.port,
            "/api/comments",
            {
                "Accept": "application/json",
                "Content-Type": "application/json",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            json.dumps(body).encode(),
        )

    def post(self, size: int, run: str) -> Scenario:
        def scenario(client: int, iteration: int) -> list[bytes]:
            n = f"{run}-{client}-{iteration}"
            return [self.post_raw(size, comment_text(n), f"Poster {client}", None, self.tokens[client])]

        return scenario

    @staticmethod
    def posted_id(body: bytes) -> int:
        return int(json.loads(body)["comment"]["id"])


class Isso:
    name = "isso"

    def __init__(self, work: Path):
        self.port = free_port()
        self.work = work / "isso"
        self.work.mkdir()
        self.config = self.work / "isso.cfg"
        self.config.write_text(
            "\n".join(
                [
                    "[general]",
                    f"dbpath = {self.work / 'comments.db'}",
                    f"host = http://127.0.0.1:{self.port}/",
                    "max-age = 15m",
                    "notify = stdout",
                    "[moderation]",
                    "enabled = false",
                    "[server]",
                    f"listen = http://127.0.0.1:{self.port}/",
                    "[guard]",
                    "enabled = false",
                    "ratelimit = 0",
                    "[admin]",
                    "enabled = false",
                    "",
                ]
            ),
            encoding="utf-8",
        )

    def server(self) -> Server:
        env = dict(os.environ)
        env["ISSO_SETTINGS"] = str(self.config)
        argv = [str(ISSO_VENV / "bin" / "gunicorn"), "-b", f"127.0.0.1:{self.port}", "-w", "4", "--preload",
                "isso.run"]  # fmt: skip
        return Server("isso", argv, f"http://127.0.0.1:{self.port}/config", env=env, cwd=self.work)

    def read(self, size: int) -> Scenario:
        # embed.js: api.config(), then api.fetch() with the default config (XHR always sends
        # Content-Type: application/json).
        headers = {"Accept": "*/*", "Content-Type": "application/json", "Accept-Encoding": ACCEPT_ENCODING}
        config = request("GET", self.port, "/config", headers)
        fetch = request(
            "GET",
            self.port,
            f"/?uri={quote(thread_uri(size), safe='')}&sort=oldest&offset=0&nested_limit=5",
            headers,
        )
        return lambda client, iteration: [config, fetch]

    async def fetch_tokens(self, clients: int, size: int) -> None:
        return None

    def post_raw(self, size: int, text: str, name: str, parent: int | None, token: str = "") -> bytes:
        # isso.js Postbox: author, email, website, text, parent, title, notification.
        body = {
            "author": name,
            "email": None,
            "website": None,
            "text": text,
            "parent": parent,
            "title": f"A page with {size} comments",
            "notification": 0,
        }
        return request(
            "POST",
            self.port,
            f"/new?uri={quote(thread_uri(size), safe='')}",
            {"Accept": "*/*", "Content-Type": "application/json", "Accept-Encoding": ACCEPT_ENCODING},
            json.dumps(body).encode(),
        )

    def post(self, size: int, run: str) -> Scenario:
        def scenario(client: int, iteration: int) -> list[bytes]:
            n = f"{run}-{client}-{iteration}"
            return [self.post_raw(size, comment_text(n), f"Poster {client}", None)]

        return scenario

    @staticmethod
    def posted_id(body: bytes) -> int:
        return int(json.loads(body)["id"])


async def seed(server: Ours | Isso, size: int) -> None:
    """`size` comments through the server's own API: top-level first, then 20% replies."""
    if size == 0:
        return
    rng = random.Random(size)
    replies = int(size * REPLY_SHARE)
    await server.fetch_tokens(1, size)
    token = server.tokens[0] if isinstance(server, Ours) else ""
    top = [
        server.post_raw(size, comment_text(f"seed-{size}-{i}"), f"Reader {i}", None, token)
        for i in range(size - replies)
    ]
    # The first post creates the thread: alone, since Isso's workers race to insert it
    # (sqlite3.IntegrityError: UNIQUE constraint failed: threads.uri).
    answers = await call_many(server.port, top[:1], concurrency=1)
    answers += await call_many(server.port, top[1:])
    bad = [(s, b[:200]) for s, b in answers if s not in (201, 202)]
    if bad:
        raise RuntimeError(f"{server.name}: seeding failed: {bad[:3]}")
    ids = [server.posted_id(body) for _, body in answers]
    more = [
        server.post_raw(size, comment_text(f"seed-{size}-r{i}"), f"Replier {i}", rng.choice(ids), token)
        for i in range(replies)
    ]
    answers = await call_many(server.port, more)
    bad = [(s, b[:200]) for s, b in answers if s not in (201, 202)]
    if bad:
        raise RuntimeError(f"{server.name}: seeding replies failed: {bad[:3]}")


# -- Isso's virtualenv, the ceiling, and the run ----------------------------------------------------


def ensure_isso() -> str:
    """Isso and gunicorn in a throwaway virtualenv under /tmp, reused when already there."""
    marker = ISSO_VENV / ".installed"
    if not marker.exists():
        print(f"Installing isso=={ISSO_VERSION} and gunicorn into {ISSO_VENV} (once)", flush=True)
        shutil.rmtree(ISSO_VENV, ignore_errors=True)
        base = shutil.which("python3") or sys.executable
        subprocess.run([base, "-m", "venv", str(ISSO_VENV)], check=True)
        subprocess.run(
            [str(ISSO_VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
             f"isso=={ISSO_VERSION}", "gunicorn"],
            check=True,
        )  # fmt: skip
        marker.write_text("ok\n")
    versions = subprocess.run(
        [str(ISSO_VENV / "bin" / "python"), "-c",
         "import importlib.metadata as m; print(m.version('isso'), m.version('gunicorn'))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    if versions[0] != ISSO_VERSION:
        raise RuntimeError(f"{ISSO_VENV} has isso {versions[0]}, not {ISSO_VERSION}")
    return versions[1]


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


def show(kind: str, server: str, size: int, load: Load) -> dict[str, Any]:
    entry = {"server": server, "thread": size, **load.summary()}
    what = f"read  {size:5d} comments" if kind == "read" else "post               "
    cpu = entry["server_cpu_ms_per_view"]
    print(
        f"  {what} {load.clients:2d} clients {server:4s}: {load.rate:8.1f}/s  p50 {entry['p50_ms']:7.1f} ms  "
        f"p99 {entry['p99_ms']:7.1f} ms  errors {load.errors}  server CPU {cpu or 0:6.2f} ms each  "
        f"connections per worker {load.spread}",
        flush=True,
    )
    return entry


async def run(seconds: float, work: Path) -> dict[str, Any]:
    gunicorn_version = ensure_isso()
    ours, isso = Ours(work), Isso(work)
    results: dict[str, Any] = {
        "isso": ISSO_VERSION,
        "gunicorn": gunicorn_version,
        "seconds_per_phase": seconds,
        "load_before": os.getloadavg(),
        "reads": [],
        "posts": [],
    }
    limit = await ceiling(3.0)
    results["generator_ceiling"] = limit.summary()
    print(f"load generator ceiling (trivial server, 16 clients): {limit.rate:,.0f} requests/s", flush=True)

    with ours.server() as ours_server, isso.server() as isso_server:
        groups = {"ours": ours_server.process.pid, "isso": isso_server.process.pid}  # type: ignore[union-attr]
        started = time.perf_counter()

        async def seed_all(server: Ours | Isso) -> None:
            for size in THREAD_SIZES:
                await seed(server, size)

        await asyncio.gather(seed_all(ours), seed_all(isso))
        results["seed_seconds"] = time.perf_counter() - started
        print(f"seeded both servers through their APIs in {results['seed_seconds']:.1f} s", flush=True)

        flip = False
        for size in THREAD_SIZES:
            for clients in CONCURRENCY:
                pair = (ours, isso) if not flip else (isso, ours)
                flip = not flip
                for server in pair:
                    load = await run_load(
                        server.port,
                        server.read(size),
                        clients,
                        seconds,
                        f"{server.name} read {size}",
                        server_group=groups[server.name],
                    )
                    results["reads"].append(show("read", server.name, size, load))
        for clients in CONCURRENCY:
            pair = (ours, isso) if not flip else (isso, ours)
            flip = not flip
            for server in pair:
                await server.fetch_tokens(clients, 100)
                scenario = server.post(100, f"c{clients}")
                load = await run_load(
                    server.port,
                    scenario,
                    clients,
                    seconds,
                    f"{server.name} post",
                    server_group=groups[server.name],
                )
                results["posts"].append(show("post", server.name, 100, load))
    results["load_after"] = os.getloadavg()
    return results


def report(results: dict[str, Any]) -> None:
    def find(kind: str, server: str, clients: int, size: int = 100) -> dict[str, Any]:
        return next(
            e
            for e in results[kind]
            if e["server"] == server and e["clients"] == clients and e["thread"] == size
        )

    read_rows = []
    for size in THREAD_SIZES:
        for clients in CONCURRENCY:
            a, b = find("reads", "ours", clients, size), find("reads", "isso", clients, size)
            read_rows.append(
                [size, clients, a["per_second"], b["per_second"], ratio(a["per_second"], b["per_second"]),
                 a["p50_ms"], b["p50_ms"], a["p99_ms"], b["p99_ms"], a["errors"], b["errors"],
                 a["server_cpu_ms_per_view"], b["server_cpu_ms_per_view"],
                 "+".join(map(str, a["connections_per_worker"])) or "-"]
            )  # fmt: skip
    post_rows = []
    for clients in CONCURRENCY:
        a, b = find("posts", "ours", clients), find("posts", "isso", clients)
        post_rows.append(
            [clients, a["per_second"], b["per_second"], ratio(a["per_second"], b["per_second"]),
             a["p50_ms"], b["p50_ms"], a["p99_ms"], b["p99_ms"], a["errors"], b["errors"],
             a["server_cpu_ms_per_view"], b["server_cpu_ms_per_view"]]
        )  # fmt: skip
    ceiling_ = results["generator_ceiling"]
    tables = [
        table(
            f"Reading a thread: page views/s (ours: 1 request per view; Isso {results['isso']}: 2, "
            f"/config then the thread), {results['seconds_per_phase']:.0f} s each; latency in ms; "
            "CPU = server CPU ms per view; conns = our keep-alive connections per worker",
            [
                "comments",
                "clients",
                "ours/s",
                "isso/s",
                "ratio",
                "ours p50",
                "isso p50",
                "ours p99",
                "isso p99",
                "ours err",
                "isso err",
                "ours CPU",
                "isso CPU",
                "ours conns",
            ],
            read_rows,
        ),
        table(
            "Posting a comment to the 100-comment thread: posts/s (unique texts); "
            "CPU = server CPU ms per post",
            [
                "clients",
                "ours/s",
                "isso/s",
                "ratio",
                "ours p50",
                "isso p50",
                "ours p99",
                "isso p99",
                "ours err",
                "isso err",
                "ours CPU",
                "isso CPU",
            ],
            post_rows,
        ),
        table(
            "Load generator ceiling (asyncio + uvloop, one process, against a trivial server)",
            ["clients", "requests/s", "p50 ms", "p99 ms", "errors", "generator CPU s"],
            [
                [
                    ceiling_["clients"],
                    ceiling_["per_second"],
                    ceiling_["p50_ms"],
                    ceiling_["p99_ms"],
                    ceiling_["errors"],
                    ceiling_["client_cpu_seconds"],
                ]
            ],
        ),
    ]
    r16o, r16i = find("reads", "ours", 16), find("reads", "isso", 16)
    p16o, p16i = find("posts", "ours", 16), find("posts", "isso", 16)
    p1o, p1i = find("posts", "ours", 1), find("posts", "isso", 1)
    errors = sum(e["errors"] for e in results["reads"] + results["posts"])
    read_ratio = ratio(r16o["per_second"], r16i["per_second"])
    post_ratio = ratio(p16o["per_second"], p16i["per_second"])
    notes = [
        goal(
            f"reading the 100-comment thread >= {GOALS['read_ratio']:.0f} x Isso (16 clients)",
            read_ratio >= GOALS["read_ratio"],
            f"{read_ratio:.1f} x ({r16o['per_second']:,.1f} vs {r16i['per_second']:,.1f} views/s)",
        ),
        goal(
            f"reading it at >= {GOALS['read_rps']:,.0f} page views/s at 16 clients",
            r16o["per_second"] >= GOALS["read_rps"],
            f"{r16o['per_second']:,.0f}/s",
        ),
        goal(
            f"with p99 <= {GOALS['read_p99_ms']:.0f} ms at 16 clients",
            r16o["p99_ms"] <= GOALS["read_p99_ms"],
            f"{r16o['p99_ms']:.1f} ms",
        ),
        "  (the 16 keep-alive connections were spread "
        + "+".join(map(str, r16o["connections_per_worker"]))
        + " over our 2 workers: the kernel picks the worker at accept time, and one worker "
        "serving most of them caps reads near one core's rate)",
        goal(
            f"posting >= {GOALS['post_ratio']:.0f} x Isso (16 clients)",
            post_ratio >= GOALS["post_ratio"],
            f"{post_ratio:.2f} x ({p16o['per_second']:,.1f} vs {p16i['per_second']:,.1f} posts/s); "
            f"1 client: {ratio(p1o['per_second'], p1i['per_second']):.2f} x",
        ),
        goal("0 errors", errors == 0, f"{errors}"),
        f"Load average before/after: {results['load_before'][0]:.2f} / {results['load_after'][0]:.2f} "
        f"on {os.cpu_count()} cores (the servers and the load generator share them). "
        f"Total time of this benchmark: {results['elapsed_seconds']:.0f} s.",
    ]
    samples = [s for e in results["reads"] + results["posts"] for s in e["error_samples"]]
    if samples:
        notes.append("First errors: " + " | ".join(samples[:5]))
    print_summary("comments_vs_isso", tables, notes)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per phase")
    args = parser.parse_args()
    import uvloop

    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench-comments-"))
    try:
        results = uvloop.run(run(args.seconds, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["elapsed_seconds"] = time.perf_counter() - started
    save_results("comments_vs_isso", results)
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
