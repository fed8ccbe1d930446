"""The newest articles, listed on any page that asks with `latest_articles: N`.

Material's blog lists posts only on its own index, but the home page should point
readers to what is new. The links are to the posts' Markdown files, so MkDocs
resolves them to wherever the blog publishes each post and checks them. Each date
is a token in the Markdown and its <time> element is put into the rendered HTML
(see _slots.py). The heading and the dates are in the edition's language.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from typing import Any

import _slots
import _strings
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

POSTS = "blog/posts/"


@event_priority(20)  # the list follows the page's own text, before the care card and the Sources
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    count = page.meta.get("latest_articles")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return markdown
    posts = []
    for file in files.documentation_pages():
        if file.src_uri.startswith(POSTS):
            _, meta = get_data(file.content_string)
            if not meta.get("draft"):
                posts.append((_created(meta), file.src_uri, meta))
    posts.sort(key=lambda post: post[0], reverse=True)
    here = posixpath.dirname(page.file.src_uri)
    items = [
        f"- [{meta['title']}]({posixpath.relpath(src, here)}) · "
        f"{_slots.inline(_slots.DATE, created.toordinal())}  \n"
        f"  {meta.get('description', '')}"
        for created, src, meta in posts[:count]
    ]
    if not items:
        return markdown
    heading = _strings.words(config)["latest_articles"]
    return markdown + f"\n\n## {heading}\n\n" + "\n".join(items) + "\n"


@event_priority(50)  # before plugins read the HTML
def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    words = _strings.words(config)
    return _slots.fill(content, _slots.DATE, lambda ordinal: _time(ordinal, words))


def _time(ordinal: int, words: dict[str, Any]) -> str:
    day = dt.date.fromordinal(ordinal)
    return f'<time datetime="{day.isoformat()}">{_strings.long_date(day, words)}</time>'


def _created(meta: dict[str, Any]) -> dt.date:
    date = meta.get("date")
    if isinstance(date, dict):
        date = date.get("created")
    if isinstance(date, dt.datetime):
        return date.date()
    return date if isinstance(date, dt.date) else dt.date.min
