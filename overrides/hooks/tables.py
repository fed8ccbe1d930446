"""Tables that stay readable on a phone: each cell knows its column's heading.

Material lets a table wider than the screen scroll sideways, so on a phone the
right-hand columns (the evidence table's "How sure", the point of the table) are
cut off with no hint. On narrow screens site.css lays each row of a table with
three or more columns out as a short list instead, each value under its column's
heading. CSS cannot look a heading up, so this hook writes it on every cell as
`data-label`, and marks the table with `data-stack`, at build time. The table's
markup stays a real table for screen readers; only its layout changes.

A Markdown tree processor does the work, so the labels come from the parsed table,
not from searching the HTML. Registered from on_config; not a Markdown extension
of its own in mkdocs.yml because it serves this one layout.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from mkdocs.config.defaults import MkDocsConfig

MIN_COLUMNS = 3
# Text Markdown has not put back yet when tree processors run: stashed raw HTML
# ("\x02wzxhzdk:3\x03") and the other hooks' tokens (private-use characters, see _slots.py).
_PLACEHOLDERS = re.compile(r"\x02wzxhzdk:\d+\x03|\ue000.\d*\ue001")


class _LabelCells(Treeprocessor):
    def run(self, root: Element) -> None:
        for table in root.iter("table"):
            head, body = table.find("thead"), table.find("tbody")
            if head is None or body is None:
                continue
            headings = [_text(cell) for cell in head.iter("th")]
            if len(headings) < MIN_COLUMNS:
                continue
            table.set("data-stack", "")
            for row in body.iter("tr"):
                for cell, heading in zip(row.findall("td"), headings, strict=False):
                    if heading:
                        cell.set("data-label", heading)


class StackedTables(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's name)
        # After inline parsing (20), so headings with emphasis or links read as text.
        md.treeprocessors.register(_LabelCells(md), "sdm_stacked_tables", 5)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # MkDocs types the list as extension names; Python-Markdown takes Extension objects too.
    config.markdown_extensions.append(StackedTables())  # type: ignore[arg-type]
    return config


def _text(cell: Element) -> str:
    return " ".join(_PLACEHOLDERS.sub("", "".join(cell.itertext())).split())
