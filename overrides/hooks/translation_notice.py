"""The translation notice: every page of a translated edition says so, under its title.

A reader of the Spanish site should know, before acting on a health page, that it is a
translation by the site's editorial team, that no professional medical translator has
reviewed it yet, that the English page is the reference (with a link to it), and how to
report a translation error. One template, overrides/partials/translation-notice.html,
says it on every page, so a change (a reviewer, one day) is made once.

It goes into the finished page (on_post_page), after the first heading of the content,
so the search index, the feed and the reading times, built from the page's content,
leave it out, as they do the care card.
"""

from __future__ import annotations

import re
from typing import Any

import _editions
import _strings
from jinja2 import Environment, Template
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

TEMPLATE = "partials/translation-notice.html"
CONTENT = re.compile(r'<div class="md-content[^"]*" data-md-component="content">')
TITLE_END = "</h1>"

_template: list[Template] = []


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    translated = _editions.current(config).lang != _strings.REFERENCE
    _template[:] = [env.get_template(TEMPLATE)] if translated else []
    return env


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if not _template:
        return output
    content = CONTENT.search(output)
    at = output.find(TITLE_END, content.end()) if content else -1
    if at < 0:
        return output
    context: dict[str, Any] = {
        "page": page,
        "base_url": get_relative_url(".", page.url),
        "config": config,
        "reference_language": _strings.REFERENCE,
    }
    at += len(TITLE_END)
    return output[:at] + "\n" + _template[0].render(context) + output[at:]
