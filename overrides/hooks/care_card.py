"""When to get help: one care card, on every health page and the home page.

A worried reader looks for what is an emergency and what can wait for their own
clinician; NHS pages answer that with a "care card" near the end. Ours is one
template, overrides/partials/care-card.html, so every page says the same thing and
the next review changes it once (its words, per language, are in data/strings.yml).
This hook puts it after the text of every page that sets `health: true` (the home
page and the FAQ set it too), before the Sources list.
Its advice is the safety page's warning signs, which cite their sources; the card
links there rather than citing, since each page lists its own sources.

It goes into the finished page (on_post_page), so the search index, built from the
page's content, does not repeat the card on every page, and neither do the RSS feed
and the reading times. The table of contents gets an entry for it, before Sources.
"""

from __future__ import annotations

from typing import Any

import _strings
from jinja2 import Environment, Template
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils import get_relative_url

TEMPLATE = "partials/care-card.html"
ANCHOR = "sdm-care-title"  # as in the template; its title is strings.care.title
SOURCES_HEADING = '<h2 id="sources">'
REVIEW_LINE = '<aside class="sdm-review"'

_template: list[Template] = []


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    _template[:] = [env.get_template(TEMPLATE)]
    return env


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    if page.meta.get("health") is True and page.toc is not None:
        # The h2 entries hang under the page's h1 entry; the card goes before Sources.
        items = page.toc.items[0].children if len(page.toc.items) == 1 else page.toc.items
        at = next((i for i, item in enumerate(items) if item.id == "sources"), len(items))
        items.insert(at, AnchorLink(_strings.words(config)["care"]["title"], ANCHOR, 2))
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if page.meta.get("health") is not True or not _template:
        return output
    context: dict[str, Any] = {"page": page, "base_url": get_relative_url(".", page.url), "config": config}
    card = _template[0].render(context)
    for marker in (SOURCES_HEADING, REVIEW_LINE):
        at = output.find(marker)
        if at >= 0:
            return output[:at] + card + "\n" + output[at:]
    return output
