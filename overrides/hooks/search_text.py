"""Search reads each page less what a hook keeps out of the index (see _search_text.py).

The page's whole HTML is put aside once every reader of it before the templates has
read it (the blog's reading time, the RSS feed), search indexes the shorter one in
its on_page_context, and the page gets its whole HTML back right after, before the
structured data (structured_data.py) and the templates read it.
"""

from __future__ import annotations

import re
from typing import Any

import _search_text
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

# What Material's search takes out of the page it has indexed: it does the same to the
# whole page when an editor marked something in it.
_SEARCH_ATTRIBUTE = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")

# Per page (by source path), from on_page_content to on_page_context: its whole HTML.
_whole: dict[str, str] = {}


@event_priority(-200)  # after every plugin and hook that reads or changes the page's HTML
def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    searched = _search_text.searched_text(page, content)
    if searched is None:
        return content
    _whole[page.file.src_uri] = content
    return searched


@event_priority(-1)  # right after the search plugin (0) has indexed the page
def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    whole = _whole.pop(page.file.src_uri, None)
    if whole is not None:
        page.content = _SEARCH_ATTRIBUTE.sub("", whole) if "data-search-" in whole else whole
    return context
