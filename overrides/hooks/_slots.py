"""Slots: where a hook's HTML goes, marked in the Markdown with a token Markdown leaves alone.

Raw HTML written into a page's Markdown costs far more than its length: the HTML
block parser (md_in_html) and MkDocs' anchor scan read the page again for it. So a
hook writes a short token into the Markdown (on_page_markdown) and swaps in its
HTML once the page is rendered (on_page_content). A token is private-use characters
around a kind and a number: no Markdown syntax, nothing an abbreviation can match,
and nothing a heading's slug keeps. A block token stands alone as a paragraph, which
the HTML then replaces whole, as Markdown does with a raw HTML block.
Not a hook itself (MkDocs only loads the files listed under `hooks:`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

OPEN, CLOSE = "\ue000", "\ue001"
# Kinds, one private-use character each, so that hooks never fill each other's slots.
CITATION = "\ue010"
SOURCES = "\ue011"
REGISTER = "\ue012"
GLOSSARY = "\ue013"
DATE = "\ue014"


def inline(kind: str, number: int) -> str:
    """A token inside a line of text."""
    return f"{OPEN}{kind}{number}{CLOSE}"


def block(kind: str, number: int = 0) -> str:
    """A token that is a paragraph of its own."""
    return f"\n\n{inline(kind, number)}\n"


def fill(html: str, kind: str, render: Callable[[int], str], *, is_block: bool = False) -> str:
    """Replace every token of `kind` in the rendered page with `render(number)`."""
    if f"{OPEN}{kind}" not in html:
        return html
    token = f"{OPEN}{kind}(\\d+){CLOSE}"
    if is_block:  # followed by a blank line, like the raw HTML blocks Markdown puts out (not at the end)
        return re.sub(
            f"<p>{token}</p>",
            lambda match: render(int(match.group(1))) + ("\n" if match.end() < len(html) else ""),
            html,
        )
    return re.sub(token, lambda match: render(int(match.group(1))), html)


def fill_toc(items: list[AnchorLink], kind: str, render: Callable[[int], str]) -> None:
    """Tokens in headings also reach the table of contents, as text: replace them there."""
    marker = f"{OPEN}{kind}"
    pattern = re.compile(f"{OPEN}{kind}(\\d+){CLOSE}")
    for item in items:
        if marker in item.title:
            item.title = pattern.sub(lambda match: render(int(match.group(1))), item.title)
        fill_toc(item.children, kind, render)


def add_anchors(page: Page, ids: Iterable[str]) -> None:
    """Ids that a slot's HTML brings: MkDocs found the page's anchors before it was filled,
    and checks links to `page.md#id` against them."""
    page.present_anchor_ids = (page.present_anchor_ids or set()) | set(ids)
