"""The site's language editions (see _editions.py): each one's address, the images they
share, and each page's counterpart in the other editions.

- A translated edition is published under its path (site/es/), so its site_url gets that
  path: canonical links, the sitemap, the feed and the structured data follow.
- It takes the files of the English docs/assets/ it does not have itself (the favicon,
  the social card, the diagrams), so its pages keep the English pages' image links.
- A link of a translated page to a page only the English edition has (the editor
  handbook, `../contributing/index.md` as in English) leads to that English page.
- Templates get `alternates(page)`: this page in every edition, for the language
  selector (partials/alternate.html), the <link hreflang> of each page (main.html) and
  the search engines' sitemap (sitemap-hreflang.xml). A page's counterpart is the file
  at the same path in the other edition's docs; where there is none (the editor
  handbook, the blog's archive and category pages), the selector leads to that
  edition's nearest page instead and no hreflang link claims an equivalent.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import _editions
from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

SHARED_ASSETS = "assets/"
# An inline Markdown link to a page: ](path.md) or ](path.md#anchor).
PAGE_LINK = re.compile(r"\]\((?P<path>[^)\s#]+\.md)(?P<anchor>#[^)\s]*)?\)")


@dataclass(frozen=True)
class Alternate:
    name: str
    lang: str
    href: str  # from the page, for a reader's link
    url: str  # absolute, for hreflang
    same_page: bool  # this page in that edition (False: that edition's nearest page)
    current: bool


# This build's answers: a page's alternates (by source path; None is the 404 page), asked
# for three times per page (the language selector, its hreflang links, the sitemap), and
# each edition's docs folder. Emptied for each build, so a preview's rebuild sees new pages.
_alternates: dict[str | None, list[Alternate]] = {}
_docs: dict[_editions.Edition, Path] = {}


@event_priority(100)  # before every other hook and plugin reads site_url
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _alternates.clear()
    _docs.clear()
    edition = _editions.current(config)
    site = str(config.site_url or "")
    if edition.path and not site.endswith(f"/{edition.path}"):
        config.site_url = site.rstrip("/") + "/" + edition.path
    if config.extra.get("production") and _editions.site_root(config) is None:
        raise PluginError(
            f"the {edition.name} edition builds into the site's {edition.path} folder; "
            f"give `-d <site>/{edition.path.rstrip('/')}` (make site does)"
        )
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """A translated edition publishes the English docs' assets it has no copy of."""
    editions = _editions.all_editions(config)
    if _editions.current(config) == editions[0]:
        return files
    reference = _editions.docs_dir(config, editions[0])
    for path in sorted((reference / SHARED_ASSETS).rglob("*")):
        relative = path.relative_to(reference).as_posix()
        if path.is_file() and files.get_file_from_path(relative) is None:
            files.append(File(relative, str(reference), config.site_dir, config.use_directory_urls))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Links to pages only the English edition has lead to them, in English."""
    editions = _editions.all_editions(config)
    if _editions.current(config) == editions[0] or ".md" not in markdown:
        return markdown
    reference = _editions.docs_dir(config, editions[0])
    root = _editions.root_url(config)
    here = posixpath.dirname(page.file.src_uri)

    def relink(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(here, match.group("path")))
        if files.get_file_from_path(target) is not None or not (reference / target).is_file():
            return match.group(0)  # this edition's page, or none at all (MkDocs reports it)
        folder, name = posixpath.split(target.removesuffix(".md"))
        url = folder if name == "index" else posixpath.join(folder, name)
        return f"]({root}{url + '/' if url else ''}{match.group('anchor') or ''})"

    return PAGE_LINK.sub(relink, markdown)


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    env.globals["alternates"] = functools.partial(alternates, config)
    env.globals["hreflang"] = functools.partial(hreflang, config)
    env.globals["sitemap_path"] = urlsplit(str(config.site_url or "/")).path + "sitemap.xml"
    return env


def alternates(config: MkDocsConfig, page: Page | None) -> list[Alternate]:
    """This page in every edition, the current one included (None: the 404 page)."""
    key = page.file.src_uri if page is not None else None
    if key not in _alternates:
        _alternates[key] = _find_alternates(config, page)
    return _alternates[key]


def _find_alternates(config: MkDocsConfig, page: Page | None) -> list[Alternate]:
    here = _editions.current(config)
    root = _editions.root_url(config)
    found = []
    for edition in _editions.all_editions(config):
        target = _counterpart(config, edition, page)
        same_page = target is not None
        target = target if target is not None else _nearest(config, edition, page)
        href = urlsplit(root).path + edition.path + target
        if page is not None:
            href = _relative(edition.path + target, here.path + page.url)
        url = root + edition.path + target
        found.append(Alternate(edition.name, edition.lang, href, url, same_page, edition == here))
    return found


def _counterpart(config: MkDocsConfig, edition: _editions.Edition, page: Page | None) -> str | None:
    """The page's URL in `edition` when that edition has the same page, else None."""
    if page is None:
        return None
    if edition == _editions.current(config):
        return page.url
    if page.file.generated_by:
        return None  # the blog's archive and category pages: their names differ by language
    return page.url if (_docs_dir(config, edition) / page.file.src_uri).is_file() else None


def _nearest(config: MkDocsConfig, edition: _editions.Edition, page: Page | None) -> str:
    """The closest enclosing folder of the page's URL that `edition` has a page for."""
    parts = (page.url if page is not None else "").strip("/").split("/")
    docs = _docs_dir(config, edition)
    for depth in range(len(parts) - 1, 0, -1):
        folder = "/".join(parts[:depth]) + "/"
        if _editions.has_page(docs, folder):
            return folder
    return ""


def _docs_dir(config: MkDocsConfig, edition: _editions.Edition) -> Path:
    if edition not in _docs:
        _docs[edition] = _editions.docs_dir(config, edition)
    return _docs[edition]


def _relative(url: str, here: str) -> str:
    """`url` from the page at `here` (both from the site's root); a folder keeps its slash."""
    relative = get_relative_url(url, here)
    return relative + "/" if (not url or url.endswith("/")) and not relative.endswith("/") else relative


def hreflang(config: MkDocsConfig, page: Page | None) -> list[tuple[str, str]]:
    """(hreflang, URL) for each edition that has this page, then x-default (the English
    page); nothing for a page only one edition has."""
    found = [alternate for alternate in alternates(config, page) if alternate.same_page]
    if len(found) < 2:
        return []
    default = [("x-default", found[0].url)] if found[0].lang == _editions.all_editions(config)[0].lang else []
    return [(alternate.lang, alternate.url) for alternate in found] + default
