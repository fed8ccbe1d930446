"""Comment text → safe HTML, once, when the comment is written.

A small Markdown subset (paragraphs, line breaks, emphasis, links, lists, quotes,
inline code) rendered with Python-Markdown, then sanitised by nh3 against an
allow-list. Raw HTML the author types is shown as text, never interpreted.
Reads serve the stored HTML and never render again.
"""

from __future__ import annotations

import re
import threading

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# Block and inline features outside the subset are switched off, not just stripped later.
_OFF_BLOCKS = ("hashheader", "setextheader", "hr", "code", "reference")
_OFF_INLINE = (
    "html",
    "entity",
    "image_link",
    "image_reference",
    "short_image_ref",
    "reference",
    "short_reference",
)

# Python-Markdown keeps anything that looks like an entity ("&lt;") as an entity, so an
# author typing "&lt;" would see "<". Ampersands travel through the parser as a
# private-use character and come back as "&amp;": what was typed is what is shown.
_AMPERSAND = "\ue000"

_local = threading.local()


def _markdown() -> markdown.Markdown:
    """One parser per thread: Python-Markdown instances are not thread-safe."""
    parser: markdown.Markdown | None = getattr(_local, "parser", None)
    if parser is None:
        parser = markdown.Markdown(extensions=["nl2br", "sane_lists"])
        parser.preprocessors.deregister("html_block")
        for name in _OFF_BLOCKS:
            parser.parser.blockprocessors.deregister(name)
        for name in _OFF_INLINE:
            parser.inlinePatterns.deregister(name)
        _local.parser = parser
    return parser


def render(text: str) -> str:
    """Render and sanitise; the result is safe to insert into a page as HTML."""
    parser = _markdown()
    try:
        html = parser.convert(text.replace(_AMPERSAND, "").replace("&", _AMPERSAND))
    finally:
        parser.reset()
    return sanitise(html.replace(_AMPERSAND, "&amp;"))


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        # "*": nothing. Left out, nh3 keeps its default `lang` and `title` on every tag.
        attributes={"*": set(), **ALLOWED_ATTRIBUTES},
        url_schemes=URL_SCHEMES,
        # Relative links ("foo", "//host", "#x", "") would resolve differently on the
        # article and on /api/discussion, and are not in the allow-list: dropped.
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    )


def count_links(html: str) -> int:
    return len(re.findall(r"<a\s", html))
