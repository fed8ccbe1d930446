"""The comments service against Isso 0.14.0: a hot thread, and posting at equal durability.

The servers are set up as bench/comment_servers.py says (Isso: gunicorn, 4 workers;
ours: 2 workers). Both write to SQLite with a sync to disk at every commit: ours with
COMMENTS_SQLITE_SYNCHRONOUS=FULL (WAL), Isso at SQLite's defaults (rollback journal,
synchronous=FULL; read back from its file and printed). Each gets a fresh database
seeded THROUGH ITS OWN API with the same threads of 0, 100 and 1,000 comments (20%
replies, ~330-character Markdown with emphasis and a link). Then, alternating the two:

* reading a thread, 5 s each at 1 and 16 clients, HOT: one thread read over and over
  with no writes, so ours answers from its in-memory cache (Isso renders every time).
  A view is what each widget requests. Ours: one GET /api/comments?thread=...
  (Accept-Encoding: gzip). Isso's embed.js: GET /config, then GET /?uri=...&sort=oldest
  &offset=0&nested_limit=5. Latency is the whole page view.
* posting a comment to the 100-comment thread, 3 consecutive runs (5 s each) at 1 and
  16 clients: each server's own POST with a unique text (ours with a form token
  fetched once per client, as the widget does). Within a run the two servers take
  turns in 5 slices of 1 s (ours, Isso, Isso, ours, ...), so that the machine's drift
  in speed weighs on both alike.
* the hot read and the post at 16 clients once more with wrk (bench/cross_check.py), each
  right after our generator's phases of the same kind, when both servers are idle.

The load generator is bench/load_driver.py; its ceiling is measured and printed first.
Goals: reading the 100-comment thread >= 50 x Isso and >= 1,000 page views/s at 16
clients with p99 <= 50 ms; posting >= 2 x Isso at 1 and 16 clients in every run, p99
<= 50 ms; 0 errors. The mixed workload of many threads is bench/comments_mixed.py.

    .venv/bin/python bench/comments_vs_isso.py [--seconds 5] [--post-seconds 5] [--post-runs 3]
        [--post-slices 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cross_check
from _common import goal, print_summary, ratio, run_comments_benchmark
from comment_servers import (
    ISSO_HEADERS,
    ISSO_VERSION,
    JSON_HEADERS,
    Isso,
    Ours,
    ensure_isso,
    isso_durability,
    ours_durability,
    seed,
    thread_key,
    thread_uri,
)
from comments_report import posting_tables, reading_table, wrk_table
from load_driver import Load, ceiling, merged, run_load
from servers import until_idle
from text_tables import table

THREAD_SIZES = (0, 100, 1000)
CONCURRENCY = (1, 16)
GOALS = {"read_ratio": 50.0, "read_rps": 1000.0, "read_p99_ms": 50.0, "post_ratio": 2.0, "post_p99_ms": 50.0}


def thread_of(size: int) -> str:
    return f"thread-{size}"


def show(kind: str, server: str, size: int, load: Load, run: int = 1) -> dict[str, Any]:
    entry = {"server": server, "thread": size, "run": run, **load.summary()}
    what = f"read  {size:5d} comments" if kind == "read" else f"post, run {run}        "
    cpu = entry["server_cpu_ms_per_view"]
    print(
        f"  {what} {load.clients:2d} clients {server:4s}: {load.rate:8.1f}/s  p50 {entry['p50_ms']:7.1f} ms  "
        f"p99 {entry['p99_ms']:7.1f} ms  errors {load.errors}  server CPU {cpu or 0:6.2f} ms each  "
        f"connections per worker {load.spread}",
        flush=True,
    )
    return entry


def alternate(flip: bool, ours: Ours, isso: Isso) -> tuple[Ours | Isso, Ours | Isso]:
    return (ours, isso) if not flip else (isso, ours)


async def hot_reads(ours: Ours, isso: Isso, groups: dict[str, int], seconds: float) -> list[dict[str, Any]]:
    entries, flip = [], False
    for size in THREAD_SIZES:
        for clients in CONCURRENCY:
            for server in alternate(flip, ours, isso):
                await until_idle(list(groups.values()))
                load = await run_load(
                    server.port,
                    server.read(thread_of(size)),
                    clients,
                    seconds,
                    f"{server.name} read {size}",
                    server_group=groups[server.name],
                )
                entries.append(show("read", server.name, size, load))
            flip = not flip
    return entries


async def posting(
    ours: Ours, isso: Isso, groups: dict[str, int], seconds: float, runs: int, slices: int
) -> list[dict[str, Any]]:
    """`runs` consecutive rounds, each at 1 and 16 clients, the servers taking turns in slices.

    A run's `seconds` per server are cut into `slices`, in the order ours, Isso, Isso, ours,
    ours, Isso... (each side's first slice after a 1 s warm-up, the others after 0.25 s).
    On a shared machine whose speed drifts within a minute, a drift then weighs on both
    sides alike instead of on whichever ran second. Each round starts once both servers
    are idle: the reads before leave Isso rendering queued requests for seconds.
    """
    entries, flip = [], False
    for run in range(1, runs + 1):
        for clients in CONCURRENCY:
            await until_idle(list(groups.values()))
            loads: dict[str, list[Load]] = {ours.name: [], isso.name: []}
            for server in (ours, isso):
                await server.fetch_tokens(clients, thread_of(100))
            for part in range(slices):
                for server in alternate(flip != (part % 2 == 1), ours, isso):
                    load = await run_load(
                        server.port,
                        server.post(thread_of(100), f"r{run}c{clients}s{part}"),
                        clients,
                        seconds / slices,
                        f"{server.name} post",
                        warmup=1.0 if part == 0 else 0.25,
                        server_group=groups[server.name],
                    )
                    loads[server.name].append(load)
            for server in alternate(flip, ours, isso):
                whole = merged(f"{server.name} post", loads[server.name])
                entries.append(show("post", server.name, 100, whole, run))
            flip = not flip
    return entries


def wrk_scenarios(ours: Ours, isso: Isso) -> dict[tuple[str, str], tuple[str, int]]:
    """(scenario, server) -> (wrk script, requests per view)."""
    post_body = {
        "thread": thread_key(thread_of(100)),
        "parent": None,
        "name": "wrk",
        "email": None,
        "text": "%s",
        "website": "",
        "form_token": ours.tokens[0] if ours.tokens else "",
    }
    isso_body = {"author": "wrk", "email": None, "website": None, "text": "%s", "parent": None,
                 "title": "Bench page thread-100", "notification": 0}  # fmt: skip
    ours_read = f"/api/comments?thread={thread_key(thread_of(100)).replace('/', '%2F')}"
    isso_read = f"/?uri={thread_uri(thread_of(100)).replace('/', '%2F')}&sort=oldest&offset=0&nested_limit=5"
    post_headers = {**JSON_HEADERS, "Content-Type": "application/json"}
    return {
        ("post", "ours"): (
            cross_check.post_script("/api/comments", post_headers, json.dumps(post_body), "ours"),
            1,
        ),
        ("post", "isso"): (
            cross_check.post_script(
                f"/new?uri={thread_uri(thread_of(100)).replace('/', '%2F')}",
                ISSO_HEADERS,
                json.dumps(isso_body),
                "isso",
            ),
            1,
        ),
        ("read 100 comments", "ours"): (cross_check.read_script([ours_read], JSON_HEADERS), 1),
        ("read 100 comments", "isso"): (cross_check.read_script(["/config", isso_read], ISSO_HEADERS), 2),
    }


async def with_wrk(
    ours: Ours, isso: Isso, groups: dict[str, int], seconds: float, kind: str
) -> list[dict[str, Any]]:
    """The hot read or the post (`kind`) at 16 connections, driven by wrk instead of our generator.

    Each runs right after our generator's phases of the same kind, so both read the thread
    at the same size (the posting phases add thousands of comments to it). Each phase
    starts once both servers are idle: what wrk left in flight is not the next one's cost.
    """
    if not cross_check.available():
        print("wrk is not installed (scripts/install_system_packages.sh installs it): no cross-check")
        return []
    await ours.fetch_tokens(1, thread_of(100))
    ports = {"ours": ours.port, "isso": isso.port}
    entries = []
    for (scenario, server), (script, per_view) in wrk_scenarios(ours, isso).items():
        if not scenario.startswith(kind):
            continue
        await until_idle(list(groups.values()))
        figures = await asyncio.to_thread(cross_check.run_wrk, ports[server], script, 16, max(5.0, seconds))
        figures.update(scenario=scenario, server=server, per_view=per_view)
        figures["views_per_second"] = figures["requests_per_second"] / per_view
        print(f"  wrk {scenario} {server}: {figures['views_per_second']:,.1f}/s  {figures}", flush=True)
        entries.append(figures)
    return entries


async def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    results: dict[str, Any] = {
        "isso": ISSO_VERSION,
        "gunicorn": ensure_isso(),
        "seconds_per_phase": args.seconds,
        "post_seconds": args.post_seconds,
        "post_slices": args.post_slices,
        "load_before": os.getloadavg(),
    }
    limit = await ceiling(3.0)
    results["generator_ceiling"] = limit.summary()
    print(f"load generator ceiling (trivial server, 16 clients): {limit.rate:,.0f} requests/s", flush=True)
    names = [thread_of(size) for size in THREAD_SIZES]
    ours, isso = Ours(work, names, synchronous="FULL"), Isso(work)
    with ours.server() as ours_server, isso.server() as isso_server:
        groups = {"ours": ours_server.pid, "isso": isso_server.pid}
        started = time.perf_counter()
        await asyncio.gather(*(seed(s, thread_of(n), n) for s in (ours, isso) for n in THREAD_SIZES[:2]))
        await asyncio.gather(*(seed(s, thread_of(1000), 1000) for s in (ours, isso)))
        results["seed_seconds"] = time.perf_counter() - started
        print(f"seeded both servers through their APIs in {results['seed_seconds']:.1f} s", flush=True)
        results["durability"] = {
            "ours": {"synchronous": ours.env["COMMENTS_SQLITE_SYNCHRONOUS"],
                     **ours_durability(ours.work / "comments.sqlite3")},
            "isso": isso_durability(isso.database),
        }  # fmt: skip
        print(f"durability: {results['durability']}", flush=True)
        results["reads"] = await hot_reads(ours, isso, groups, args.seconds)
        results["wrk"] = await with_wrk(ours, isso, groups, args.seconds, "read")
        results["posts"] = await posting(
            ours, isso, groups, args.post_seconds, args.post_runs, args.post_slices
        )
        results["wrk"] += await with_wrk(ours, isso, groups, args.post_seconds, "post")
    results["load_after"] = os.getloadavg()
    return results


def find(
    results: dict[str, Any], kind: str, server: str, clients: int, size: int = 100
) -> list[dict[str, Any]]:
    return [
        e for e in results[kind] if e["server"] == server and e["clients"] == clients and e["thread"] == size
    ]


def read_goals(results: dict[str, Any]) -> list[str]:
    r16o, r16i = find(results, "reads", "ours", 16)[0], find(results, "reads", "isso", 16)[0]
    read_ratio = ratio(r16o["per_second"], r16i["per_second"])
    return [
        goal(
            f"reading the 100-comment thread, HOT (cached, no writes) >= {GOALS['read_ratio']:.0f} x Isso "
            "(16 clients)",
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
        + " over our 2 workers: the kernel picks the worker at accept time)",
    ]


def post_goals(results: dict[str, Any]) -> list[str]:
    notes = []
    for clients in CONCURRENCY:
        pairs = zip(
            find(results, "posts", "ours", clients), find(results, "posts", "isso", clients), strict=True
        )
        ratios = [ratio(a["per_second"], b["per_second"]) for a, b in pairs]
        worst_p99 = max(e["p99_ms"] for e in find(results, "posts", "ours", clients))
        notes.append(
            goal(
                f"posting >= {GOALS['post_ratio']:.0f} x Isso at {clients} client(s), both synchronous=FULL, "
                "in every run",
                min(ratios) >= GOALS["post_ratio"],
                ", ".join(f"{r:.2f} x" for r in ratios),
            )
        )
        notes.append(
            goal(
                f"posting p99 <= {GOALS['post_p99_ms']:.0f} ms at {clients} client(s), every run",
                worst_p99 <= GOALS["post_p99_ms"],
                f"worst {worst_p99:.1f} ms",
            )
        )
    return notes


def report(results: dict[str, Any]) -> None:
    durability = results["durability"]
    tables = [
        reading_table(results, THREAD_SIZES, CONCURRENCY),
        *posting_tables(results, CONCURRENCY),
        table(
            "Load generator ceiling (asyncio + uvloop, one process, against a trivial server)",
            ["clients", "requests/s", "p50 ms", "p99 ms", "errors", "generator CPU s"],
            [
                [
                    results["generator_ceiling"][k]
                    for k in ("clients", "per_second", "p50_ms", "p99_ms", "errors", "client_cpu_seconds")
                ]
            ],
        ),
    ]
    if results["wrk"]:
        tables.append(wrk_table(results))
    errors = sum(e["errors"] for e in results["reads"] + results["posts"])
    notes = [
        f"Durability: ours SQLite journal_mode={durability['ours']['journal_mode']}, "
        f"synchronous={durability['ours']['synchronous']}; Isso SQLite journal_mode="
        f"{durability['isso']['journal_mode']}, synchronous={durability['isso']['synchronous']} "
        f"(PRAGMA journal_mode or synchronous in isso/db/__init__.py: "
        f"{durability['isso']['pragmas_in_code'] or 'none'})",
        *read_goals(results),
        *post_goals(results),
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
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per read phase")
    parser.add_argument("--post-seconds", type=float, default=5.0, help="measured seconds per posting phase")
    parser.add_argument("--post-runs", type=int, default=3, help="consecutive posting runs")
    parser.add_argument("--post-slices", type=int, default=5, help="turns each server takes within a run")
    args = parser.parse_args()
    results = run_comments_benchmark("comments_vs_isso", lambda work: run(args, work))
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
