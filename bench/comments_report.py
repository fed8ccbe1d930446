"""The tables of the comments benchmarks: each row ours beside Isso, ratio and latencies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from _common import median, ratio
from text_tables import table


def pick(entries: list[dict[str, Any]], server: str, clients: int, size: int = 100) -> list[dict[str, Any]]:
    return [e for e in entries if e["server"] == server and e["clients"] == clients and e["thread"] == size]


def reading_table(results: dict[str, Any], sizes: Sequence[int], concurrency: Sequence[int]) -> str:
    rows = []
    for size in sizes:
        for clients in concurrency:
            a, b = (
                pick(results["reads"], "ours", clients, size)[0],
                pick(results["reads"], "isso", clients, size)[0],
            )
            rows.append(
                [size, clients, a["per_second"], b["per_second"], ratio(a["per_second"], b["per_second"]),
                 a["p50_ms"], b["p50_ms"], a["p99_ms"], b["p99_ms"], a["errors"], b["errors"],
                 a["server_cpu_ms_per_view"], b["server_cpu_ms_per_view"],
                 "+".join(map(str, a["connections_per_worker"])) or "-"]
            )  # fmt: skip
    return table(
        f"Reading one HOT thread (read over and over, no writes: ours answers from its cache): page views/s "
        f"(ours: 1 request per view; Isso {results['isso']}: 2, /config then the thread), "
        f"{results['seconds_per_phase']:.0f} s each; latency in ms; CPU = server CPU ms per view; "
        "conns = our keep-alive connections per worker",
        ["comments", "clients", "ours/s", "isso/s", "ratio", "ours p50", "isso p50", "ours p99", "isso p99",
         "ours err", "isso err", "ours CPU", "isso CPU", "ours conns"],
        rows,
    )  # fmt: skip


def posting_tables(results: dict[str, Any], concurrency: Sequence[int]) -> list[str]:
    """Each run, then the medians over the runs."""
    durability = "both SQLite synchronous=FULL (ours WAL, Isso rollback journal)"
    rows, summary = [], []
    for clients in concurrency:
        ours, isso = pick(results["posts"], "ours", clients), pick(results["posts"], "isso", clients)
        for a, b in zip(ours, isso, strict=True):
            rows.append(
                [a["run"], clients, a["per_second"], b["per_second"], ratio(a["per_second"], b["per_second"]),
                 a["p50_ms"], b["p50_ms"], a["p99_ms"], b["p99_ms"], a["errors"], b["errors"],
                 a["server_cpu_ms_per_view"], b["server_cpu_ms_per_view"]]
            )  # fmt: skip
        rates = [median([e["per_second"] for e in side]) for side in (ours, isso)]
        summary.append(
            [clients, len(ours), rates[0], rates[1], ratio(*rates),
             median([e["p50_ms"] for e in ours]), median([e["p50_ms"] for e in isso]),
             max(e["p99_ms"] for e in ours), max(e["p99_ms"] for e in isso)]
        )  # fmt: skip
    headers = ["run", "clients", "ours/s", "isso/s", "ratio", "ours p50", "isso p50", "ours p99", "isso p99",
               "ours err", "isso err", "ours CPU", "isso CPU"]  # fmt: skip
    return [
        table(
            f"Posting to the 100-comment thread, {durability}: posts/s (unique texts), each run "
            f"{results['post_seconds']:.0f} s per server in {results.get('post_slices', 1)} alternating "
            "slices; CPU = server CPU ms per post",
            headers,
            rows,
        ),
        table(
            f"Posting, over the runs ({durability}): median posts/s and p50, worst p99",
            [
                "clients",
                "runs",
                "ours/s",
                "isso/s",
                "ratio",
                "ours p50",
                "isso p50",
                "ours p99 max",
                "isso p99 max",
            ],
            summary,
        ),
    ]


def wrk_table(results: dict[str, Any]) -> str:
    """wrk's figures beside our generator's, 16 clients (the post: our generator's first run)."""
    rows = []
    for entry in results["wrk"]:
        kind = "reads" if entry["scenario"].startswith("read") else "posts"
        ours_gen = pick(results[kind], entry["server"], 16)[0]
        rows.append(
            [entry["scenario"], entry["server"], ours_gen["per_second"], entry["views_per_second"],
             ours_gen["p50_ms"], entry["p50_ms"], ours_gen["p99_ms"], entry["p99_ms"],
             entry["non_2xx_3xx"] + entry["socket_errors"]]
        )  # fmt: skip
    return table(
        "Cross-check with wrk 4.1 (1 thread, 16 connections): views/s by our generator and by wrk; "
        "wrk's latencies are per request (an Isso view is 2 requests), ours per view",
        [
            "scenario",
            "server",
            "our gen/s",
            "wrk/s",
            "our p50",
            "wrk p50",
            "our p99",
            "wrk p99",
            "wrk errors",
        ],
        rows,
    )
