"""The strict build: the real site passes, and each broken page fails it with one clear line.

Broken pages are tried on a tiny copy of the site (the real mkdocs.yml, overrides,
includes and data, with a nav of three pages) so each build takes under a second
and runs in its own temporary folder.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.site.conftest import mkdocs_build
from tests.site.pages import ROOT

TINY_NAV = """
nav:
  - Home: index.md
  - About:
      - A page: about/page.md
  - Health:
      - Checked page: health/checked.md
  - Articles:
      - blog/index.md
"""

DESCRIPTION = "A small page of the test site, long enough to meet the description rule."
# The day the tiny site is built on (REVIEW_TODAY): a month after its pages were reviewed.
TINY_TODAY = dt.date(2026, 12, 1)
GOOD_FRONT = f'title: A page\ndescription: "{DESCRIPTION}"\nlast_reviewed: 2026-11-01\n'


def page(front: str, body: str = "Some plain text.\n") -> str:
    return f"---\n{front}---\n\n# A page\n\n## A section\n\n{body}"


# Pages of the tiny site that builds cleanly; a case replaces or adds one file.
TINY_DOCS = {
    "index.md": page(
        GOOD_FRONT + "health: true\nsources: [E1, E4]\n",
        "Massage may help some people for a while [@E1]. Effects fade [@E4].\n\n"
        "See [a page](about/page.md#a-section) and [its first source](health/checked.md#source-1).\n",
    ),
    "about/page.md": page(GOOD_FRONT),
    "health/.meta.yml": "health: true\n",
    "health/checked.md": page(GOOD_FRONT + "sources: [E1, E4]\n", "Cited [@E1] and [@E4].\n"),
    "blog/index.md": page(GOOD_FRONT.replace("A page", "Articles")),
    "blog/posts/.meta.yml": "comments: true\n",
}


def make_tiny_site(root: Path, docs: dict[str, str]) -> Path:
    """A copy of the site's configuration with the given docs/; returns its folder."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    # Keep everything (hooks, theme, plugins, extensions), replace only the nav.
    root.joinpath("mkdocs.yml").write_text(config[: config.index("\nnav:\n")] + TINY_NAV, encoding="utf-8")
    for folder in ("overrides", "includes", "data"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for relative, text in docs.items():
        target = root / "docs" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def future() -> str:
    return (TINY_TODAY + dt.timedelta(days=40)).isoformat()


def build_tiny(site: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return mkdocs_build(site, out, today=TINY_TODAY.isoformat())


# (case, file written, its text, where the line must point, phrase of the reason)
BROKEN = [
    (
        "missing-title",
        "about/page.md",
        page(GOOD_FRONT.replace("title: A page\n", "")),
        "docs/about/page.md:1:",
        "'title' is missing",
    ),
    (
        "description-too-short",
        "about/page.md",
        page(GOOD_FRONT.replace(DESCRIPTION, "Too short.")),
        "docs/about/page.md:3:",
        "'description' is 10 characters long",
    ),
    (
        "description-too-long",
        "about/page.md",
        page(GOOD_FRONT.replace(DESCRIPTION, DESCRIPTION * 3)),
        "docs/about/page.md:3:",
        "characters long; write 50–160 characters",
    ),
    (
        "unknown-source-key",
        "about/page.md",
        page(GOOD_FRONT + "sources: [E1, NOPE9]\n", "Cited [@E1].\n"),
        "docs/about/page.md:5:",
        "unknown source key 'NOPE9'",
    ),
    (
        "future-review-date",
        "about/page.md",
        page(GOOD_FRONT.replace("2026-11-01", future())),
        "docs/about/page.md:4:",
        "a date in the future",
    ),
    (
        "impossible-month",
        "about/page.md",
        page(GOOD_FRONT.replace("2026-11-01", "2026-13-01")),
        "docs/about/page.md:4:",
        "impossible date",
    ),
    (
        "day-first-date",
        "about/page.md",
        page(GOOD_FRONT.replace("2026-11-01", "26/11/2026")),
        "docs/about/page.md:4:",
        "not a date; write it as YYYY-MM-DD",
    ),
    (
        "unknown-field",
        "about/page.md",
        page(GOOD_FRONT + "colour: blue\n"),
        "docs/about/page.md:5:",
        "unknown front-matter field 'colour'",
    ),
    (
        "invalid-yaml",
        "about/page.md",
        page(GOOD_FRONT.replace("title: A page", "title: [A page")),
        "docs/about/page.md:3:",
        "front matter is not valid YAML",
    ),
    (
        # Folder defaults fill the page's meta even when its own front matter is lost.
        "invalid-yaml-in-health-folder",
        "health/checked.md",
        page(GOOD_FRONT.replace("title: A page", "title: [A page")),
        "docs/health/checked.md:3:",
        "front matter is not valid YAML",
    ),
    (
        "citation-not-in-sources",
        "about/page.md",
        page(GOOD_FRONT + "sources: [E1]\n", "Cited [@E1] and [@E4].\n"),
        "docs/about/page.md:12:",
        "citation [@E4] is not in this page's 'sources'",
    ),
    (
        # Shared text brings its citations; the page must list their sources.
        "shared-text-cites-a-source-the-page-does-not-list",
        "about/page.md",
        page(GOOD_FRONT + "sources: [E1]\n", 'Cited [@E1].\n\n--8<-- "lmt-and-title-law.md"\n'),
        "docs/about/page.md:14:",
        "shared text 'lmt-and-title-law.md' cites [@CA3]; add CA3 to this page's 'sources' (line 5)",
    ),
    (
        "broken-link",
        "about/page.md",
        page(GOOD_FRONT, "See [the missing page](missing.md).\n"),
        "'about/page.md'",
        "'about/missing.md' is not found among documentation files",
    ),
    (
        "missing-anchor",
        "about/page.md",
        page(GOOD_FRONT, "See [nowhere](#nowhere).\n"),
        "'about/page.md'",
        "there is no such anchor",
    ),
    (
        # The Sources list goes into the page after Markdown; its anchors are still checked.
        "missing-source-anchor",
        "about/page.md",
        page(GOOD_FRONT, "See [the ninth source](../health/checked.md#source-9).\n"),
        "'about/page.md'",
        "does not contain an anchor '#source-9'",
    ),
    (
        "page-not-in-nav",
        "about/orphan.md",
        page(GOOD_FRONT),
        "docs/about/orphan.md:1:",
        "not in the nav",
    ),
    (
        # Grade C (commentary) may report a view, never state a health fact.
        "commentary-stated-as-fact",
        "health/checked.md",
        page(
            GOOD_FRONT + "sources: [E1, C1]\n",
            "Massage helps some people [@E1]. Extra water does nothing [@C1].\n",
        ),
        "docs/health/checked.md:12:",
        "[@C1] is grade C (commentary): say whose view it is",
    ),
    (
        "health-section-without-grade-a",
        "health/checked.md",
        page(GOOD_FRONT + "sources: [C2]\n", "Drinking water after massage is optional [@C2].\n"),
        "docs/health/checked.md:10:",
        "section 'A section' cites no grade A source (C2 (B))",
    ),
    (
        "health-page-without-sources",
        "health/checked.md",
        page(GOOD_FRONT),
        "docs/health/checked.md:",
        "health pages must list their 'sources'",
    ),
]


def test_real_site_builds_strictly(built_site: Path) -> None:
    # The fixture fails with the build's output if `mkdocs build --strict` fails.
    assert (built_site / "index.html").is_file()
    assert (built_site / "sitemap.xml").is_file()


def test_no_placeholder_of_the_hooks_is_left_in_any_page(built_pages: list[Path]) -> None:
    # overrides/hooks/_slots.py: tokens of private-use characters stand in for HTML.
    left = [str(page) for page in built_pages if "\ue000" in page.read_text(encoding="utf-8")]
    assert left == []


def test_tiny_site_builds_cleanly_before_any_page_is_broken(tmp_path: Path) -> None:
    site = make_tiny_site(tmp_path, TINY_DOCS)
    result = build_tiny(site, tmp_path / "out")
    assert result.returncode == 0, result.stdout
    assert "WARNING" not in result.stdout


def test_a_handbook_page_needs_no_nav_entry(tmp_path: Path) -> None:
    # mkdocs.yml's not_in_nav publishes docs/contributing/ outside the nav, on purpose.
    site = make_tiny_site(tmp_path, {**TINY_DOCS, "contributing/new-guide.md": page(GOOD_FRONT)})
    result = mkdocs_build(site, tmp_path / "out")
    assert result.returncode == 0, result.stdout
    assert "WARNING" not in result.stdout
    assert (tmp_path / "out" / "contributing" / "new-guide" / "index.html").is_file()


@pytest.mark.parametrize(
    ("written", "text", "where", "reason"),
    [pytest.param(*case[1:], id=case[0]) for case in BROKEN],
)
def test_strict_build_names_file_and_reason_on_one_line(
    tmp_path: Path, written: str, text: str, where: str, reason: str
) -> None:
    site = make_tiny_site(tmp_path, {**TINY_DOCS, written: text})
    result = build_tiny(site, tmp_path / "out")
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stdout, result.stdout
    assert any(where in line and reason in line for line in result.stdout.splitlines()), result.stdout
