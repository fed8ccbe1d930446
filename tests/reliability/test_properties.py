"""Properties of what the service shows, for any input (Hypothesis).

Comment HTML: whatever the author types, the stored HTML holds only allow-listed
tags and attributes, links only to http, https or mailto, and plain text comes
back exactly as typed. Names: the no-JavaScript page shows a name exactly as typed
and never as markup.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape  # what Jinja's autoescape applies

from comments_service.core.rendering import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    LINK_REL,
    MAX_NESTING,
    URL_SCHEMES,
    Unrenderable,
    nesting,
    render,
)
from comments_service.web.html_pages import env

EXAMPLES = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that exercises Markdown and HTML: syntax characters, tags, schemes, entities.
FRAGMENTS = [
    *"*_`[]()<>&#-+!\"'=:/\\ aé\u202e\ue000",
    *["**", "1. ", "\n", "\n\n", "  \n", "> ", "[x](", '"title"', "example.org", "@"],
    *["<script>", "</script>", "<a href='javascript:alert(1)'>", "<img src=x onerror=alert(1)>"],
    *["<b title=x>", "<p lang=en>", "<!-- c -->", "&lt;", "&amp;", "&#60;", "&#x3c;"],
    *["javascript:", "JaVaScRiPt:", "data:text/html,", "vbscript:", "http://", "https://", "mailto:"],
    *["ftp://", "//", "#top", "<http://x.org>", "<a@b.co>"],
]
SCHEMES = [
    "",
    "http://",
    "https://",
    "mailto:",
    "javascript:",
    "//",
    "#",
    "/",
    "ftp://",
    "data:",
    "java\tscript:",
]
urls = st.tuples(st.sampled_from(SCHEMES), st.text(max_size=10)).map("".join)
links = st.builds("[{}]({}{})".format, st.text(max_size=5), urls, st.sampled_from(["", ' "t"', " 'title'"]))
pieces = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5), links)
markdownish = st.lists(pieces, max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=300), markdownish)

# No character with a meaning in Markdown; "<" and "&" stay, to prove they are escaped.
MARKDOWN = set("*_`[]()>#-+.!\\|~=:/\ue000")
plain_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Co"), blacklist_characters=MARKDOWN) | st.just("\n"),
    max_size=300,
)


class Tags(HTMLParser):
    """The elements, attributes and visible text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(fragment: str) -> Tags:
    parser = Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def words(text: str) -> str:
    return " ".join(text.split())


@EXAMPLES
@given(any_text)
def test_rendered_comment_holds_only_allowed_tags_attributes_and_link_schemes(text: str) -> None:
    if nesting(text) > MAX_NESTING:  # refused before parsing, and only then
        with pytest.raises(Unrenderable):
            render(text)
        return
    for tag, attrs in parse(render(text)).elements:
        assert tag in ALLOWED_TAGS, (text, tag)
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        assert set(attrs) <= allowed, (text, tag, attrs)
        if tag == "a":
            assert attrs["rel"] == LINK_REL, (text, attrs)
            if "href" in attrs:
                assert urlsplit(attrs["href"] or "").scheme.lower() in URL_SCHEMES, (text, attrs)


@EXAMPLES
@given(plain_text)
def test_plain_text_comes_back_exactly_as_typed(text: str) -> None:
    assert words("".join(parse(render(text)).text)) == words(text)


names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80).map(words)


@EXAMPLES
@given(names.filter(bool))
def test_name_is_shown_as_typed_and_never_as_markup(name: str) -> None:
    assert html.unescape(str(escape(name))) == name
    comment = {"id": 7, "state": "approved", "name": name, "created": "2026-11-26T10:00:00Z"}
    comment |= {"html": "<p>Hi</p>", "edited": None, "replies": []}
    macro = env.get_template("_comments.html").module.tree  # type: ignore[attr-defined]
    page = parse(str(macro([comment], "articles/first", 1, 3)))
    assert [tag for tag, _ in page.elements] == [
        "ol",
        "li",
        "article",
        "p",
        "strong",
        "bdi",
        "a",
        "time",
        "div",
        "p",
        "p",
        "a",
        "bdi",
    ]
    shown = "".join(page.text)
    assert f"{name} ·" in shown
    assert f"Reply to {name}" in shown
