"""What Material's search reads of a page: its HTML less the parts a hook keeps from it.

Search reads a page's whole HTML to index it, and passes over an element marked
`data-search-exclude` only after reading every tag in it. A page's Sources list and
its citation links (sources.py) are about a fifth of its HTML and are never indexed,
so sources.py names them here, search_text.py hands search the page without them,
and readers (and every other reader of the page: the blog's reading time, structured
data) get the whole page. Not a hook itself (MkDocs only loads the files listed under
`hooks:`).
"""

from __future__ import annotations

from mkdocs.structure.pages import Page

# Per page (by source path): (part of its HTML, what search reads instead), in order.
_edits: dict[str, list[tuple[str, str]]] = {}


def instead(page: Page, html: str, searched: str) -> None:
    """Search reads `searched` wherever the page's HTML has `html`."""
    _edits.setdefault(page.file.src_uri, []).append((html, searched))


def searched_text(page: Page, html: str) -> str | None:
    """The page's HTML as search is to read it; None if search reads it as it is."""
    edits = _edits.pop(page.file.src_uri, None)
    if not edits:
        return None
    for part, searched in edits:
        html = html.replace(part, searched)
    return html


def forget() -> None:
    _edits.clear()
