"""The Spanish edition's cost: build time of both editions against English alone, and the
Spanish article's first-view weight.

1. Build time: `mkdocs build --strict` of the English edition alone against
   scripts/build_site.py (English, then Spanish into es/, as `make build` does),
   RUNS times each, alternating, from a cold output folder each time; medians.
   Goal: both editions <= 2.1x English alone.
2. First view: the built site served by `comments serve --site` (as `make serve`),
   the Spanish article and its English counterpart loaded in headless Chromium with a
   cold cache (bench/page_weight.py's measure_page: transferred bytes, compressed).
   Goal: the Spanish article's first view <= 80 KB, 0 third-party requests.
3. Reading ease of every page pair: the prose's words (bench/readability.py's prose:
   no front matter, tables, headings, citations or link addresses) in English and in
   Spanish, and the Spanish prose's Fernández-Huerta score (textstat, Spanish).
   Goal: 60 or more ("normal" or easier) on every Spanish page with 100 words or more.

Writes bench/results/editions.json.

    .venv/bin/python bench/two_editions.py [--runs 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import textstat  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PYTHON,
    ROOT,
    build_real_site,
    free_port,
    goal,
    machine,
    median,
    mkdocs_env,
    print_summary,
    save_results,
)
from page_weight import GOAL_KB, measure_page, serve
from readability import DOCS, MIN_SCORED_WORDS, MIN_SPANISH_EASE, prose, spanish_ease
from text_tables import fmt, table

ES_DOCS = ROOT / "es" / "docs"

ARTICLES = {
    "Spanish": "/es/blog/medical-massage-in-san-diego/",
    "English": "/blog/medical-massage-in-san-diego/",
}
GOAL_RATIO = 2.1


def build_english(dest: Path) -> float:
    """The English edition alone, strictly, as build_site.py builds it; seconds."""
    start = time.perf_counter()
    command = [PYTHON, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", "mkdocs.yml", "-d", str(dest)]
    subprocess.run(command, cwd=ROOT, env=mkdocs_env(), check=True)
    return time.perf_counter() - start


def build_times(work: Path, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"English alone": [], "both editions": []}
    for run in range(runs):
        times["English alone"].append(build_english(work / f"en-{run}"))
        times["both editions"].append(build_real_site(work / f"both-{run}"))
    return times


def first_views(site: Path, work: Path) -> dict[str, dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    with serve(site, work / "comments.sqlite3", port, "editions"), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return {
                name: measure_page(browser, f"http://127.0.0.1:{port}{path}")
                for name, path in ARTICLES.items()
            }
        finally:
            browser.close()


def reading_pairs() -> list[tuple[str, int, int, float]]:
    """(page, English words, Spanish words, Fernández-Huerta of the Spanish) per page pair."""
    found = []
    for path in sorted(ES_DOCS.rglob("*.md")):
        relative = path.relative_to(ES_DOCS).as_posix()
        english = prose((DOCS / relative).read_text(encoding="utf-8"))
        spanish = prose(path.read_text(encoding="utf-8"))
        found.append(
            (
                relative,
                textstat.lexicon_count(english),
                textstat.lexicon_count(spanish),
                spanish_ease(spanish),
            )
        )
    return found


def _runs() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    return int(parser.parse_args().runs)


def main() -> int:
    runs = _runs()
    pairs = reading_pairs()
    with tempfile.TemporaryDirectory(prefix="bench-editions-") as folder:
        work = Path(folder)
        times = build_times(work, runs)
        views = first_views(work / f"both-{runs - 1}", work)
    medians = {name: median(values) for name, values in times.items()}
    ratio = medians["both editions"] / medians["English alone"]
    spanish_kb = views["Spanish"]["first"]["bytes"] / 1024
    third_party = sum(
        view[phase]["third_party"] for view in views.values() for phase in ("first", "comments")
    )
    tables = [
        table(
            f"Build time, {runs} runs each, alternating (seconds)",
            ["build", "median", "runs"],
            [[name, fmt(medians[name]), " ".join(fmt(v) for v in values)] for name, values in times.items()],
        ),
        table(
            "Article first view (cold cache, 1280x900, transferred bytes)",
            ["article", "requests", "KB", "third-party"],
            [
                [
                    name,
                    view["first"]["requests"],
                    fmt(view["first"]["bytes"] / 1024, 1),
                    view["first"]["third_party"],
                ]
                for name, view in views.items()
            ],
        ),
        table(
            "Page pairs: prose words and the Spanish prose's Fernández-Huerta (60+: normal or easier)",
            ["page", "EN words", "ES words", "Fernández-Huerta"],
            [[page, en, es, fmt(ease, 1)] for page, en, es, ease in pairs],
        ),
    ]
    hard = [page for page, _, words, ease in pairs if words >= MIN_SCORED_WORDS and ease < MIN_SPANISH_EASE]
    notes = [
        goal(f"both editions <= {GOAL_RATIO}x English alone", ratio <= GOAL_RATIO, f"{ratio:.2f}x"),
        goal(
            f"Spanish article first view <= {GOAL_KB:.0f} KB", spanish_kb <= GOAL_KB, f"{spanish_kb:.1f} KB"
        ),
        goal("0 third-party requests", third_party == 0, str(third_party)),
        goal(
            f"Fernández-Huerta >= {MIN_SPANISH_EASE:.0f} on every Spanish page",
            not hard,
            ", ".join(hard) or "all",
        ),
        "Timings on a shared 2-core machine are noisy; the ratio is the figure to compare.",
    ]
    print_summary("editions", tables, notes)
    for view in views.values():
        view.pop("requests")
    save_results(
        "editions", {"machine": machine(), "build_seconds": times, "ratio": ratio, "first_views": views}
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
