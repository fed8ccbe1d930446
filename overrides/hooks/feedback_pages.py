"""Which pages ask "Was this page helpful?", written at build time for the comments service.

Every reader page does (partials/feedback.html draws the form), except the blog's
lists of articles (its index, archive and category pages: they are lists, not
something a reader can find helpful or not) and pages whose front matter hides it the
way Material documents, `hide: [feedback]` (the home page, which only leads on to the
others, and the editor handbook, which is not for readers). The service accepts
feedback only for a page in the file this hook writes, keyed by the page's path.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

from material.plugins.blog.structure import View  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

_pages: dict[str, dict[str, str]] = {}


def on_pre_build(config: MkDocsConfig) -> None:
    _pages.clear()


def takes_feedback(page: Page) -> bool:
    hidden = page.meta.get("hide") or []
    return not isinstance(page, View) and "feedback" not in hidden


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    if takes_feedback(page):
        path = "/" + page.url
        _pages[path] = {"url": path, "title": str(page.title)}
        context["feedback_page"] = path
    return context


def on_post_build(config: MkDocsConfig) -> None:
    path = os.path.join(config.site_dir, config.extra["feedback"]["pages_file"])
    document = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "pages": dict(sorted(_pages.items())),
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)
