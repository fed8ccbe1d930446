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
- Stylesheets: every stylesheet of overrides/assets/stylesheets/ (Material's own are
  minified already) is minified in the built site by rcssmin.

Runs before content_security_policy.py, which hashes the inline scripts as built.
"""

from __future__ import annotations

import re
from pathlib import Path

import rcssmin  # type: ignore[import-untyped]
import rjsmin  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

STYLESHEETS = "assets/stylesheets"
# Whole elements whose text keeps its whitespace or is not HTML text, comments, and any
# tag (attribute values may hold ">" inside quotes); everything else is text.
_KEPT = re.compile(
    r"""<(pre|textarea|code|kbd|script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""",
    re.DOTALL | re.IGNORECASE,
)
# HTML's whitespace (not Python's \s, which takes in the no-break space).
_SPACES = re.compile(r"[ \t\n\r\f]+")
# A script element; one with src, or a type other than JavaScript's (JSON data), is kept.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_KEEP_SCRIPT = re.compile(r"\bsrc=|\btype=\"(?!text/javascript\"|module\")", re.IGNORECASE)


def collapse_whitespace(html: str) -> str:
    """`html` with each run of whitespace in its text as one newline or one space."""
    parts, start = [], 0
    for kept in _KEPT.finditer(html):
        parts += [_collapse(html[start : kept.start()]), kept.group(0)]
        start = kept.end()
    parts.append(_collapse(html[start:]))
    return "".join(parts)


def _collapse(text: str) -> str:
    return _SPACES.sub(lambda run: "\n" if "\n" in run.group(0) else " ", text)


def minify_scripts(html: str) -> str:
    """`html` with each inline script a browser runs minified."""

    def minified(script: re.Match[str]) -> str:
        attributes, text = script.groups()
        if _KEEP_SCRIPT.search(attributes):
            return script.group(0)
        return f"<script{attributes}>{rjsmin.jsmin(text).strip()}</script>"

    return _SCRIPT.sub(minified, html)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return collapse_whitespace(minify_scripts(output))


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """The pages made from a template alone (404.html) too; the sitemaps are left as written."""
    if not template_name.endswith(".html"):
        return output_content
    return collapse_whitespace(minify_scripts(output_content))


def on_post_build(config: MkDocsConfig) -> None:
    source = Path(str(config.theme.custom_dir)) / STYLESHEETS
    for sheet in sorted(source.glob("*.css")):
        built = Path(config.site_dir) / STYLESHEETS / sheet.name
        if built.is_file():
            built.write_text(rcssmin.cssmin(sheet.read_text(encoding="utf-8")), encoding="utf-8")
