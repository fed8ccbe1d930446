"""What readers download is minified (overrides/hooks/minify.py): pages without their
indentation, where whitespace cannot show, and the site's stylesheets and scripts
without comments."""

from __future__ import annotations

import gzip
import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import rcssmin  # type: ignore[import-untyped]
import rjsmin  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from tests.site.conftest import HOOKS
from tests.site.pages import ROOT


@pytest.fixture(scope="module")
def minify() -> Iterator[ModuleType]:
    sys.path.insert(0, str(HOOKS))
    try:
        yield importlib.import_module("minify")
    finally:
        sys.path.remove(str(HOOKS))


def test_each_run_of_whitespace_in_text_becomes_one_character(minify: ModuleType) -> None:
    html = "<ul>\n    <li>One   <em>two</em>\t three</li>\n\n    <li>four</li>\n</ul>  <p> x </p>"
    assert (
        minify.collapse_whitespace(html)
        == "<ul>\n<li>One <em>two</em> three</li>\n<li>four</li>\n</ul> <p> x </p>"
    )


@given(st.text(alphabet=" \t\n\r\f\u00a0ab.\x00", max_size=60))
def test_text_is_collapsed_as_one_run_at_a_time_would_be(minify: ModuleType, text: str) -> None:
    """The collapse takes several quick passes; each run must still come out as one character."""
    one_run_at_a_time = re.sub(r"[ \t\n\r\f]+", lambda run: "\n" if "\n" in run[0] else " ", text)
    assert minify.collapse_whitespace(f"<p>{text}</p>") == f"<p>{one_run_at_a_time}</p>"


def test_whitespace_that_shows_or_is_not_html_is_kept(minify: ModuleType) -> None:
    kept = [
        "<pre><code>if x:\n    y  =  1\n</code></pre>",
        "<p>Type <code>a   b</code> or <kbd>Ctrl  +  C</kbd></p>",
        '<textarea id="t">\n  as  typed\n</textarea>',
        "<script>\n  var a  =  '  ';\n</script>",
        "<style>\n  a  { color: red }\n</style>",
        "<!--  a   comment  -->",
    ]
    for html in kept:
        assert minify.collapse_whitespace(html) == html


def test_tags_and_attribute_values_are_left_as_they_are(minify: ModuleType) -> None:
    html = "<section  data-words=\"{&#34;a&#34;:  &#34;b  >  c&#34;}\"\n    title='x  y'>  text  </section>"
    assert minify.collapse_whitespace(html) == (
        "<section  data-words=\"{&#34;a&#34;:  &#34;b  >  c&#34;}\"\n    title='x  y'> text </section>"
    )


def test_kept_elements_are_found_in_any_case(minify: ModuleType) -> None:
    html = "<PRE>a  b</Pre >\n  <Code>c  d</CODE>  <p>e  f</p>"
    assert minify.collapse_whitespace(html) == "<PRE>a  b</Pre >\n<Code>c  d</CODE> <p>e f</p>"


def test_a_page_holding_a_nul_character_is_collapsed_all_the_same(minify: ModuleType) -> None:
    """The text parts are joined by NUL to be done at once; a page with one is done part by part."""
    html = "<p>a\x00  b</p>\n  <pre>c  \x00</pre>  <p>d</p>"
    assert minify.collapse_whitespace(html) == "<p>a\x00 b</p>\n<pre>c  \x00</pre> <p>d</p>"


def test_a_no_break_space_is_not_whitespace(minify: ModuleType) -> None:
    assert minify.collapse_whitespace("<p>10\u00a0 \u00a0mg</p>") == "<p>10\u00a0 \u00a0mg</p>"


def test_pages_are_built_without_their_indentation(built_site: Path, minify: ModuleType) -> None:
    """Material's templates indent; every page is built with its text's whitespace collapsed."""
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 60
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert minify.collapse_whitespace(text) == text, page


@pytest.mark.parametrize("folder", ["", "es/"])
def test_the_sites_stylesheets_are_built_minified(built_site: Path, folder: str) -> None:
    sheets = sorted((ROOT / "overrides/assets/stylesheets").glob("*.css"))
    assert [sheet.name for sheet in sheets] == ["comments.css", "site.css"]
    for sheet in sheets:
        built = (built_site / folder / "assets/stylesheets" / sheet.name).read_text(encoding="utf-8")
        assert built == rcssmin.cssmin(sheet.read_text(encoding="utf-8"))
        assert "/*" not in built
    source = (ROOT / "overrides/assets/stylesheets/site.css").stat().st_size
    assert (built_site / folder / "assets/stylesheets/site.css").stat().st_size < 0.7 * source


@pytest.mark.parametrize("folder", ["", "es/"])
def test_the_sites_scripts_are_built_minified(built_site: Path, folder: str) -> None:
    scripts = sorted((ROOT / "overrides/assets/javascripts").glob("**/*.js"))
    assert "comments.js" in [script.name for script in scripts]
    for script in scripts:
        relative = script.relative_to(ROOT / "overrides")
        built = (built_site / folder / relative).read_text(encoding="utf-8")
        assert built == rjsmin.jsmin(script.read_text(encoding="utf-8")).strip(), relative


@pytest.mark.parametrize("folder", ["", "es/"])
def test_the_comments_widget_is_at_most_5_kb_compressed(built_site: Path, folder: str) -> None:
    """The issue's budget for the widget: its script and stylesheet as gzip sends them."""
    parts = ("assets/javascripts/comments.js", "assets/stylesheets/comments.css")
    compressed = sum(len(gzip.compress((built_site / folder / part).read_bytes(), 9)) for part in parts)
    assert compressed <= 5 * 1024, f"the widget is {compressed:,} bytes compressed"


def test_inline_scripts_are_minified_and_json_data_is_not(minify: ModuleType) -> None:
    html = (
        '<script>\n  var a = 1;  // why\n</script><script data-sitemap="/s.xml">f( a ,b )</script>'
        '<script type="module">g( 1 )</script><script src="x.js"></script>'
        '<script type="application/ld+json">{"a": 1}</script>'
        '<script id="__config" type="application/json">{"b":  2}</script>'
    )
    assert minify.minify_scripts(html) == (
        '<script>var a=1;</script><script data-sitemap="/s.xml">f(a,b)</script>'
        '<script type="module">g(1)</script><script src="x.js"></script>'
        '<script type="application/ld+json">{"a": 1}</script>'
        '<script id="__config" type="application/json">{"b":  2}</script>'
    )


def test_our_inline_scripts_are_built_minified(built_site: Path) -> None:
    text = (built_site / "es/blog/medical-massage-in-san-diego/index.html").read_text(encoding="utf-8")
    for name in ("lazy-search.js", "alternate-sitemaps.js"):
        source = (ROOT / "overrides/assets/javascripts" / name).read_text(encoding="utf-8")
        assert source.strip() not in text
        assert rjsmin.jsmin(source) in text
