"""Links to other websites say so: an arrow for the eye, "(another website)" for screen readers.

A reader should know before clicking that a link leaves this site: a source, CAMTC's
certificate search, the Sheriff's permit page, medicare.gov. The links still open in
the same tab, which keeps the Back button working and surprises no one; the marker
only tells. A link is outbound when its host is not site_url's host.

Done on the finished page (on_post_page) and only in its content area (between the
start of Material's content block and its footer), so the words stay out of the
search index and the RSS feed, which are built from the page's content before this
runs, and off the header, the nav and Material's own buttons. site.css draws the arrow
for the class `sdm-outbound`; the words, in the edition's language, are in a visually
hidden span.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import _strings
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

CONTENT = re.compile(r'<div class="md-content[^"]*" data-md-component="content">')  # articles add a class
FOOTER = '<footer class="md-footer">'
LINK = re.compile(r"<a\s(?P<attrs>[^>]*)>(?P<inner>.*?)</a>", re.DOTALL)
HREF = re.compile(r'\bhref="(?P<href>[^"]*)"')
CLASS = re.compile(r'\bclass="(?P<classes>[^"]*)"')
HIDDEN = '<span class="sdm-visually-hidden"> {}</span>'


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    content = CONTENT.search(output)
    end = output.find(FOOTER, content.end()) if content else -1
    if content is None or end < 0:
        return output
    start = content.start()
    site_host = urlsplit(config.site_url or "").netloc
    words = _strings.words(config)["outbound"]
    return output[:start] + mark(output[start:end], site_host, words) + output[end:]


def mark(html: str, site_host: str, words: str = "(another website)") -> str:
    """Every link in `html` to another host, with the class and the hidden words added."""

    def one(match: re.Match[str]) -> str:
        attrs = match.group("attrs")
        href = HREF.search(attrs)
        if href is None or not is_outbound(href.group("href"), site_host):
            return match.group(0)
        classes = CLASS.search(attrs)
        if classes is None:
            attrs += ' class="sdm-outbound"'
        elif "md-" in classes.group("classes"):
            return match.group(0)  # Material's own buttons (edit this page) carry their own label
        else:
            attrs = CLASS.sub(f'class="{classes.group("classes")} sdm-outbound"', attrs, count=1)
        return f"<a {attrs}>{match.group('inner')}{HIDDEN.format(words)}</a>"

    return LINK.sub(one, html)


def is_outbound(href: str, site_host: str) -> bool:
    parts = urlsplit(href)
    return parts.scheme in {"http", "https"} and parts.netloc != site_host
