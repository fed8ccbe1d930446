"""Search reads each page less what a hook keeps out of the index (see _search_text.py).

Just before the search plugin indexes a page (its on_page_context), the page's HTML
is put aside and search is handed the shorter one; right after, the page gets its
whole HTML back, before the structured data (structured_data.py) and the templates
read it. Every reader of the HTML before that (the blog's reading time, the RSS
feed) has read the whole page.
"""

from __future__ import annotations

import re
from typing import Any

import _search_text
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

# What Material's search takes out of the page it has indexed: it does the same to the
# whole page when an editor marked something in it.
_SEARCH_ATTRIBUTE = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")

# The whole HTML of the page being indexed, while search reads the shorter one.
_whole: dict[str, str] = {}


def on_pre_build(config: MkDocsConfig) -> None:
    """A preview's next build starts afresh, even after a build that stopped half way."""
    _search_text.forget()
    _whole.clear()


@event_priority(10)  # before the search plugin (0)
def _hand_search_its_text(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    searched = _search_text.searched_text(page, page.content or "")
    if searched is not None:
        _whole[page.file.src_uri] = page.content or ""
        page.content = searched
    return context


@event_priority(-1)  # right after the search plugin (0) has indexed the page
def _give_back_the_whole_page(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    whole = _whole.pop(page.file.src_uri, None)
    if whole is not None:
        page.content = _SEARCH_ATTRIBUTE.sub("", whole) if "data-search-" in whole else whole
    return context


on_page_context = CombinedEvent(_hand_search_its_text, _give_back_the_whole_page)
