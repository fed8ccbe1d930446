"""Save to preview: how long after an editor saves a page the browser shows the change.

Starts `mkdocs serve` the way `make preview` does (the project's mkdocs.yml, which
watches docs/, data/, includes/ and overrides/) on a copy of the project, opens a
page in headless Chromium, then saves an edit to that page's Markdown again and
again, and times each save until the open page shows the new text (MkDocs' live
reload rebuilds, then tells the page to reload itself). Between edits it waits a
random 0.6 to 1.6 s, so the saves fall anywhere in MkDocs' file-polling cycle.

Two sites: the real one (41 pages), and the 1,000-page site bench/build.py
generates. Two modes: `--dirty`, which `make preview` uses (only the saved page is
rebuilt; a change to data/, includes/, overrides/ or mkdocs.yml still rebuilds
everything, see overrides/hooks/preview.py), and a full rebuild per save (plain
`mkdocs serve`). Also an edit of data/sources.yml on the real site in --dirty mode
(a shared file: a full rebuild).

Saves timed (sized so the benchmark fits `make bench`'s 5 minutes on a quiet machine):
the real site --dirty, the goal's figure, --edits (10); the real site's full rebuild
--edits/2 (5) and its data/sources.yml edit 3; the 1,000-page site --dirty --edits/2 (5).
A full rebuild of the 1,000-page site per save (bench/build.py times that build, at
20 s or more, plus the reload) took 30 minutes on a loaded machine: only with
--generated-full (3 saves).

The time splits into: noticing the save (MkDocs polls the files every 0.5 s, then
waits 0.1 s for more changes), the rebuild (MkDocs' "Documentation built in" line,
plus reading the configuration again), and the browser's reload.

Goal: a median of at most 1.5 s on the real site.

    .venv/bin/python bench/preview_latency.py [--edits 10] [--pages 1000] [--only real] [--generated-full]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    VENV_BIN,
    free_port,
    goal,
    median,
    mkdocs_env,
    percentile,
    print_summary,
    save_results,
)
from servers import Server
from text_tables import table

GOAL_SECONDS = 1.5
PROJECT_PARTS = ("docs", "overrides", "includes", "data", "mkdocs.yml")
REAL_PAGE = ("docs/evidence/neck-pain.md", "evidence/neck-pain/")
BUILT = re.compile(r"Documentation built in ([0-9.]+) seconds")


@dataclass
class Sample:
    seconds: float  # save to the new text on screen
    build: float | None  # MkDocs' own figure for the rebuild, when it printed one


def copy_real_site(where: Path) -> Path:
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, where / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, where / part)
    return where


def generated_site(where: Path, pages: int) -> tuple[Path, str, str]:
    """bench/build.py's generated site; returns the project, one page's file and its URL path."""
    from build_configs import write_project
    from synthetic_site import generate

    spec = generate(pages)
    for path, text in spec.files.items():
        spec.files[path] = _cited_sources_only(text)
    write_project(spec, where)
    page = next(path for path in spec.files if path.endswith("page-05.md"))
    return where, f"docs/{page}", page.removesuffix(".md") + "/"


def _cited_sources_only(text: str) -> str:
    """The generator lists five sources a page and cites some; the build refuses a listed
    source that is never cited, so keep only the cited ones."""
    front, _, body = text.partition("\n---\n")
    cited = set(re.findall(r"\[@([A-Za-z0-9]+)\]", body))

    def keep(match: re.Match[str]) -> str:
        items = [line for line in match.group(2).splitlines(keepends=True) if line[2:].strip() in cited]
        return match.group(1) + "".join(items)

    front = re.sub(r"(?m)^(sources:\n)((?:- .*\n?)+)", keep, front + "\n").rstrip("\n")
    return f"{front}\n---\n{body}"


@contextmanager
def preview(project: Path, dirty: bool, timeout: float) -> Iterator[tuple[str, Path]]:
    """`mkdocs serve` on a free port; yields its address and its log file."""
    port = free_port()
    argv = [str(VENV_BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"]
    log = project / f"serve-{'dirty' if dirty else 'full'}.log"
    base = f"http://127.0.0.1:{port}/"
    with Server("preview", argv + (["--dirty"] if dirty else []), base, mkdocs_env(), project, log, timeout):
        yield base, log


def time_edits(
    browser: Any, url: str, log: Path, edit: Callable[[str], object], edits: int, seed: int
) -> list[Sample]:
    """Save `edits` changes with `edit(word)`; time each until the open page shows the word."""
    from playwright.sync_api import Error

    page = browser.new_page()
    page.goto(url)
    rng = random.Random(seed)
    samples: list[Sample] = []
    for number in range(edits):
        time.sleep(rng.uniform(0.6, 1.6))
        word = f"probe{seed}x{number}x{rng.randrange(10**6)}"
        builds_before = len(BUILT.findall(log.read_text(errors="replace")))
        edit(word)
        saved = time.perf_counter()
        deadline = saved + 300
        while True:
            try:
                if page.evaluate("word => document.body.textContent.includes(word)", word):
                    break
            except Error:  # the page is reloading
                pass
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{url} never showed the edit {word}")
            time.sleep(0.005)
        seconds = time.perf_counter() - saved
        # MkDocs prints a "built in" line only when its text differs from every earlier one.
        built = [float(s) for s in BUILT.findall(log.read_text(errors="replace"))[builds_before:]]
        samples.append(Sample(seconds, sum(built) if built else None))
        rebuild = f"rebuild {sum(built):.2f} s" if built else "rebuild time not printed"
        print(f"  edit {number + 1}: {seconds:.2f} s ({rebuild})", flush=True)
    page.close()
    return samples


def page_edit(path: Path) -> Callable[[str], object]:
    """Save the page with a new last paragraph, as an editor's text editor would."""
    original = path.read_text(encoding="utf-8")
    return lambda word: path.write_text(f"{original}\nA sentence to preview, {word}.\n", encoding="utf-8")


def register_edit(project: Path, key: str) -> Callable[[str], object]:
    """Change one source's title in data/sources.yml (the page lists it under Sources)."""
    path = project / "data" / "sources.yml"
    original = path.read_text(encoding="utf-8")
    match = re.search(rf"(?m)^  {re.escape(key)}:\n(?:    .*\n)*?    title: (.*)\n", original)
    assert match, key
    start, end = match.span(1)
    return lambda word: path.write_text(
        original[:start] + f"{word} {match.group(1)}" + original[end:], encoding="utf-8"
    )


def summarise(name: str, samples: list[Sample]) -> list[Any]:
    seconds = [s.seconds for s in samples]
    return [
        name,
        len(samples),
        median(seconds),
        percentile(seconds, 90),
        max(seconds),
        median([s.build for s in samples if s.build is not None]),
    ]


def run_site(
    browser: Any,
    label: str,
    project: Path,
    page: tuple[str, str],
    edits: dict[bool, int],
    register: tuple[str, int] | None,
) -> tuple[list[list[Any]], dict[str, Any]]:
    """Time `edits[dirty]` saves of the page in each mode asked for (--dirty: True), and in
    --dirty mode `register` = (key, saves) edits of data/sources.yml."""
    rows: list[list[Any]] = []
    figures: dict[str, Any] = {}
    timeout = 900.0
    for dirty, saves in edits.items():
        mode = "--dirty (make preview)" if dirty else "full rebuild"
        print(f"{label}, {mode}", flush=True)
        with preview(project, dirty, timeout) as (base, log):
            url = base + page[1]
            samples = time_edits(browser, url, log, page_edit(project / page[0]), saves, seed=1 + dirty)
            rows.append(summarise(f"{label}: edit the page, {mode}", samples))
            figures[f"page, {mode}"] = [vars(s) for s in samples]
            if dirty and register:
                print(f"{label}, {mode}: edit data/sources.yml", flush=True)
                samples = time_edits(
                    browser, url, log, register_edit(project, register[0]), register[1], seed=7
                )
                rows.append(summarise(f"{label}: edit data/sources.yml, {mode}", samples))
                figures[f"register, {mode}"] = [vars(s) for s in samples]
    return rows, figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--edits", type=int, default=10, help="saves timed per site and mode")
    parser.add_argument("--pages", type=int, default=1000, help="pages of the generated site")
    parser.add_argument("--only", choices=["real", "generated"], help="one site only")
    parser.add_argument(
        "--generated-full", action="store_true", help="also full rebuilds of the generated site (slow)"
    )
    args = parser.parse_args()
    half = max(3, args.edits // 2)
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    rows: list[list[Any]] = []
    results: dict[str, Any] = {"goal_seconds": GOAL_SECONDS}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            if args.only != "generated":
                project = copy_real_site(work / "real")
                edits = {True: args.edits, False: half}
                found, results["real"] = run_site(browser, "real site", project, REAL_PAGE, edits, ("E10", 3))
                rows += found
            if args.only != "real":
                project, page, url = generated_site(work / "generated", args.pages)
                label = f"{args.pages:,} pages"
                edits = {True: half, **({False: 3} if args.generated_full else {})}
                found, results["generated"] = run_site(browser, label, project, (page, url), edits, None)
                rows += found
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    save_results("preview_latency", results)
    headers = ["what", "saves", "median s", "p90 s", "max s", "rebuild s (median)"]
    notes = []
    real = [row for row in rows if row[0].startswith("real site: edit the page, --dirty")]
    if real:
        notes.append(
            goal(
                "Save to preview on the real site (make preview)",
                real[0][2] <= GOAL_SECONDS,
                f"{real[0][2]:.2f} s",
            )
        )
    print_summary("preview_latency", [table("Save to preview (seconds)", headers, rows)], notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
