"""Page weight: what a first view costs, against Material's defaults.

Builds the real site (both editions) and serves it with the real comments service
(`comments serve --site`), seeds each edition's article with 50 approved comments
through the API, then loads five pages in headless Chromium with a cold cache (a
fresh browser context each, 1280x900): the English home page, article and FAQ, and
the Spanish home page and article. For each page it records requests, bytes as
transferred and requests to any host other than 127.0.0.1/localhost, in three phases:

- first view: everything the page loads by itself (until the network is idle);
- comments on scroll: what loads once the comments section is scrolled into view
  (the widget is lazy: its style, script and the thread JSON wait until the reader
  comes near it); pages without comments are not scrolled. Scrolling also makes
  Material update the address (navigation.tracking), on which Chromium fetches
  the favicon again;
- search on open: what loads when search opens (pressing "/" focuses the search box),
  and the number of results for "massage" ("masaje" on Spanish pages).

Bytes as transferred: each response's headers and its body as sent (compressed),
what went over the wire. A copy revalidated with the server (a 304) counts its
headers only, not the cached body it stands for.

It prints a table per phase, both articles' first view by part (page, stylesheets,
scripts, fonts, sitemap, search index, comments widget, ...) against Material's
defaults, and every request of both articles (ours) with its phase, and writes
bench/results/page_weight.json.

The same docs are also built with Material's defaults (theme material, default
font, default search and blog plugins, no overrides, no hooks; the Spanish docs with
theme.language es into es/) and served by the same server, so compression is alike.
Chromium cannot reach other hosts here (every name but 127.0.0.1 and localhost fails
to resolve), so third-party requests are counted as attempted; the Google Fonts
stylesheet would also pull its font files when online.

Goal: each article's first view <= 80 KB (1 KB = 1024 bytes) and 0 third-party
requests (all phases, all pages).

    .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PYTHON,
    ROOT,
    VENV_BIN,
    build_real_site,
    free_port,
    goal,
    markdown_extensions_block,
    mkdocs_env,
    nav_section,
    print_summary,
    ratio,
    save_results,
)
from comment_texts import comment_text
from servers import Server
from text_tables import table

ARTICLE = "/blog/medical-massage-in-san-diego/"
THREAD = "articles/medical-massage-in-san-diego"
SPANISH = "es/"  # the Spanish edition's folder in the site, and its threads' prefix
# The pages measured: name -> (edition folder, page path in that edition).
PAGES = {
    "home": ("", "/"),
    "article": ("", ARTICLE),
    "faq": ("", "/faq/"),
    "es home": (SPANISH, "/"),
    "es article": (SPANISH, ARTICLE),
}
ARTICLES = ("article", "es article")
QUERY = {"": "massage", SPANISH: "masaje"}
COMMENTS = 50
GOAL_KB = 80.0
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def service_env(database: Path, **settings: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "COMMENTS_DATABASE_URL": f"sqlite:///{database}",
            "COMMENTS_SECRET_KEY": "bench-page-weight-secret-key-0123456789",
        }
    )
    env.update({f"COMMENTS_{key.upper()}": value for key, value in settings.items()})
    return env


def serve(site: Path, database: Path, port: int, name: str, **settings: str) -> Server:
    return Server(
        name,
        [
            str(VENV_BIN / "comments"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--site",
            str(site),
        ],
        f"http://127.0.0.1:{port}/api/health",
        env=service_env(database, **settings),
        cwd=database.parent,
    )


def seed(base: str, thread: str = THREAD) -> None:
    """50 approved comments on the article, 10 of them replies, through the JSON API."""

    def call(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        request = urllib.request.Request(
            base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer

    token = call("GET", f"/api/form-token?thread={quote(thread, safe='')}")["token"]
    ids: list[int] = []
    for n in range(COMMENTS):
        parent = ids[n % len(ids)] if n % 5 == 4 and ids else None
        posted = call(
            "POST",
            "/api/comments",
            {
                "thread": thread,
                "parent": parent,
                "name": f"Reader {n + 1}",
                "text": comment_text(f"article-{n}"),
                "website": "",
                "form_token": token,
            },
        )
        if posted["status"] != "approved":
            raise RuntimeError(f"seeded comment not approved: {posted}")
        if parent is None:
            ids.append(int(posted["comment"]["id"]))


def build_bare(work: Path) -> Path:
    """The same docs with Material's defaults: default font and search, blog plugin defaults;
    the English docs into site-material/, the Spanish ones (theme.language es) into its es/."""
    out = work / "site-material"
    spanish = (ROOT / "es" / "mkdocs.yml").read_text(encoding="utf-8")
    english_extensions = markdown_extensions_block()
    # Shared text from es/includes/ first, then includes/, as es/mkdocs.yml has it.
    spanish_extensions = english_extensions.replace(
        "base_path: [includes]", f"base_path: [{ROOT / 'es' / 'includes'}, {ROOT / 'includes'}]"
    )
    editions = [
        ("", "Medical Massage San Diego", "en", ROOT / "docs", english_extensions + nav_section()),
        (SPANISH, "Masaje médico en San Diego", "es", ROOT / "es" / "docs",
         spanish_extensions + nav_section(spanish)),
    ]  # fmt: skip
    for folder, name, language, docs, rest in editions:
        config = work / f"mkdocs-material-defaults-{language}.yml"
        config.write_text(
            f"site_name: {name}\nsite_url: http://127.0.0.1:8000/{folder}\ndocs_dir: {docs}\n"
            f"theme:\n  name: material\n  language: {language}\n"
            "plugins:\n  - search\n  - blog\n" + rest,
            encoding="utf-8",
        )
        # cwd=ROOT: pymdownx.snippets finds includes/ relative to the working directory.
        subprocess.run(
            [PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out / folder)],
            cwd=ROOT,
            env=mkdocs_env(),
            check=True,
            stderr=subprocess.DEVNULL,
        )
    return out


def article_path(site: Path) -> str:
    """Material's default post URL has the date in it; find the article wherever it went."""
    slug = ARTICLE.strip("/").split("/")[-1]
    found = sorted(site.glob(f"blog/**/{slug}/index.html"))
    if not found:
        raise RuntimeError(f"{slug} not found in {site}")
    return "/" + found[0].parent.relative_to(site).as_posix() + "/"


WIDGET = re.compile(r"/api/comments\?|comments\.(js|css)$")
PHASES = ("first", "comments", "search")


def record_requests(context: Any, phase: dict[str, str]) -> dict[Any, dict[str, Any]]:
    """Every request of the context from now on, with its phase, bytes and host."""
    records: dict[Any, dict[str, Any]] = {}

    def on_request(request: Any) -> None:
        if request.url.startswith(("data:", "blob:")):
            return
        records[request] = {
            "url": request.url,
            "type": request.resource_type,
            "phase": phase["now"],
            "third_party": urlsplit(request.url).hostname not in LOCAL_HOSTS,
            "bytes": 0,
            "failed": None,
        }

    def on_finished(request: Any) -> None:
        if request in records:
            records[request]["bytes"] = transferred(request)

    def on_failed(request: Any) -> None:
        if request in records:
            records[request]["failed"] = request.failure

    context.on("request", on_request)
    context.on("requestfinished", on_finished)
    context.on("requestfailed", on_failed)
    return records


CONDITIONAL = ("if-none-match", "if-modified-since")


def transferred(request: Any) -> int:
    """What went over the wire for `request`'s response: its headers and its body as sent.

    Chromium reports a worker's own script without its body; the declared (compressed)
    length fills that in. A revalidated copy has no body either, and must not get one:
    Chromium shows the 304 as the cached 200 (its headers, its Content-Length), but the
    request carried the cache's validators, and only the 304's headers came back."""
    sizes = request.sizes()
    body, headers = int(sizes["responseBodySize"]), int(sizes["responseHeadersSize"])
    if body:
        return body + headers
    if any(name in request.all_headers() for name in CONDITIONAL):
        return headers
    response = request.response()
    declared = int(response.headers.get("content-length", 0) or 0) if response else 0
    return declared + headers


def scroll_to_comments(page: Any) -> int | None:
    """Scroll the comments into view; how many comments the widget shows (None: no comments)."""
    section = page.locator("#comments.sdm-comments")
    if not section.count():
        return None
    section.scroll_into_view_if_needed()
    page.locator(".sdm-comments[data-mounted] .sdm-thread > *").first.wait_for(timeout=15_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    return int(page.locator("article.sdm-comment").count())


def open_search(page: Any, query: str) -> tuple[bool, int]:
    """Press "/" (Material's shortcut), type `query`: whether the box had focus, and the results."""
    page.keyboard.press("/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # the index arrives, the worker loads the real search code
    searchable = page.evaluate(
        "() => { const q = document.querySelector('[data-md-component=search-query]');"
        " return !!q && document.activeElement === q; }"
    )
    page.keyboard.type(query)
    page.wait_for_timeout(1000)
    results = page.evaluate("() => document.querySelectorAll('.md-search-result__item').length")
    return bool(searchable), int(results)


def phase_summary(items: list[dict[str, Any]], phase_name: str) -> dict[str, Any]:
    chosen = [r for r in items if r["phase"] == phase_name]
    return {
        "requests": len(chosen),
        "bytes": sum(r["bytes"] for r in chosen),
        "third_party": sum(r["third_party"] for r in chosen),
        "failed": sum(r["failed"] is not None for r in chosen),
        "widget_bytes": sum(r["bytes"] for r in chosen if WIDGET.search(r["url"])),
    }


def measure_page(browser: Any, url: str, query: str = "massage") -> dict[str, Any]:
    """One cold-cache view of `url`, then scroll to the comments, then open search;
    every request with its bytes and phase."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    phase = {"now": "first"}
    records = record_requests(context, phase)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # late requests: the search worker
    phase["now"] = "comments"
    comments_shown = scroll_to_comments(page)
    phase["now"] = "search"
    searchable, results = open_search(page, query)
    context.close()
    items = list(records.values())
    return {
        "url": url,
        **{name: phase_summary(items, name) for name in PHASES},
        "comments_shown": comments_shown,
        "search_focused": searchable,
        "search_results": results,
        "requests": items,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.parse_args()  # no options; --help prints what the benchmark measures
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench-weight-"))
    results: dict[str, Any] = {"goal_kb": GOAL_KB, "comments_on_article": COMMENTS}
    try:
        print("Building the site and the Material-defaults site (both editions each)", flush=True)
        ours_site = work / "site"
        build_real_site(ours_site)
        bare_site = build_bare(work)
        ours_db, bare_db = work / "ours.sqlite3", work / "material.sqlite3"
        seed_articles(ours_site, ours_db)
        pages = {name: (f"/{folder}{path.lstrip('/')}", bare_path(bare_site, folder, path))
                 for name, (folder, path) in PAGES.items()}  # fmt: skip
        measure_all(results, pages, (ours_site, ours_db), (bare_site, bare_db))
        results["elapsed_seconds"] = time.perf_counter() - started
        tables = summary_tables(results, list(pages))
        notes = summary_notes(results, list(pages))
        save_results("page_weight", results)
        print_summary("page_weight", tables, notes)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def bare_path(bare_site: Path, folder: str, path: str) -> str:
    """The page's address in the Material-defaults site (its posts' URLs have the date in them)."""
    found = article_path(bare_site / folder) if path == ARTICLE else path
    return f"/{folder}{found.lstrip('/')}"


def seed_articles(site: Path, database: Path) -> None:
    port = free_port()
    with serve(site, database, port, "weight-seed", moderation="none", rate_per_minute="0", rate_per_hour="0",
               min_submit_seconds="0", form_token_max_posts="0"):  # fmt: skip
        for folder in dict.fromkeys(folder for folder, _ in PAGES.values()):
            seed(f"http://127.0.0.1:{port}", folder + THREAD)
    print(f"Seeded {COMMENTS} approved comments on {ARTICLE} of each edition", flush=True)


def measure_all(
    results: dict[str, Any],
    pages: dict[str, tuple[str, str]],
    ours: tuple[Path, Path],
    bare: tuple[Path, Path],
) -> None:
    """Each page, ours then Material's defaults, each in a fresh browser context."""
    from playwright.sync_api import sync_playwright

    ours_port, bare_port = free_port(), free_port()
    # Production settings for the measured server (moderation on, default limits).
    with (
        serve(*ours, ours_port, "weight-ours"),
        serve(*bare, bare_port, "weight-material"),
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, (ours_path, bare_path) in pages.items():
                query = QUERY[PAGES[name][0]]
                for label, port, path in (("ours", ours_port, ours_path), ("material", bare_port, bare_path)):
                    measured = measure_page(browser, f"http://127.0.0.1:{port}{path}", query)
                    results.setdefault(name, {})[label] = measured
                    show(name, label, measured)
        finally:
            browser.close()


def show(name: str, label: str, measured: dict[str, Any]) -> None:
    first, comments, search = (measured[phase] for phase in PHASES)
    print(
        f"  {name:10s} {label:9s} first view {first['requests']:3d} requests "
        f"{first['bytes'] / 1024:7.1f} KB, third-party {first['third_party']}; "
        f"comments on scroll: +{comments['requests']} requests "
        f"{comments['bytes'] / 1024:.1f} KB; "
        f"search opens: +{search['requests']} requests {search['bytes'] / 1024:.1f} KB "
        f"({measured['search_results']} results)",
        flush=True,
    )


def phase_rows(results: dict[str, Any], pages: list[str]) -> tuple[list[Any], list[Any], list[Any]]:
    rows, comment_rows, search_rows = [], [], []
    for name in pages:
        ours, bare = results[name]["ours"], results[name]["material"]
        first, bare_first = ours["first"], bare["first"]
        rows.append(
            [name, first["requests"], bare_first["requests"], first["bytes"] / 1024,
             bare_first["bytes"] / 1024, ratio(first["bytes"], bare_first["bytes"]), first["third_party"],
             bare_first["third_party"]]
        )  # fmt: skip
        comment_rows.append(
            [name, ours["comments"]["requests"], ours["comments"]["bytes"] / 1024,
             ours["comments"]["widget_bytes"] / 1024,
             ours["comments_shown"] if ours["comments_shown"] is not None else "-",
             first["widget_bytes"] / 1024]
        )  # fmt: skip
        search_rows.append(
            [name, ours["search"]["requests"], ours["search"]["bytes"] / 1024, bare["search"]["requests"],
             bare["search"]["bytes"] / 1024, ours["search_results"], bare["search_results"]]
        )  # fmt: skip
    return rows, comment_rows, search_rows


# A first view's parts, by address, then by Chromium's resource type.
PARTS = (
    ("sitemap", re.compile(r"/sitemap\.xml$")),
    ("search index", re.compile(r"/search/search_index\.json$")),
    ("search worker", re.compile(r"/workers/")),
    ("comments widget", WIDGET),
    ("fonts", re.compile(r"\.(woff2?|ttf|otf)$|^fonts\.googleapis\.com/")),
)
TYPES = {"document": "page (HTML)", "stylesheet": "stylesheets", "script": "scripts", "font": "fonts"}


def part(record: dict[str, Any]) -> str:
    address = urlsplit(record["url"])
    seen = (address.path, f"{address.path}?{address.query}", f"{address.hostname}{address.path}")
    for name, pattern in PARTS:
        if any(pattern.search(text) for text in seen):
            return name
    if record["type"] in TYPES:
        return TYPES[record["type"]]
    return "images" if record["type"] == "image" or address.path.endswith(".svg") else record["type"]


def parts(requests: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """(requests, bytes) of each part of a first view."""
    found: dict[str, tuple[int, int]] = {}
    for record in requests:
        if record["phase"] == "first":
            count, size = found.get(part(record), (0, 0))
            found[part(record)] = (count + 1, size + record["bytes"])
    return found


def parts_table(results: dict[str, Any]) -> str:
    """Both articles' first view by part, ours against Material's defaults."""
    columns = [(name, label) for name in ARTICLES for label in ("ours", "material")]
    found = {column: parts(results[column[0]][column[1]]["requests"]) for column in columns}
    names = sorted({name for each in found.values() for name in each},
                   key=lambda name: -max(each.get(name, (0, 0))[1] for each in found.values()))  # fmt: skip
    rows = [
        [name]
        + [f"{found[c].get(name, (0, 0))[1] / 1024:.2f} ({found[c].get(name, (0, 0))[0]})" for c in columns]
        for name in names
    ]
    totals = [sum(size for _, size in found[c].values()) / 1024 for c in columns]
    rows.append(["total"] + [f"{total:.2f}" for total in totals])
    return table(
        "Articles' first view by part, KB transferred (requests); material = Material's defaults",
        ["part"] + [f"{name} {label}" for name, label in columns],
        rows,
    )


def summary_tables(results: dict[str, Any], pages: list[str]) -> list[str]:
    rows, comment_rows, search_rows = phase_rows(results, pages)
    every = [
        [name, r["phase"], r["type"], r["bytes"] / 1024, urlsplit(r["url"]).path]
        for name in ARTICLES
        for phase_name in PHASES
        for r in sorted((r for r in results[name]["ours"]["requests"] if r["phase"] == phase_name),
                        key=lambda r: -r["bytes"])
    ]  # fmt: skip
    return [
        table(
            "First view, cold cache (KB transferred: headers and compressed bodies, a 304 its headers "
            "only; ours = this site, material = same docs with Material's defaults)",
            ["page", "ours req", "mat req", "ours KB", "mat KB", "KB ratio", "ours 3rd", "mat 3rd"],
            rows,
        ),
        table(
            "Loaded only when the comments section is scrolled into view (ours; widget = thread "
            "JSON, comments.js, comments.css; the rest is Chromium fetching the favicon again "
            "when Material updates the address on scroll)",
            ["page", "+req", "+KB", "widget KB", "comments shown", "widget KB in first view"],
            comment_rows,
        ),
        table(
            "Loaded only when search opens (press '/'), and results for 'massage' ('masaje' in Spanish)",
            ["page", "ours +req", "ours +KB", "mat +req", "mat +KB", "ours hits", "mat hits"],
            search_rows,
        ),
        parts_table(results),
        table(
            "Articles, every request (ours; first view, comments on scroll, search on open)",
            ["article", "phase", "type", "KB", "path"],
            every,
        ),
    ]


def summary_notes(results: dict[str, Any], pages: list[str]) -> list[str]:
    third = sum(results[name]["ours"][phase]["third_party"] for name in pages for phase in PHASES)
    notes = []
    for name in ARTICLES:
        ours = results[name]["ours"]
        first, scroll = ours["first"], ours["comments"]
        results[f"{name} comments_widget_bytes"] = {
            "first": first["widget_bytes"],
            "on_scroll": scroll["widget_bytes"],
        }
        notes += [
            goal(
                f"{name} first view <= {GOAL_KB:.0f} KB",
                first["bytes"] / 1024 <= GOAL_KB,
                f"{first['bytes'] / 1024:.1f} KB in {first['requests']} requests "
                f"(Material's defaults: {results[name]['material']['first']['bytes'] / 1024:.1f} KB)",
            ),
            f"  of which the comments widget (thread, comments.js, comments.css): "
            f"{first['widget_bytes'] / 1024:.1f} KB; it loads on scroll: "
            f"+{scroll['widget_bytes'] / 1024:.1f} KB for {ours['comments_shown']} comments "
            f"({scroll['requests']} requests, {scroll['bytes'] / 1024:.1f} KB in all)",
        ]  # fmt: skip
    return [
        *notes,
        goal("0 third-party requests (all pages, comments and search included)", third == 0, f"{third}"),
        "Material's defaults: third-party requests are attempts (no network here); online, the Google "
        "Fonts stylesheet also loads the font files.",
        f"Total time of this benchmark: {results['elapsed_seconds']:.0f} s.",
    ]


if __name__ == "__main__":
    sys.exit(main())
