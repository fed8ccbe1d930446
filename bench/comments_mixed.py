"""A read workload that looks like a site: many threads, a few popular, writes arriving, authors.

2,000 threads with long-tailed sizes (most 0-5 comments, a few 100-1,000), page
popularity Zipf-distributed, 1 post per 50 reads during the run (each post changes its
thread, so cached copies go stale), 5% of readers sending an author token, 16 clients,
COLD start: each server starts right before its run, nothing read before (bench/workload.py,
bench/mixed_data.py). The same request mix against:

* ours on SQLite, `comments serve --workers 2`, synchronous=FULL;
* ours on PostgreSQL: 2 instances x 1 worker on one throwaway local server with
  fsync=on and the default max_connections (100); the pool check is printed;
* Isso 0.14.0 (gunicorn, 4 workers, SQLite at its defaults).

A view is what each widget does (Isso's from its embed.js and api.js in the installed
package): ours GET /api/comments?thread=... (with X-Comment-Token for an author); Isso
GET /config then GET /?uri=...&sort=oldest&offset=0&nested_limit=5. Isso has no view of
an author's own comments (its isso-<id> cookie only allows edit and delete, and the
public fetch shows approved ones only), so its author reads are plain reads. embed.js
also calls POST /count, but only for links to #isso-thread on the page, which a
comments page does not need (ours has no such call on a view either). A post: ours GET
/api/form-token then POST /api/comments; Isso POST /new?uri=....

Reported: views/s, p50/p99 of a view, server CPU per view, and our cache hit rate,
computed from the answers: each connection's worker (from `ss`) and each answer's ETag
replayed through a per-worker LRU cache of the service's capacity (it has no metrics
endpoint and no cache header). Then posting at 1 and 16 clients on the same servers.

    .venv/bin/python bench/comments_mixed.py [--seconds 30] [--threads 2000] [--post-seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import free_port, goal, print_summary, run_comments_benchmark
from comment_servers import ISSO_VERSION, Isso, Ours, ensure_isso, isso_durability
from comment_texts import comment_text
from load_driver import Connection, connection_owners, run_load
from mixed_data import dataset, load_isso, load_ours, ours_rows
from mixed_report import mixed_tables
from pg_server import DurablePostgres, pool_check
from servers import until_idle
from workload import Mix, lru_hits

SEED = 2026
CLIENTS = 16
GOALS = {"views_ratio": 30.0, "p99_ms": 50.0}


@dataclass
class Observed:
    """What the answers tell: (client port, thread, ETag) of public reads, posts made, tokens."""

    reads: list[tuple[int, str, str]] = field(default_factory=list)
    author_reads: int = 0
    posts: int = 0
    tokens: dict[int, tuple[str, str]] = field(default_factory=dict)  # client -> (token, its thread)
    owners: dict[int, int] = field(default_factory=dict)  # client-side port -> server pid


def ours_view(ours: Ours, names: list[str], mix: Mix, seen: Observed) -> Any:
    async def view(connection: Connection, client: int, iteration: int) -> int:
        step = mix.step(client)
        thread = names[step.page]
        if step.kind == "post":
            reply = await connection.expect(ours.form_token_raw(thread))
            token = json.loads(reply.body)["token"]
            text = comment_text(f"mixed-post-{client}-{iteration}")
            posted = await connection.expect(ours.post_raw(thread, text, f"Poster {client}", None, token))
            seen.posts += 1
            seen.tokens[client] = (json.loads(posted.body)["token"], thread)
            return 2
        own = seen.tokens.get(client) if step.kind == "author read" else None
        if own:  # an author reads the page of their own comment, with their token
            await connection.expect(ours.read_raw(own[1], own[0]))
            seen.author_reads += 1
            return 1
        reply = await connection.expect(ours.read_raw(thread))
        seen.reads.append((connection.local_port, thread, reply.headers.get(b"etag", b"").decode()))
        return 1

    return view


def isso_view(isso: Isso, names: list[str], mix: Mix, seen: Observed) -> Any:
    async def view(connection: Connection, client: int, iteration: int) -> int:
        step = mix.step(client)
        thread = names[step.page]
        if step.kind == "post":
            text = comment_text(f"mixed-post-{client}-{iteration}")
            await connection.expect(isso.post_raw(thread, text, f"Poster {client}", None))
            seen.posts += 1
            return 1
        raws = isso.view_raws(thread)
        for raw in raws:
            await connection.expect(raw)
        seen.author_reads += step.kind == "author read"
        return len(raws)

    return view


async def watch_owners(ports: list[int], seen: Observed, until: float) -> None:
    """Which server process holds each client connection, sampled through the run."""
    while time.perf_counter() < until:
        for port in ports:
            seen.owners.update(await asyncio.to_thread(connection_owners, port))
        await asyncio.sleep(1.0)


async def mixed_run(
    label: str, ports: list[int], groups: list[int], view: Any, seen: Observed, seconds: float
) -> dict[str, Any]:
    watcher = asyncio.create_task(watch_owners(ports, seen, time.perf_counter() + seconds))
    load = await run_load(
        ports, view, CLIENTS, seconds, label, warmup=0.0, server_group=groups, interactive=True
    )
    await watcher
    entry = {
        "server": label,
        **load.summary(),
        **cache_figures(seen),
        "posts": seen.posts,
        "author_reads": seen.author_reads,
    }
    print(
        f"  mixed {label}: {load.rate:,.1f} views/s p50 {entry['p50_ms']:.1f} ms "
        f"p99 {entry['p99_ms']:.1f} ms "
        f"errors {load.errors} cache hits {entry['cache_hit_rate']} "
        f"CPU/view {entry['server_cpu_ms_per_view']}",
        flush=True,
    )
    return entry


def cache_capacity() -> int:
    """The thread cache's capacity per worker, as the service sets it."""
    import inspect

    from comments_service.infra.thread_cache import ThreadCache

    return int(inspect.signature(ThreadCache).parameters["capacity"].default)


def cache_figures(seen: Observed) -> dict[str, Any]:
    if not seen.reads or not any(etag for _, _, etag in seen.reads):
        return {"cache_hit_rate": None, "public_reads": len(seen.reads), "unmapped_reads": 0}
    mapped = [(seen.owners[port], thread, etag) for port, thread, etag in seen.reads if port in seen.owners]
    hits = lru_hits(mapped, cache_capacity())
    return {
        "cache_hit_rate": hits / len(mapped) if mapped else None,
        "public_reads": len(seen.reads),
        "unmapped_reads": len(seen.reads) - len(mapped),
    }


async def posting_runs(
    label: str, server: Ours | Isso, ports: list[int], groups: list[int], seconds: float
) -> list[dict[str, Any]]:
    entries = []
    for clients in (1, CLIENTS):
        await until_idle(groups)  # the mixed run leaves Isso's queued reads behind it
        await server.fetch_tokens(clients, "page-0000")
        load = await run_load(
            ports,
            server.post("page-0000", f"{label}-c{clients}"),
            clients,
            seconds,
            f"{label} post",
            server_group=groups,
        )
        entries.append({"server": label, **load.summary()})
        print(
            f"  post {label} {clients:2d} clients: {load.rate:,.1f}/s p99 {entries[-1]['p99_ms']:.1f} ms",
            flush=True,
        )
    return entries


@contextmanager
def ours_instances(ours: Ours, instances: int) -> Iterator[tuple[list[int], list[int]]]:
    """`instances` servers of ours on one database, each on its own port."""
    with ExitStack() as stack:
        ports = [ours.port] + [free_port() for _ in range(instances - 1)]
        groups = [
            stack.enter_context(ours.server(port, f"{ours.name}-{n}")).pid for n, port in enumerate(ports)
        ]
        yield ports, groups


async def run_ours(
    ours: Ours, instances: int, names: list[str], export: Any, args: argparse.Namespace
) -> dict[str, Any]:
    started = time.perf_counter()
    await asyncio.to_thread(load_ours, ours, export)
    print(f"{ours.name}: loaded in {time.perf_counter() - started:.1f} s", flush=True)
    seen = Observed()
    with ours_instances(ours, instances) as (ports, groups):
        mixed = await mixed_run(
            ours.name, ports, groups, ours_view(ours, names, Mix(len(names), SEED), seen), seen, args.seconds
        )
        posts = await posting_runs(ours.name, ours, ports, groups, args.post_seconds)
    return {"mixed": mixed, "posts": posts, "instances": instances, "workers": ours.workers}


async def run_isso(isso: Isso, names: list[str], rows: list[Any], args: argparse.Namespace) -> dict[str, Any]:
    seen = Observed()
    with isso.server() as server:  # Isso makes its tables on start; it caches nothing
        await asyncio.to_thread(load_isso, isso, names, rows)
        mixed = await mixed_run(
            "isso",
            [isso.port],
            [server.pid],
            isso_view(isso, names, Mix(len(names), SEED), seen),
            seen,
            args.seconds,
        )
        posts = await posting_runs("isso", isso, [isso.port], [server.pid], args.post_seconds)
    return {"mixed": mixed, "posts": posts, "durability": isso_durability(isso.database)}


async def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    names, sizes, rows = dataset(args.threads, SEED)
    export = await asyncio.to_thread(ours_rows, names, rows)
    results: dict[str, Any] = {
        "isso": ISSO_VERSION,
        "gunicorn": ensure_isso(),
        "seconds": args.seconds,
        "post_seconds": args.post_seconds,
        "threads": len(names),
        "comments": len(rows),
        "largest_thread": max(sizes),
        "threads_over_100": sum(size >= 100 for size in sizes),
        "threads_0_to_5": sum(size <= 5 for size in sizes),
        "load_before": os.getloadavg(),
        "cache_capacity": cache_capacity(),
    }
    print(f"{len(names)} threads, {len(rows)} comments (largest {max(sizes)})", flush=True)
    sqlite = Ours(work, names, synchronous="FULL", label="ours-sqlite")
    results["ours-sqlite"] = await run_ours(sqlite, 1, names, export, args)
    if not args.no_postgres:
        with DurablePostgres() as postgres:
            ours_pg = Ours(work, names, database_url=postgres.database(), workers=1, label="ours-postgres")
            results["postgres"] = {**postgres.settings(), **pool_check(postgres, instances=2, workers=1)}
            print(f"PostgreSQL: {results['postgres']}", flush=True)
            results["ours-postgres"] = await run_ours(ours_pg, 2, names, export, args)
    results["isso-run"] = await run_isso(Isso(work), names, rows, args)
    results["load_after"] = os.getloadavg()
    return results


def notes_of(results: dict[str, Any]) -> list[str]:
    ours, isso = results["ours-sqlite"]["mixed"], results["isso-run"]["mixed"]
    ratio_ = ours["per_second"] / isso["per_second"] if isso["per_second"] else float("inf")
    notes = [
        goal(
            f"mixed workload >= {GOALS['views_ratio']:.0f} x Isso's views/s (ours SQLite FULL, cold start)",
            ratio_ >= GOALS["views_ratio"],
            f"{ratio_:.1f} x ({ours['per_second']:,.1f} vs {isso['per_second']:,.1f} views/s)",
        ),
        goal(
            f"mixed workload p99 <= {GOALS['p99_ms']:.0f} ms (ours SQLite)",
            ours["p99_ms"] <= GOALS["p99_ms"],
            f"{ours['p99_ms']:.1f} ms",
        ),
    ]
    if "postgres" in results:
        pg = results["postgres"]
        notes.append(goal("PostgreSQL pool fits under max_connections", pg["fits"], pg["check"]))
    notes.append(
        f"Load average before/after: {results['load_before'][0]:.2f} / {results['load_after'][0]:.2f} on "
        f"{os.cpu_count()} cores. Total time of this benchmark: {results['elapsed_seconds']:.0f} s."
    )
    return notes


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds of each mixed run")
    parser.add_argument("--post-seconds", type=float, default=5.0, help="measured seconds per posting phase")
    parser.add_argument("--threads", type=int, default=2000, help="threads (pages with comments)")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL runs")
    args = parser.parse_args()
    results = run_comments_benchmark("comments_mixed", lambda work: run(args, work))
    print_summary("comments_mixed", mixed_tables(results), notes_of(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
