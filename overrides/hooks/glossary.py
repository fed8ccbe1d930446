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
works without JavaScript. Letters with no term are shown, but not as links. The
alphabet is the edition's (Spanish has Ñ), and so is the order: an accent does not
move a term ("Ácido" files under A), but Ñ is a letter of its own, after N.
"""

from __future__ import annotations

import html
import os
import re
import string
import unicodedata
from typing import Any

import _slots
import _strings
from _report import problem
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

DEFINITION = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<text>.*)$")

_terms: dict[str, str] = {}
_words: dict[str, Any] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    snippets = config.mdx_configs.get("pymdownx.snippets", {})
    base = os.path.abspath(snippets["base_path"][0])  # as pymdownx.snippets reads it (shared_text.py)
    _terms.clear()
    _terms.update(load_terms(os.path.join(base, snippets["auto_append"][0])))
    _words.clear()
    _words.update(_strings.words(config)["glossary"])
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
    alphabet = str(_words["alphabet"])
    letters = {letter(term, alphabet) for term in _terms}
    _slots.add_anchors(page, [*(slug(term) for term in _terms), *(letter_id(x, alphabet) for x in letters)])
    return _slots.fill(
        content,
        _slots.GLOSSARY,
        lambda _: render_glossary(_terms, alphabet, str(_words["letters_label"])),
        is_block=True,
    )


def render_glossary(
    terms: dict[str, str], alphabet: str = string.ascii_uppercase, label: str = "Glossary letters"
) -> str:
    """An A–Z jump list, then the terms A–Z under a heading per letter, as definition
    lists with a stable anchor per term."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for term, text in sorted(terms.items(), key=lambda item: sort_key(item[0])):
        groups.setdefault(letter(term, alphabet), []).append((term, text))
    shown = [*alphabet, *sorted(set(groups) - set(alphabet))]
    jumps = "".join(
        f'<li><a href="#{letter_id(x, alphabet)}">{x}</a></li>'
        if x in groups
        else f'<li><span class="sdm-az__none">{x}</span></li>'
        for x in shown
    )
    sections = "".join(
        f'<h2 id="{letter_id(x, alphabet)}">{x}</h2><dl class="sdm-glossary">'
        + "".join(
            f'<dt id="{slug(term)}">{html.escape(term)}</dt><dd>{html.escape(text)}</dd>'
            for term, text in rows
        )
        + "</dl>"
        for x, rows in ((x, groups[x]) for x in shown if x in groups)
    )
    label = html.escape(label, quote=True)
    return f'<nav class="sdm-az" aria-label="{label}"><ul>{jumps}</ul></nav>{sections}'


def letter(term: str, alphabet: str = string.ascii_uppercase) -> str:
    """The heading a term files under: its first letter without an accent (but Ñ stays Ñ
    where the alphabet has it); terms that start with a digit or a sign go under #."""
    first = term[:1].upper()
    if first not in alphabet:
        first = _unaccented(first)
    return first if first in alphabet else "#"


def letter_id(heading: str, alphabet: str = string.ascii_uppercase) -> str:
    return "letter-" + (heading.lower() if heading in alphabet else "other")


def sort_key(term: str) -> str:
    """Alphabetical order ignoring case and accents; ñ after n (as Spanish dictionaries sort)."""
    return _unaccented(term.casefold().replace("ñ", "n\uffff"))


def slug(term: str) -> str:
    return "term-" + re.sub(r"[^a-z0-9]+", "-", _unaccented(term.casefold())).strip("-")


def _unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
