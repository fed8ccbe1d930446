"""Which pages ask "Was this page helpful?", written at build time for the comments service.

Every reader page does (partials/feedback.html draws the form), except the blog's
lists of articles (its index, archive and category pages: they are lists, not
something a reader can find helpful or not) and pages whose front matter hides it the
way Material documents, `hide: [feedback]` (the home page, which only leads on to the
others, and the editor handbook, which is not for readers). The service accepts
feedback only for a page in the file this hook writes, keyed by the page's path.
One file for the whole site, as comment_pages.py writes it: a Spanish page's path starts
with /es/.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import _editions
from material.plugins.blog.structure import View  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

_pages: dict[str, dict[str, str]] = {}
_edition: dict[str, str] = {"path": ""}


def on_pre_build(config: MkDocsConfig) -> None:
    _pages.clear()
    _edition["path"] = _editions.current(config).path


def takes_feedback(page: Page) -> bool:
    hidden = page.meta.get("hide") or []
    return not isinstance(page, View) and "feedback" not in hidden


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    if takes_feedback(page):
        path = f"/{_edition['path']}{page.url}"
        _pages[path] = {"url": path, "title": str(page.title)}
        context["feedback_page"] = path
    return context


def on_post_build(config: MkDocsConfig) -> None:
    root = _editions.site_root(config)  # None: this edition alone (a preview)
    path = (root or Path(config.site_dir)) / config.extra["feedback"]["pages_file"]
    pages = dict(_pages)
    if _edition["path"] and root is not None and path.is_file():
        pages = {**_editions.entries_of_other_editions(path, "pages", _edition["path"]), **pages}
    document = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "pages": dict(sorted(pages.items())),
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)
