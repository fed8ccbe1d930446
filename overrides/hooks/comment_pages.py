"""Which pages accept comments, written at build time for the comments service.

A page opts in with `comments: true` (articles get it from blog/posts/.meta.yml).
Its thread is keyed by `comments_id` when set, so a moved page keeps its comments,
and by its URL path otherwise. The service refuses comments for any thread that
is not in the file this hook writes.

The site has one such file for all its editions (see _editions.py), at its root: the
English build writes it, and the Spanish build, into site/es/, adds its own threads
(its pages' `comments_id` start with "es/", its URLs with /es/), replacing those of
its previous build. A Spanish page has its own thread, apart from its English page's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import _editions
from _report import front_matter_line, page_problem, problem
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

_threads: dict[str, dict[str, str]] = {}
_edition: dict[str, str] = {"path": ""}


def on_pre_build(config: MkDocsConfig) -> None:
    _threads.clear()
    _edition["path"] = _editions.current(config).path


def url_path(page: Page) -> str:
    """The page's address from the site's root: /blog/x/, or /es/blog/x/ in Spanish."""
    return f"/{_edition['path']}{page.url}"


def thread_id(page: Page) -> str:
    return str(page.meta.get("comments_id") or url_path(page))


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    if page.meta.get("comments") is not True:
        return context
    thread = thread_id(page)
    if thread in _threads and _threads[thread]["url"] != url_path(page):
        page_problem(
            page,
            front_matter_line(page.file.content_string, "comments_id"),
            f"comments_id '{thread}' is already used by {_threads[thread]['url']}",
        )
    _threads[thread] = {"url": url_path(page), "title": str(page.title)}
    context["comments_thread"] = thread
    return context


def on_post_build(config: MkDocsConfig) -> None:
    root = _editions.site_root(config)  # None: this edition alone (a preview)
    path = (root or Path(config.site_dir)) / config.extra["comments"]["pages_file"]
    threads = dict(_threads)
    if _edition["path"] and root is not None and path.is_file():
        threads = _with_other_editions(path, threads)
    document = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "threads": dict(sorted(threads.items())),
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)


def _with_other_editions(path: Path, ours: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The other editions' threads from the site's file, then this edition's own."""
    others = _editions.entries_of_other_editions(path, "threads", _edition["path"])
    for thread in sorted(set(others) & set(ours)):
        problem(
            os.path.relpath(path),
            1,
            f"thread '{thread}' of {ours[thread]['url']} is already {others[thread]['url']}'s; "
            f"give the page a comments_id of its own (e.g. {_edition['path']}{thread.strip('/')})",
        )
    return {**ours, **others}  # a taken thread stays its page's (the build fails anyway)
