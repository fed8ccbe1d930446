"""rendering.render: the Markdown subset comments may use, and the HTML it must never produce."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments_service.core import rendering
from comments_service.core.rendering import ALLOWED_TAGS, MAX_NESTING, Unrenderable, count_links, render

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


# -- Nesting: refused before the parser sees it, and a failed parser never reused --------

REFERENCE = ("One *two* **three** [four](https://example.org/)\n\nFive", None)
REFERENCE_HTML = (
    '<p>One <em>two</em> <strong>three</strong> <a href="https://example.org/" '
    'rel="nofollow ugc noopener">four</a></p>\n<p>Five</p>'
)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("- " * 500 + "x", id="the-reported-list"),
        pytest.param("* " * 500 + "x", id="star-list"),
        pytest.param("1. " * 1600 + "x", id="numbered-list"),
        pytest.param("> " * 2000 + "x", id="quotes"),
        pytest.param("> - " * 300 + "x", id="quoted-lists"),
        pytest.param("".join(" " * (4 * n) + "- x\n" for n in range(40)), id="indented-lists"),
        pytest.param("*" * 40 + "x" + "*" * 40, id="emphasis-runs"),
        pytest.param("*a _b " * 30 + "x" + " b_ a*" * 30, id="alternating-emphasis"),
        pytest.param("[" * 4000 + "x", id="open-brackets"),
    ],
)
def test_deeply_nested_text_is_refused_before_it_reaches_the_parser(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_parser() -> None:
        raise AssertionError("the parser was reached")

    monkeypatch.setattr(rendering, "_markdown", no_parser)
    with pytest.raises(Unrenderable, match=f"more than {MAX_NESTING} levels"):
        render(source)


def test_nesting_up_to_the_limit_renders() -> None:
    lists = render("- " * MAX_NESTING + "deep")
    assert lists.count("<ul>") == MAX_NESTING
    quotes = render("> " * MAX_NESTING + "deep")
    assert quotes.count("<blockquote>") == MAX_NESTING
    assert render("**bold *and* plain** [link](https://example.org/)").count("<") == 8


@pytest.mark.parametrize(
    "source",
    [
        "A plain sentence, with (brackets) and 5 * 3 = 15.",
        "snake_case_names and __init__ and a_b_c_d_e_f_g_h_i_j_k_l",
        "Name: ______________ Date: ________",
        "*" * 30,
        "- one\n- two\n    - nested\n        - deeper\n\n> quoted\n> > twice",
    ],
)
def test_ordinary_text_is_not_counted_as_deep(source: str) -> None:
    assert rendering.nesting(source) <= 3
    render(source)


def test_a_parser_that_raised_is_never_used_again() -> None:
    parser = rendering._markdown()

    def broken(text: str) -> str:
        parser.parser.state.set("list")  # what a RecursionError deep in a list left behind
        raise RecursionError("maximum recursion depth exceeded")

    parser.convert = broken  # type: ignore[method-assign]
    with pytest.raises(Unrenderable):
        render("Anything.")
    assert render(REFERENCE[0]) == REFERENCE_HTML


_LEAVES = st.sampled_from(["x", "two words", "[a](https://example.org/)", "`code`", "<b>", "&amp;", "*", "_"])
_MARKERS = ["- ", "* ", "+ ", "1. ", "> ", ">", "[", "*", "_", "**", "__", "    ", "\t", "    - ", "\n"]


def _wrapped(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds("{}{}".format, st.sampled_from(_MARKERS), inner),
        st.builds("*{}*".format, inner),
        st.builds("**{}**".format, inner),
        st.builds("_{}_".format, inner),
        st.builds("[{}](https://example.org/)".format, inner),
        st.builds("{}\n{}".format, inner, inner),
        st.builds("{}\n\n{}".format, inner, inner),
    )


deep_text = st.one_of(
    st.recursive(_LEAVES, _wrapped, max_leaves=80),
    st.builds(
        lambda marker, times, tail: marker * times + tail,
        st.sampled_from(_MARKERS),
        st.integers(min_value=0, max_value=1200),
        _LEAVES,
    ),
).map(lambda text: text[:5000])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deep_text)
def test_deep_structures_render_to_allowed_html_or_are_refused(text: str) -> None:
    try:
        markup = render(text)
    except Unrenderable:
        assert rendering.nesting(text) > MAX_NESTING
    else:
        assert {tag for tag, _ in parse(markup).tags} <= ALLOWED_TAGS
    # Whatever happened, the next comment renders in full.
    assert render(REFERENCE[0]) == REFERENCE_HTML
