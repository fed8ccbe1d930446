"""Comment text → safe HTML, once, when the comment is written.

A small Markdown subset (paragraphs, line breaks, emphasis, links, lists, quotes,
inline code) rendered with Python-Markdown, then sanitised by nh3 against an
allow-list. Raw HTML the author types is shown as text, never interpreted.
Reads serve the stored HTML and never render again.

Python-Markdown recurses once per level of nesting, so a few hundred nested list
markers in a short comment overflow the stack. Text nested deeper than
MAX_NESTING is refused before it reaches the parser, and a parser that raised
anyway is thrown away: a failed run leaves state behind that reset() does not clear.
"""

from __future__ import annotations

import logging
import re
import threading

import markdown
import nh3

from .messages import Text

log = logging.getLogger(__name__)

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

# Far deeper than any comment needs, far shallower than what breaks the parser (~500).
MAX_NESTING = 10

# What can open a level at the start of a line: a quote, a bullet or a numbered item.
_CONTAINER = re.compile(r"[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))")
# Inline, what can open or close a level: a run of emphasis characters, a bracket.
_DELIMITER = re.compile(r"[*_]+|\[|\]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")

_local = threading.local()


class Unrenderable(ValueError):
    """Text the renderer will not take; the message is for its author."""

    def __init__(self, text: Text):
        super().__init__(str(text))
        self.text = text


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
    """Render and sanitise; the result is safe to insert into a page as HTML.

    Raises Unrenderable, and nothing else, for text it will not render.
    """
    if nesting(text) > MAX_NESTING:
        raise Unrenderable(Text("too-nested", levels=MAX_NESTING))
    parser = _markdown()
    try:
        html = parser.convert(text.replace(_AMPERSAND, "").replace("&", _AMPERSAND))
        parser.reset()
        return sanitise(html.replace(_AMPERSAND, "&amp;"))
    except Exception as error:
        _local.parser = None  # never reused: the next comment gets a fresh parser
        log.exception("the Markdown renderer failed on a comment")
        raise Unrenderable(Text("unreadable")) from error


def nesting(text: str) -> int:
    """How deep `text` could nest, counted generously and without parsing it.

    Per line: the quotes, bullets and numbers that open it, plus its indentation in
    steps of four (only on lines with such a marker: indentation alone opens nothing).
    Per paragraph: the links and emphasis still open at any point (a run of n `*`
    or `_` opens up to n/2 levels).
    """
    lines = max((_line_nesting(line) for line in text.split("\n")), default=0)
    inline = max((_inline_nesting(part) for part in _BLANK_LINE.split(text)), default=0)
    return max(lines, inline)


def _line_nesting(line: str) -> int:
    markers, end = 0, 0
    while found := _CONTAINER.match(line, end):
        markers, end = markers + 1, found.end()
    if not markers:
        return 0
    # A space after each marker separates it; any further four columns indent a level.
    return markers + max(0, line[:end].expandtabs(4).count(" ") - markers) // 4


def _inline_nesting(paragraph: str) -> int:
    open_levels: list[int] = []
    deepest = 0
    for found in _DELIMITER.finditer(paragraph):
        mark, start, end = found.group(), found.start(), found.end()
        before = paragraph[start - 1] if start else " "
        after = paragraph[end] if end < len(paragraph) else " "
        if mark == "[":
            open_levels.append(1)
        elif mark == "]" or (not before.isspace() and open_levels):
            if open_levels:
                open_levels.pop()  # a closing bracket, or emphasis that closes
        elif not after.isspace():
            open_levels.append((len(mark) + 1) // 2)
        deepest = max(deepest, sum(open_levels))
    return deepest


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


def link_targets(html: str) -> set[str]:
    """Where the rendered comment's links go (nh3 writes every href in double quotes)."""
    return set(re.findall(r'<a\s[^>]*href="([^"]*)"', html))
