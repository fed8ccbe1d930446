"""The tables of bench/comments_mixed.py: ours on SQLite, ours on PostgreSQL and Isso, side by side."""

from __future__ import annotations

from typing import Any

from text_tables import table

SETUPS = {
    "ours-sqlite": "ours, SQLite FULL, 1 x 2 workers",
    "ours-postgres": "ours, PostgreSQL fsync=on, 2 x 1 worker",
    "isso-run": "Isso, SQLite defaults (FULL), 4 workers",
}


def mixed_tables(results: dict[str, Any]) -> list[str]:
    present = [key for key in SETUPS if key in results]
    mixed_rows = []
    for key in present:
        m = results[key]["mixed"]
        mixed_rows.append(
            [
                SETUPS[key],
                m["per_second"],
                m["p50_ms"],
                m["p99_ms"],
                m["errors"],
                m["cache_hit_rate"],
                m["server_cpu_ms_per_view"],
                m["posts"],
                m["author_reads"],
                m["done"],
            ]
        )
    post_rows = [
        [
            SETUPS[key],
            entry["clients"],
            entry["per_second"],
            entry["p50_ms"],
            entry["p99_ms"],
            entry["errors"],
            entry["server_cpu_ms_per_view"],
        ]
        for key in present
        for entry in results[key]["posts"]
    ]
    return [
        table(
            f"Mixed workload, COLD start: {results['threads']:,} threads ({results['comments']:,} comments, "
            f"{results['threads_0_to_5']:,} with 0-5, {results['threads_over_100']} with 100+), "
            f"Zipf popularity, 1 post per 50 reads, 5% author reads, 16 clients, {results['seconds']:.0f} s; "
            "latency per view in ms; cache = share of public reads our cache answered (estimated from "
            "ETags and workers); CPU = server CPU ms per view",
            ["setup", "views/s", "p50", "p99", "errors", "cache", "CPU", "posts", "author reads", "views"],
            mixed_rows,
        ),
        table(
            f"Posting after the mixed run (same servers, one thread), {results['post_seconds']:.0f} s each; "
            "CPU = server CPU ms per post",
            ["setup", "clients", "posts/s", "p50", "p99", "errors", "CPU"],
            post_rows,
        ),
    ]
