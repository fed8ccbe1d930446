"""The glossary: one abbreviations file gives tooltips everywhere and the Glossary page.

`pymdownx.snippets` appends the file named in its `auto_append` setting to every
page, so each defined term gets a hover tooltip site-wide. The page that sets
`glossary: true` also gets every term as a definition list, so the tooltips and
the Glossary page can never disagree.
"""

from __future__ import annotations

import html
import os
import re

from _report import problem
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

DEFINITION = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<text>.*)$")

_terms: dict[str, str] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    snippets = config.mdx_configs.get("pymdownx.snippets", {})
    base = os.path.join(os.path.dirname(config.config_file_path), snippets["base_path"][0])
    _terms.clear()
    _terms.update(load_terms(os.path.join(base, snippets["auto_append"][0])))
    return config


def load_terms(path: str) -> dict[str, str]:
    """Read `*[term]: definition` lines; report anything else so no tooltip is lost."""
    terms: dict[str, str] = {}
    shown = os.path.relpath(path)
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            match = DEFINITION.match(line.rstrip("\n"))
            if not match or not match.group("text").strip():
                problem(
                    shown,
                    number,
                    "expected a definition like: *[DVT]: A blood clot in a deep vein.",
                )
            elif match.group("term") in terms:
                problem(shown, number, f"'{match.group('term')}' is defined twice")
            elif '"' in match.group("text"):
                problem(shown, number, 'definitions cannot contain the " character')
            else:
                terms[match.group("term")] = match.group("text").strip()
    return terms


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not page.meta.get("glossary"):
        return markdown
    return markdown + "\n\n" + render_glossary(_terms) + "\n"


def render_glossary(terms: dict[str, str]) -> str:
    """Terms A–Z as an HTML definition list with a stable anchor per term."""
    rows = "".join(
        f'<dt id="{slug(term)}">{html.escape(term)}</dt><dd>{html.escape(text)}</dd>'
        for term, text in sorted(terms.items(), key=lambda item: item[0].casefold())
    )
    return f'<dl class="sdm-glossary">{rows}</dl>'


def slug(term: str) -> str:
    return "term-" + re.sub(r"[^a-z0-9]+", "-", term.casefold()).strip("-")
