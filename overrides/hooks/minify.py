"""What a reader downloads carries no layout meant for editors: the pages without their
indentation, their inline scripts and the site's own stylesheets without comments.

A first view has a budget (bench/page_weight.py: an article's first view <= 80 KB).
site.css explains itself at length, which is right for editors and doubles what a
reader downloads (5.1 KB compressed, 2.6 KB without comments and spaces). The pages
as Material's templates write them are half indentation; a run of spaces and line
breaks between words or tags shows as one space, so each run becomes one character.

- Pages: each run of whitespace in text becomes one newline (if it had one) or one
  space. Tags and their attributes stay as they are, and so does all text where
  whitespace shows or is not HTML: pre, textarea, code and kbd (Material sets the last
  two to pre-wrap), script and style, and comments.
- Inline scripts a browser runs (ours: the search holder, the sitemap answerer, the
  comments and feedback loaders; Material's are minified already) are minified by
  rjsmin; JSON data (JSON-LD, Material's config) is left as it is.
- Stylesheets and scripts: every stylesheet of overrides/assets/stylesheets/ and script
  of overrides/assets/javascripts/ (Material's own are minified already) is minified in
  the built site, by rcssmin and rjsmin. The comments widget (comments.js and
  comments.css) is 4.3 KB compressed this way, 5.4 KB with its comments and spaces.

Runs before content_security_policy.py, which hashes the inline scripts as built.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import rcssmin  # type: ignore[import-untyped]
import rjsmin  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

STYLESHEETS = "assets/stylesheets"
SCRIPTS = "assets/javascripts"
# Whole elements whose text keeps its whitespace or is not HTML text, comments, and any
# tag (attribute values may hold ">" inside quotes); everything else is text. One group
# around the whole, so that splitting a page by it gives text, kept, text, ..., text.
_KEPT_ELEMENTS = ("pre", "textarea", "code", "kbd", "script", "style")
_ELEMENTS = "|".join(rf"{name}\b.*?</{name}" for name in _KEPT_ELEMENTS)
_KEPT = re.compile(
    rf"""(<(?:(?i:{_ELEMENTS})\s*>|!--.*?-->|[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>))""", re.DOTALL
)
# HTML's whitespace (not Python's \s, which takes in the no-break space). Each pattern
# starts with a character that is rare in text, so the regex engine skips to it instead
# of trying a match at every space: tabs, carriage returns and form feeds (become
# spaces), a line break and the whitespace after it, two spaces or more.
_ODD_SPACE = re.compile(r"[\t\r\f]")
_LINE_BREAK_RUN = re.compile(r"\n[ \n]*")
_SPACES = re.compile(r"  +")
# Joins a page's text parts, so that two passes over the page do all of them at once
# (a page has about 1,600); whitespace runs never reach it. A page holding it is done
# part by part.
_JOINT = "\x00"
# A script element; one with src, or a type other than JavaScript's (JSON data), is kept.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_KEEP_SCRIPT = re.compile(r"\bsrc=|\btype=\"(?!text/javascript\"|module\")", re.IGNORECASE)


def collapse_whitespace(html: str) -> str:
    """`html` with each run of whitespace in its text as one newline or one space."""
    parts = _KEPT.split(html)
    if _JOINT in html:
        parts[0::2] = [_collapse(text) for text in parts[0::2]]
    else:
        parts[0::2] = _collapse(_JOINT.join(parts[0::2])).split(_JOINT)
    return "".join(parts)


def _collapse(text: str) -> str:
    """Each run of whitespace as one line break if it holds one, else as one space."""
    if "\t" in text or "\r" in text or "\f" in text:
        text = _ODD_SPACE.sub(" ", text)
    return _SPACES.sub(" ", _LINE_BREAK_RUN.sub("\n", text)).replace(" \n", "\n")


@functools.cache
def _jsmin(script: str) -> str:
    """Pages carry the same few scripts: each is minified once per build."""
    return str(rjsmin.jsmin(script)).strip()


def minify_scripts(html: str) -> str:
    """`html` with each inline script a browser runs minified."""

    def minified(script: re.Match[str]) -> str:
        attributes, text = script.groups()
        if _KEEP_SCRIPT.search(attributes):
            return script.group(0)
        return f"<script{attributes}>{_jsmin(text)}</script>"

    return _SCRIPT.sub(minified, html)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return collapse_whitespace(minify_scripts(output))


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """The pages made from a template alone (404.html) too; the sitemaps are left as written."""
    if not template_name.endswith(".html"):
        return output_content
    return collapse_whitespace(minify_scripts(output_content))


def on_post_build(config: MkDocsConfig) -> None:
    custom, site = Path(str(config.theme.custom_dir)), Path(config.site_dir)
    assets = [(STYLESHEETS, "*.css", rcssmin.cssmin), (SCRIPTS, "**/*.js", _jsmin)]
    for folder, pattern, minified in assets:
        for source in sorted((custom / folder).glob(pattern)):
            built = site / source.relative_to(custom)
            if built.is_file():
                built.write_text(minified(source.read_text(encoding="utf-8")), encoding="utf-8")
