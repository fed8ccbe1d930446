"""Lighthouse (desktop preset) on the home page, an article and the FAQ, served by the real stack.

Lighthouse is pinned in bench/package.json and installed with `npm ci --prefix bench`
when missing. It drives Debian's chromium (/usr/bin/chromium), which this script
starts itself with the tests' flags (headless, no sandbox, no host but 127.0.0.1 and
localhost), so nothing downloads a browser and no request leaves the machine.
The site is built strictly and served by `comments serve --site` with the article
seeded with 50 approved comments, as bench/page_weight.py does.

Prints the four category scores per page; the goal is 100 in each. Lists every
audit that cost points where a score is below 100.

    .venv/bin/python bench/lighthouse.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    BENCH,
    CHROMIUM,
    CHROMIUM_ARGS,
    build_real_site,
    free_port,
    goal,
    print_summary,
    save_results,
)
from page_weight import ARTICLE, COMMENTS, seed, serve
from servers import Server
from text_tables import table

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {"home": "/", "article": ARTICLE, "faq": "/faq/"}
LIGHTHOUSE = BENCH / "node_modules" / "lighthouse" / "cli" / "index.js"


def ensure_lighthouse() -> str:
    if not LIGHTHOUSE.exists():
        print("Installing the pinned Lighthouse (npm ci --prefix bench)", flush=True)
        subprocess.run(
            ["npm", "ci", "--prefix", str(BENCH), "--no-audit", "--no-fund", "--loglevel=error"], check=True
        )
    return subprocess.run(
        ["node", str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def chromium(profile: Path, port: int) -> Server:
    """Debian's chromium with a DevTools port; Lighthouse connects to it (--port)."""
    argv = [
        CHROMIUM,
        *CHROMIUM_ARGS,
        f"--remote-debugging-port={port}",
        "--remote-debugging-address=127.0.0.1",
        f"--user-data-dir={profile}",
        "about:blank",
    ]
    return Server("chromium", argv, f"http://127.0.0.1:{port}/json/version", cwd=profile)


def audit(url: str, port: int, out: Path) -> dict[str, Any]:
    """One Lighthouse run; returns its JSON report."""
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    process = subprocess.run(
        [
            "node",
            str(LIGHTHOUSE),
            url,
            f"--port={port}",
            "--preset=desktop",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
            "--max-wait-for-load=30000",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if process.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}:\n{process.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def failing_audits(report: dict[str, Any], category: str) -> list[dict[str, Any]]:
    """Audits of the category that did not pass (weighted ones first)."""
    audits = report["audits"]
    out = []
    for ref in report["categories"][category]["auditRefs"]:
        item = audits[ref["id"]]
        if item.get("scoreDisplayMode") in ("notApplicable", "informative", "manual"):
            continue
        if item.get("score") is None or item["score"] >= 1:
            continue
        out.append(
            {
                "id": ref["id"],
                "weight": ref.get("weight", 0),
                "score": item["score"],
                "title": item.get("title", ""),
                "value": item.get("displayValue", ""),
            }
        )
    return sorted(out, key=lambda a: (-a["weight"], a["score"]))


def main() -> int:
    started = time.perf_counter()
    version = ensure_lighthouse()
    work = Path(tempfile.mkdtemp(prefix="bench-lighthouse-"))
    results: dict[str, Any] = {"lighthouse": version, "preset": "desktop", "pages": {}}
    try:
        site, database = work / "site", work / "comments.sqlite3"
        build_real_site(site)
        port = free_port()
        with serve(site, database, port, "lighthouse-seed", moderation="none", rate_per_minute="0",
                   rate_per_hour="0", min_submit_seconds="0", form_token_max_posts="0"):  # fmt: skip
            seed(f"http://127.0.0.1:{port}")
        audit_pages(work, site, database, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["elapsed_seconds"] = time.perf_counter() - started
    save_results("lighthouse", results)
    report(results, version)
    return 0


METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)


def audit_pages(work: Path, site: Path, database: Path, results: dict[str, Any]) -> None:
    site_port, devtools_port = free_port(), free_port()
    profile = work / "chromium-profile"
    profile.mkdir()
    with serve(site, database, site_port, "lighthouse-site"), chromium(profile, devtools_port):
        for name, path in PAGES.items():
            url = f"http://127.0.0.1:{site_port}{path}"
            report = audit(url, devtools_port, work / f"{name}.json")
            scores = {c: round((report["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
            failing = {c: failing_audits(report, c) for c in CATEGORIES if scores[c] < 100}
            metrics = {
                key: report["audits"][key].get("numericValue") for key in METRICS if key in report["audits"]
            }
            results["pages"][name] = {"url": url, "scores": scores, "failing": failing, "metrics": metrics}
            print(f"  {name:8s} " + "  ".join(f"{c} {s}" for c, s in scores.items()), flush=True)


def ms(value: float | None) -> int | None:
    return None if value is None else round(value)


def report(results: dict[str, Any], version: str) -> None:
    rows = [[name, *(page["scores"][c] for c in CATEGORIES)] for name, page in results["pages"].items()]
    metric_rows = [
        [
            name,
            ms(page["metrics"].get("first-contentful-paint")),
            ms(page["metrics"].get("largest-contentful-paint")),
            ms(page["metrics"].get("total-blocking-time")),
            ms(page["metrics"].get("speed-index")),
            page["metrics"].get("cumulative-layout-shift"),
        ]
        for name, page in results["pages"].items()
    ]
    tables = [
        table(
            f"Lighthouse {version}, desktop preset, Debian chromium (scores out of 100; {COMMENTS} comments "
            "on the article)",
            ["page", *CATEGORIES],
            rows,
        ),
        table(
            "Lab metrics (ms; CLS unitless)", ["page", "FCP", "LCP", "TBT", "Speed Index", "CLS"], metric_rows
        ),
    ]
    notes = []
    below = [(n, c) for n, p in results["pages"].items() for c in CATEGORIES if p["scores"][c] < 100]
    notes.append(goal("100 in every category on every page", not below, f"{len(below)} below 100"))
    for name, category in below:
        for item in results["pages"][name]["failing"][category]:
            notes.append(
                f"  {name} / {category}: {item['id']} (weight {item['weight']}, score {item['score']}): "
                f"{item['title']} {item['value']}".rstrip()
            )
    notes.append(f"Total time of this benchmark: {results['elapsed_seconds']:.0f} s.")
    print_summary("lighthouse", tables, notes)


if __name__ == "__main__":
    sys.exit(main())
