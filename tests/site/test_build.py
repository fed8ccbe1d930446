"""The strict build: the real site passes, and each broken page fails it with one clear line.

Broken pages are tried on a tiny copy of the site (the real mkdocs.yml, overrides,
includes and data, with a nav of three pages) so each build takes under a second
and runs in its own temporary folder.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
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
        # MkDocs names the page; link_lines.py adds the line of the link.
        "broken-link",
        "about/page.md",
        page(GOOD_FRONT, "Some text.\n\nSee [the missing page](missing.md).\n"),
        "docs/about/page.md:13:",
        "'about/missing.md' is not found among documentation files",
    ),
    (
        "broken-reference-link",
        "about/page.md",
        page(GOOD_FRONT, "See [the missing page][gone].\n\n[gone]: missing.md\n"),
        "docs/about/page.md:13:",
        "'about/missing.md' is not found among documentation files",
    ),
    (
        "missing-anchor",
        "about/page.md",
        page(GOOD_FRONT, "See [nowhere](#nowhere).\n"),
        "docs/about/page.md:11:",
        "there is no such anchor",
    ),
    (
        # The Sources list goes into the page after Markdown; its anchors are still checked.
        "missing-source-anchor",
        "about/page.md",
        page(GOOD_FRONT, "See [the ninth source](../health/checked.md#source-9).\n"),
        "docs/about/page.md:11:",
        "does not contain an anchor '#source-9'",
    ),
    (
        "unknown-citation",
        "about/page.md",
        page(GOOD_FRONT + "sources: [E1]\n", "Cited [@E1] and [@E999].\n"),
        "docs/about/page.md:12:",
        "citation [@E999] is not in the sources register; check the key on the sources page",
    ),
    (
        "lower-case-citation",
        "about/page.md",
        page(GOOD_FRONT + "sources: [E1]\n", "Cited [@e1].\n"),
        "docs/about/page.md:12:",
        "citation [@e1] is not in the sources register; did you mean [@E1]?",
    ),
    (
        "citation-in-parentheses",
        "about/page.md",
        page(GOOD_FRONT + "sources: [E1]\n", "Cited [@E1].\n\nAnd again (@E1).\n"),
        "docs/about/page.md:14:",
        "(@E1) is not a citation; write [@E1]",
    ),
    (
        "citation-without-at",
        "about/page.md",
        page(GOOD_FRONT + "sources: [E1]\n", "Cited [@E1] and [E1].\n"),
        "docs/about/page.md:12:",
        "[E1] shows as plain text; to cite E1, write [@E1]",
    ),
    (
        "citation-without-brackets",
        "about/page.md",
        page(GOOD_FRONT + "sources: [E1]\n", "Cited [@E1] and @E1.\n"),
        "docs/about/page.md:12:",
        "@E1 is not a citation; write [@E1]",
    ),
    (
        "citation-with-a-page-number",
        "about/page.md",
        page(GOOD_FRONT + "sources: [E1]\n", "Cited [@E1] and [@E1, p. 4].\n"),
        "docs/about/page.md:12:",
        "[@E1, p. 4] is not a citation; write one key per citation",
    ),
    (
        "listed-source-never-cited",
        "about/page.md",
        page(GOOD_FRONT + "sources:\n  - E1\n  - E4\n", "Cited [@E1].\n"),
        "docs/about/page.md:7:",
        "source E4 is listed in 'sources' but never cited; cite it right after the fact",
    ),
    (
        "placeholder-left-in",
        "about/page.md",
        page(GOOD_FRONT, "Some text.\n\nTODO: Say where the evidence is limited.\n"),
        "docs/about/page.md:13:",
        'unfinished text "TODO: Say where the evidence is limited."; write it, then delete the word TODO',
    ),
    (
        "placeholder-left-in-a-box",
        "about/page.md",
        page(GOOD_FRONT, '!!! note "Limits"\n\n    Text, then a TODO.\n'),
        "docs/about/page.md:13:",
        "unfinished text",
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


def test_several_keys_in_one_citation_become_numbered_citations(tmp_path: Path) -> None:
    # The Pandoc and Zotero habit, [@E1, E4] or [@E4; @E1], is read as one citation per key.
    body = "Two sources [@E1, E4]. The other way round [@E4; @E1].\n"
    site = make_tiny_site(
        tmp_path, {**TINY_DOCS, "about/page.md": page(GOOD_FRONT + "sources: [E1, E4]\n", body)}
    )
    result = build_tiny(site, tmp_path / "out")
    assert result.returncode == 0, result.stdout
    built = (tmp_path / "out" / "about" / "page" / "index.html").read_text(encoding="utf-8")
    numbers = re.findall(r'<sup class="sdm-cite"><a href="#source-(\d)"', built)
    assert numbers == ["1", "2", "2", "1"]
    assert "[@" not in built


def test_links_footnotes_and_code_are_not_taken_for_citations(tmp_path: Path) -> None:
    body = (
        "Cited [@E1]. A footnote.[^1] A [link named E4](../index.md) and a reference [E1].\n\n"
        "Write `[@E9]` or `(@E9)`; mail editor@E1.example, and tick [x].\n\n"
        "```text\n[@NOPE] (@E1) [E1]\n```\n\n"
        "[^1]: A side remark.\n\n[E1]: ../index.md\n"
    )
    site = make_tiny_site(
        tmp_path, {**TINY_DOCS, "about/page.md": page(GOOD_FRONT + "sources: [E1]\n", body)}
    )
    result = build_tiny(site, tmp_path / "out")
    assert result.returncode == 0, result.stdout
    assert "WARNING" not in result.stdout


def test_citations_in_shared_text_count_as_cited(tmp_path: Path) -> None:
    # lmt-and-title-law.md cites CA1 and CA3: the page lists them and cites nothing itself.
    body = '--8<-- "lmt-and-title-law.md"\n'
    site = make_tiny_site(
        tmp_path, {**TINY_DOCS, "about/page.md": page(GOOD_FRONT + "sources: [CA1, CA3]\n", body)}
    )
    result = build_tiny(site, tmp_path / "out")
    assert result.returncode == 0, result.stdout
    assert "WARNING" not in result.stdout


def test_a_page_started_by_new_page_fails_until_each_placeholder_is_written(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    site = make_tiny_site(tmp_path / "site", TINY_DOCS)
    new_page = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "new_page.py"),
            "contributing",
            "Checking links",
            "--description",
            DESCRIPTION,
            "--sources",
            "E1",
            "--root",
            str(site),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Created docs/contributing/checking-links.md" in new_page.stdout
    created = site / "docs" / "contributing" / "checking-links.md"
    todo_lines = [n for n, text in enumerate(created.read_text().splitlines(), start=1) if "TODO" in text]
    assert len(todo_lines) == 4  # the template's four placeholder paragraphs

    result = mkdocs_build(site, tmp_path / "out")
    assert result.returncode == 1, result.stdout
    reported = re.findall(r"docs/contributing/checking-links\.md:(\d+): unfinished text", result.stdout)
    assert [int(line) for line in reported] == todo_lines
    assert (
        "docs/contributing/checking-links.md:5: source E1 is listed in 'sources' but never cited"
        in result.stdout
    )


def test_todo_in_shared_text_names_the_shared_file_and_line(tmp_path: Path) -> None:
    site = make_tiny_site(tmp_path, TINY_DOCS)
    (site / "includes" / "half-written.md").write_text(
        "A finished line.\n\nTODO: the rest.\n", encoding="utf-8"
    )
    result = build_tiny(site, tmp_path / "out")
    assert result.returncode == 1, result.stdout
    assert 'includes/half-written.md:3: unfinished text "TODO: the rest."' in result.stdout


def test_a_nav_entry_to_a_missing_page_names_the_line_of_mkdocs_yml(tmp_path: Path) -> None:
    site = make_tiny_site(tmp_path, TINY_DOCS)
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "      - A page: about/page.md\n", "      - A page: about/page.md\n      - Gone: about/gone.md\n"
    )
    config.write_text(text, encoding="utf-8")
    line = text.splitlines().index("      - Gone: about/gone.md") + 1
    result = build_tiny(site, tmp_path / "out")
    assert result.returncode == 1, result.stdout
    assert f"mkdocs.yml:{line}: A reference to 'about/gone.md' is included in the 'nav'" in result.stdout


def test_the_build_never_shows_the_preview_problem_banner(tmp_path: Path) -> None:
    broken = page(GOOD_FRONT + "sources: [E1]\n", "Unknown [@E999] and [a link](missing.md). TODO.\n")
    site = make_tiny_site(tmp_path, {**TINY_DOCS, "about/page.md": broken})
    result = build_tiny(site, tmp_path / "out")
    assert result.returncode == 1, result.stdout  # strict: the problems are in the terminal
    built = (tmp_path / "out" / "about" / "page" / "index.html").read_text(encoding="utf-8")
    assert "[@E999]" in built  # the page was written, with its problem
    assert "sdm-problems" not in built
