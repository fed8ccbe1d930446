"""The page shell: pages the service renders (the no-JavaScript discussion, /admin) wear the site's look.

The built site's 404 page is a complete Material page with absolute links, so it
works at any address: its article is swapped for our content. Without a built
site, a small plain page is used instead. A page in Spanish wears the Spanish
edition's 404 page (es/404.html: <html lang="es">, its menu and its assets).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

from ..core.messages import LANGUAGES, REFERENCE, Language

_ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*?)(</article>)', re.DOTALL)
_TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)
_HEAD_END = "</head>"
_ASSET_BASE = re.compile(r'href="([^"]*)assets/stylesheets/main\.')

_FALLBACK = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Comments</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
color:#1b1b1b;background:#fff}
main{max-width:46rem;margin:0 auto;padding:1rem}
a{color:#0b5e57}
@media (prefers-color-scheme:dark){body{color:#e8eaed;background:#1e2129}a{color:#6fd3c4}}
</style></head>
<body><main><article class="md-content__inner md-typeset"></article></main></body></html>"""


def _style_hash(page: str) -> str:
    style = page[page.index("<style>") + len("<style>") : page.index("</style>")]
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"


# The policy for pages in the plain shell (no built site): no script at all, its own
# inline style and the site's stylesheets.
FALLBACK_POLICY = (
    f"default-src 'none'; style-src 'self' {_style_hash(_FALLBACK)}; img-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


# What readers need and moderators do not: search, the tabs, the site's navigation, the
# page's table of contents (with the buttons that open them) and the language selector
# (its dropdown would lead to reader pages). /admin pages drop them.
_READER_CHROME = (
    ('<label class="md-header__button md-icon" for="__drawer"', "label"),
    ('<label class="md-header__button md-icon" for="__search"', "label"),
    ('<div class="md-search"', "div"),
    ('<div class="md-header__option">', "div"),
    ('<nav class="md-tabs"', "nav"),
    ('<div class="md-sidebar md-sidebar--primary"', "div"),
    ('<div class="md-sidebar md-sidebar--secondary"', "div"),
)
_TAG = re.compile(r"<(/?)(label|div|nav)\b", re.IGNORECASE)


def _drop_element(page: str, opening: str, tag: str) -> str:
    """The page without the element that starts with `opening` (nested ones of its tag counted)."""
    start = page.find(opening)
    if start < 0:
        return page
    depth = 0
    for match in _TAG.finditer(page, start):
        if match.group(2).lower() != tag:
            continue
        depth += -1 if match.group(1) else 1
        if depth == 0:
            end = page.index(">", match.end()) + 1
            return page[:start] + page[end:]
    return page


def without_reader_chrome(page: str) -> str:
    for opening, tag in _READER_CHROME:
        page = _drop_element(page, opening, tag)
    return page


class PageShell:
    """The built site's 404 page (or the plain fallback), ready to take a title and an article."""

    def __init__(self, site_dir: Path | None):
        self._templates: dict[str, str] = {}
        self._bare_templates: dict[str, str] = {}
        self._asset_bases: dict[str, str] = {}
        for language in LANGUAGES:
            folder = site_dir if site_dir is None or language == REFERENCE else site_dir / language
            template = self._load(folder) or self._load(site_dir)
            template = template or _FALLBACK.replace('<html lang="en">', f'<html lang="{language}">')
            # Service pages must not be indexed.
            template = template.replace(_HEAD_END, '<meta name="robots" content="noindex">' + _HEAD_END, 1)
            self._templates[language] = template
            self._bare_templates[language] = without_reader_chrome(template)
            # Where the site's assets live, read off the shell's own stylesheet link.
            found = _ASSET_BASE.search(template)
            self._asset_bases[language] = found.group(1) if found else "/"

    @staticmethod
    def _load(folder: Path | None) -> str:
        """The edition's 404 page, or "" when it has none (or not one with an article)."""
        if folder is None or not (folder / "404.html").is_file():
            return ""
        template = (folder / "404.html").read_text(encoding="utf-8")
        return template if _ARTICLE.search(template) else ""

    def asset(self, path: str, language: Language = REFERENCE) -> str:
        return self._asset_bases[language] + path

    def render(
        self,
        title: str,
        body: str,
        extra_head: str = "",
        language: Language = REFERENCE,
        reader_chrome: bool = True,
    ) -> str:
        """The full page: `body` is trusted HTML (from our templates), `title` is text."""
        template = (self._templates if reader_chrome else self._bare_templates)[language]
        page = _TITLE.sub(lambda _: f"<title>{html.escape(title)}</title>", template, count=1)
        if extra_head:
            page = page.replace(_HEAD_END, extra_head + _HEAD_END, 1)
        return _ARTICLE.sub(lambda match: match.group(1) + body + match.group(3), page, count=1)
