"""The glossary: one abbreviations file gives tooltips everywhere and the Glossary page.

`pymdownx.snippets` appends the file named in its `auto_append` setting to every
page, so each defined term gets a hover tooltip site-wide. The page that sets
`glossary: true` also gets every term as a definition list, so the tooltips and
the Glossary page can never disagree. The list goes into the rendered HTML (see
_slots.py), not into the Markdown.

The definitions in the file are separated by blank lines: Markdown then reads each
as a block of its own. Written one after another, they would form a single block
that Markdown reads again, whole, for each definition it takes off its top.

The page opens with an A–Z jump list: plain links to a heading per letter, so it
works without JavaScript. Letters with no term are shown, but not as links.
"""

from __future__ import annotations

import html
import os
import re
import string

import _slots
from _report import problem
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
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
    return markdown + "\n" + _slots.block(_slots.GLOSSARY)


@event_priority(50)  # before plugins read the HTML
def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not page.meta.get("glossary"):
        return content
    letters = {letter(term) for term in _terms}
    _slots.add_anchors(page, [*(slug(term) for term in _terms), *(letter_id(x) for x in letters)])
    return _slots.fill(content, _slots.GLOSSARY, lambda _: render_glossary(_terms), is_block=True)


def render_glossary(terms: dict[str, str]) -> str:
    """An A–Z jump list, then the terms A–Z under a heading per letter, as definition
    lists with a stable anchor per term."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for term, text in sorted(terms.items(), key=lambda item: item[0].casefold()):
        groups.setdefault(letter(term), []).append((term, text))
    shown = [*string.ascii_uppercase, *sorted(set(groups) - set(string.ascii_uppercase))]
    jumps = "".join(
        f'<li><a href="#{letter_id(x)}">{x}</a></li>'
        if x in groups
        else f'<li><span class="sdm-az__none">{x}</span></li>'
        for x in shown
    )
    sections = "".join(
        f'<h2 id="{letter_id(x)}">{x}</h2><dl class="sdm-glossary">'
        + "".join(
            f'<dt id="{slug(term)}">{html.escape(term)}</dt><dd>{html.escape(text)}</dd>'
            for term, text in rows
        )
        + "</dl>"
        for x, rows in ((x, groups[x]) for x in shown if x in groups)
    )
    return f'<nav class="sdm-az" aria-label="Glossary letters"><ul>{jumps}</ul></nav>{sections}'


def letter(term: str) -> str:
    """The A–Z heading a term files under; terms that start with a digit or a sign go under #."""
    first = term[:1].upper()
    return first if first in string.ascii_uppercase else "#"


def letter_id(heading: str) -> str:
    return "letter-" + (heading.lower() if heading in string.ascii_uppercase else "other")


def slug(term: str) -> str:
    return "term-" + re.sub(r"[^a-z0-9]+", "-", term.casefold()).strip("-")
