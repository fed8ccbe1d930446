"""Linters on the content and the built HTML: markdownlint, cspell, the Nu HTML checker.

The tools come from node_modules (npm ci) and Java; configurations are in the repo
root (.markdownlint-cli2.yaml, cspell.config.yaml, project-words.txt).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.site.pages import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PROJECT_WORDS = ROOT / "project-words.txt"

# Errors the Nu checker reports in markup Material itself emits (we only extend its
# blocks, so we cannot change these): (message regex, extract regex, why it is ignored).
MATERIAL_MARKUP = [
    (
        r"^Attribute “autocomplete” is only allowed when the input type is",
        r'type="checkbox" id="__(drawer|search)" autocomplete="off"',
        "Material's drawer/search toggles are checkboxes with autocomplete=off so Firefox "
        "does not restore their state on back navigation",
    ),
    (
        r"^Bad value “” for attribute “tabindex” on element “label”",
        r'<label class="md-nav__link[^"]*" for="__nav_[\d_]+" id="__nav_[\d_]+_label" tabindex="">',
        "Material's nav template writes an empty tabindex on section labels (navigation.sections)",
    ),
    (
        r"^The value of the “for” attribute of the “label” element must be the ID of a non-hidden",
        r'for="__(nav_[\d_]+|toc)"',
        "Material's nav labels point at its CSS-only toggles (hidden checkboxes), which the checker "
        "does not count; the toc toggle is left out when the page hides the toc",
    ),
]

# A page with one real error, checked in the same run, so a broken ignore list or a
# checker that silently reports nothing fails the test.
CANARY = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>canary</title></head>
<body><p id="twice">a</p><p id="twice">b</p></body></html>
"""


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def needs(path: Path) -> None:
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing; run `npm ci`", pytrace=False)


def test_markdownlint_passes_on_the_pages_of_both_editions() -> None:
    needs(ROOT / "node_modules" / ".bin" / "markdownlint-cli2")
    result = run(["npx", "--no-install", "markdownlint-cli2", "docs/**/*.md", "es/docs/**/*.md"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_cspell_passes_on_the_pages() -> None:
    needs(ROOT / "node_modules" / ".bin" / "cspell")
    result = run(
        ["npx", "--no-install", "cspell", "--no-progress", "--no-summary", "docs/**/*.md", "includes/*.md"]
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_project_words_are_sorted_unique_and_used() -> None:
    words = PROJECT_WORDS.read_text(encoding="utf-8").splitlines()
    assert words == sorted(set(words), key=str.casefold), "one word per line, sorted, no duplicates"
    assert all(word and word == word.strip() for word in words)
    corpus = "\n".join(
        path.read_text(encoding="utf-8")
        for path in [*ROOT.glob("docs/**/*.md"), *ROOT.glob("includes/*.md"), ROOT / "README.md"]
        if path.is_file()
    )
    unused = [word for word in words if not re.search(rf"\b{re.escape(word)}\b", corpus, re.IGNORECASE)]
    assert unused == [], "words no page uses any more"


def ignored(message: dict[str, str]) -> bool:
    return any(
        re.search(text, message.get("message", "")) and re.search(extract, message.get("extract", ""))
        for text, extract, _why in MATERIAL_MARKUP
    )


def test_built_html_of_both_editions_validates(
    built_pages: list[Path], built_site: Path, tmp_path: Path
) -> None:
    needs(VNU)
    assert {page.relative_to(built_site).parts[0] for page in built_pages} >= {"es", "index.html"}
    if shutil.which("java") is None:
        pytest.fail("java is missing; run `make system-deps`", pytrace=False)
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY, encoding="utf-8")
    result = run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, built_pages), str(canary)]
    )
    # The checker writes its JSON report on stderr.
    messages = json.loads(result.stderr or result.stdout)["messages"]
    canary_errors = [m for m in messages if m.get("url", "").endswith("/canary.html")]
    assert canary_errors, "the checker did not report the canary's duplicate id"
    assert not any(ignored(m) for m in canary_errors)
    errors = [
        f"{m['url'].removeprefix('file:' + str(built_site))}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m not in canary_errors and not ignored(m)
    ]
    assert errors == []
