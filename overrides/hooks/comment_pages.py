"""Which pages accept comments, written at build time for the comments service.

A page opts in with `comments: true` (articles get it from blog/posts/.meta.yml).
Its thread is keyed by `comments_id` when set, so a moved page keeps its comments,
and by its URL path otherwise. The service refuses comments for any thread that
is not in the file this hook writes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

from _report import front_matter_line, page_problem
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

_threads: dict[str, dict[str, str]] = {}


def on_pre_build(config: MkDocsConfig) -> None:
    _threads.clear()


def thread_id(page: Page) -> str:
    return str(page.meta.get("comments_id") or "/" + page.url)


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    if page.meta.get("comments") is not True:
        return context
    thread = thread_id(page)
    if thread in _threads and _threads[thread]["url"] != "/" + page.url:
        page_problem(
            page,
            front_matter_line(page.file.content_string, "comments_id"),
            f"comments_id '{thread}' is already used by {_threads[thread]['url']}",
        )
    _threads[thread] = {"url": "/" + page.url, "title": str(page.title)}
    context["comments_thread"] = thread
    return context


def on_post_build(config: MkDocsConfig) -> None:
    path = os.path.join(config.site_dir, config.extra["comments"]["pages_file"])
    document = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "threads": dict(sorted(_threads.items())),
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)
