"""rendering.render: the Markdown subset comments may use, and the HTML it must never produce."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from comments_service.rendering import count_links, render

SAFE_SCHEMES = {"", "http", "https", "mailto"}


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text a reader would see."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(markup: str) -> Elements:
    parser = Elements()
    parser.feed(markup)
    parser.close()
    return parser


def shown_text(markup: str) -> str:
    """The text without tags, entities decoded: what the reader sees, less the line structure."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup)).strip()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("*soft* and _also_", "<p><em>soft</em> and <em>also</em></p>"),
        ("**firm** and __also__", "<p><strong>firm</strong> and <strong>also</strong></p>"),
        ("Use `inline code`", "<p>Use <code>inline code</code></p>"),
        ("one\ntwo", "<p>one<br>\ntwo</p>"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
        ("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("first\n\nsecond", "<p>first</p>\n<p>second</p>"),
    ],
)
def test_allowed_subset_renders(source: str, expected: str) -> None:
    assert render(source) == expected


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[a study](https://example.org/study?a=1&b=2)", "https://example.org/study?a=1&b=2"),
        ("[plain](http://example.org/)", "http://example.org/"),
        ("<https://example.org/auto>", "https://example.org/auto"),
        ("[write](mailto:clinic@example.org)", "mailto:clinic@example.org"),
    ],
)
def test_links_keep_their_target_and_get_safe_rel(source: str, href: str) -> None:
    [(_tag, attrs)] = [element for element in parse(render(source)).tags if element[0] == "a"]
    assert attrs["href"] == href
    assert set((attrs["rel"] or "").split()) == {"nofollow", "ugc", "noopener"}


@pytest.mark.parametrize(
    ("source", "absent"),
    [
        ("# Heading", "<h1"),
        ("Heading\n=======", "<h1"),
        ("Sub\n---", "<h2"),
        ("![photo](https://example.org/x.png)", "<img"),
        ('<img src="https://example.org/x.png">', "<img"),
        ("<b>bold</b>", "<b>"),
        ("<div>block</div>", "<div"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "<table"),
        ("    indented code", "<pre"),
        ("```\nfenced\n```", "<pre"),
        ("***", "<hr"),
        ("<!-- hidden -->", "<!--"),
        ("<iframe src=https://example.org></iframe>", "<iframe"),
    ],
)
def test_features_outside_the_subset_are_not_rendered(source: str, absent: str) -> None:
    assert absent not in render(source)


def test_raw_html_is_shown_as_typed() -> None:
    assert shown_text(render("<b>bold</b> and <i>it</i>")) == "<b>bold</b> and <i>it</i>"


XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<p onclick="alert(1)">x</p>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](java\tscript:alert(1))",
    "[x](java\nscript:alert(1))",
    "[x](jav&#x61;script:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](javascript%3Aalert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    '[x](https://example.org "title" onmouseover=alert(1))',
    '[x](https://example.org/"onmouseover="alert(1))',
    "[x](https://example.org/'onmouseover='alert(1))",
    "[<img src=x onerror=alert(1)>](https://example.org)",
    "**<script>alert(1)</script>**",
    "`<script>alert(1)</script>`",
    "> <script>alert(1)</script>",
    "- [x](javascript:alert(1))",
    "<div style=background:url(javascript:alert(1))>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<a href='&#x6A;avascript:alert(1)'>x</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]


@pytest.mark.parametrize("source", XSS)
def test_hostile_input_never_yields_scripts_handlers_or_unsafe_links(source: str) -> None:
    markup = render(source)
    assert "<script" not in markup.lower()
    for tag, attrs in parse(markup).tags:
        assert tag in {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code"}
        assert not [name for name in attrs if name.lower().startswith("on")]
        assert set(attrs) <= {"href", "rel"}
        href = attrs.get("href")
        if href is not None:
            # Browsers drop tabs and newlines inside URLs before reading the scheme.
            compact = re.sub(r"[\t\n\r]", "", href).strip().lower()
            assert urlsplit(compact).scheme in SAFE_SCHEMES, href
            assert not compact.startswith(("javascript:", "data:", "vbscript:"))


@pytest.mark.parametrize(
    "source",
    [
        "&lt;",
        "<3",
        "a & b",
        "AT&T",
        "&amp;",
        "&#60;",
        "&copy; 2026",
        "x < y > z",
        "5 > 3 & 2 < 4",
        "\"quoted\" 'too'",
    ],
)
def test_what_the_author_typed_is_what_is_shown(source: str) -> None:
    markup = render(source)
    assert "".join(parse(markup).text).strip() == source
    assert shown_text(markup) == source


def test_rendering_is_the_same_on_every_call() -> None:
    # One parser is reused per thread: state from one comment must not leak into the next.
    first = render("[a](https://example.org)\n\n- item")
    render("> unclosed *quote")
    assert render("[a](https://example.org)\n\n- item") == first


@pytest.mark.parametrize(
    ("source", "links"),
    [
        ("no links here", 0),
        ("[one](https://example.org)", 1),
        ("[a](https://a.example) and [b](https://b.example) and <https://c.example>", 3),
        ("[bad](javascript:alert(1)) still counts as a link", 1),
        ("https://bare.example is not a link", 0),
        ("<a href='https://example.org'>typed html</a> is text", 0),
    ],
)
def test_count_links_counts_rendered_anchors(source: str, links: int) -> None:
    assert count_links(render(source)) == links
