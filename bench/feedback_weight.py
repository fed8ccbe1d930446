"""What "Was this page helpful?" adds to a first view, in compressed bytes, and what answering costs.

Builds the real site, then, for three pages (an article, a research page, the FAQ),
compresses each page as `comments serve --site` sends it (gzip level 6) with and
without the feedback section and its inline loader (partials/feedback.html), and
the site's stylesheet with and without its feedback rules (from the
`"Was this page helpful?"` heading comment to the end of site.css), each minified as
the build ships it (the built site.css has no comments left to find). The difference
is what a first view pays; it makes no request of its own. feedback.js is listed
apart: it loads only when the reader answers.

Goal: at most 1.5 KB compressed added to an article's first view, no added request.

    .venv/bin/python bench/feedback_weight.py
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
from pathlib import Path

import rcssmin  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, build_real_site, goal, print_summary, save_results
from text_tables import table

PAGES = {
    "Article": "blog/medical-massage-in-san-diego/index.html",
    "Research page": "evidence/neck-pain/index.html",
    "FAQ": "faq/index.html",
}
# The section and the inline loader right after it, as partials/feedback.html writes them.
SECTION = re.compile(r'\s*<section class="sdm-feedback".*?</section>\s*<script>.*?</script>', re.DOTALL)
CSS_START = '/* -- "Was this page helpful?"'
SITE_CSS = ROOT / "overrides/assets/stylesheets/site.css"
GOAL_BYTES = 1536


def gzipped(text: str) -> int:
    return len(gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0))


def added(with_it: str, without: str) -> tuple[int, int, int]:
    """Compressed bytes with, without, and the difference."""
    return gzipped(with_it), gzipped(without), gzipped(with_it) - gzipped(without)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        build_real_site(site)
        script = (site / "assets/javascripts/feedback.js").read_text(encoding="utf-8")
        pages = {label: (site / path).read_text(encoding="utf-8") for label, path in PAGES.items()}
    css = SITE_CSS.read_text(encoding="utf-8")
    if CSS_START not in css:
        raise SystemExit(f"{SITE_CSS}: no {CSS_START!r} heading comment; where do the feedback rules start?")
    css_added = added(rcssmin.cssmin(css), rcssmin.cssmin(css[: css.index(CSS_START)]))
    rows: list[list[str | int]] = []
    totals: list[int] = []
    for label, html in pages.items():
        stripped, found = SECTION.subn("", html, count=1)
        if not found:
            raise SystemExit(f"{label}: no feedback section found")
        page_added = added(html, stripped)
        rows.append(
            [label, page_added[1], page_added[0], page_added[2], css_added[2], page_added[2] + css_added[2]]
        )
        totals.append(page_added[2] + css_added[2])
    article_total = totals[0]
    headers = ["Page", "Page gz without", "Page gz with", "Page +", "site.css +", "First view +"]
    tables = [
        table(
            "Bytes added to a first view (gzip level 6, as comments serve --site sends them)", headers, rows
        ),
        table(
            "Loaded only on the first answer",
            ["File", "Bytes", "Gzip bytes"],
            [["feedback.js", len(script.encode()), gzipped(script)]],
        ),
    ]
    notes = [
        goal("article first view", article_total <= GOAL_BYTES, f"+{article_total} B compressed, 0 requests")
    ]
    save_results("feedback_weight", {"rows": rows, "headers": headers, "feedback_js_gzip": gzipped(script)})
    print_summary("feedback_weight", tables, notes)
    return 0 if article_total <= GOAL_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
