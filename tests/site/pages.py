"""What the site's sources say about its pages: front matter, folder defaults, nav, URLs.

The site tests compare the built output with these facts, so they are read from
docs/ and mkdocs.yml the same way the build reads them (MkDocs' own front-matter
parser, Material's .meta.yml folder defaults). The site has two editions: English
(docs/, mkdocs.yml, built at the site's root) and Spanish (es/docs/, es/mkdocs.yml,
built into es/); the functions take an edition's docs folder, English by default.
"""

from __future__ import annotations

import importlib.util
import posixpath
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from mkdocs.utils.meta import get_data

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
INCLUDES = ROOT / "includes"
POSTS = "blog/posts/"
ES_DOCS = ROOT / "es" / "docs"
ES_INCLUDES = ROOT / "es" / "includes"
HANDBOOK = "contributing/"
# Each edition's folder in the built site, with its language, docs and config.
EDITIONS = {
    "": {"lang": "en", "docs": DOCS, "config": ROOT / "mkdocs.yml"},
    "es/": {"lang": "es", "docs": ES_DOCS, "config": ROOT / "es" / "mkdocs.yml"},
}


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without resolving !ENV or !!python/name tags (the nav needs neither)."""


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def load_config(path: Path = ROOT / "mkdocs.yml") -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), _ConfigLoader)  # noqa: S506 (safe subclass)


def nav_files(nav: list[Any]) -> list[str]:
    """Every Markdown file named anywhere in a nav tree, in order."""
    found: list[str] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            found += nav_files(value)
        elif isinstance(value, str) and value.endswith(".md"):
            found.append(value)
    return found


def source_pages(docs: Path = DOCS) -> list[str]:
    """Every Markdown page under an edition's docs, as a docs-relative POSIX path, sorted."""
    return sorted(path.relative_to(docs).as_posix() for path in docs.rglob("*.md"))


def reader_pages(docs: Path = DOCS) -> list[str]:
    """The pages readers read: all but the editor handbook (English only)."""
    return [page for page in source_pages(docs) if not page.startswith(HANDBOOK)]


@cache
def split(relative: str, docs: Path = DOCS) -> tuple[dict[str, Any], str]:
    """The page's own front matter and its Markdown body."""
    body, meta = get_data((docs / relative).read_text(encoding="utf-8"))
    return meta, body


def folder_defaults(relative: str, docs: Path = DOCS) -> dict[str, Any]:
    """Every enclosing folder's .meta.yml, merged as Material merges them."""
    merged: dict[str, Any] = {}
    folder = posixpath.dirname(relative)
    parts = folder.split("/") if folder else []
    for depth in range(len(parts) + 1):
        defaults = docs.joinpath(*parts[:depth], ".meta.yml")
        if defaults.is_file():
            merged.update(yaml.safe_load(defaults.read_text(encoding="utf-8")) or {})
    return merged


def page_meta(relative: str, docs: Path = DOCS) -> dict[str, Any]:
    """Front matter on top of every enclosing folder's .meta.yml, as Material merges it."""
    return {**folder_defaults(relative, docs), **split(relative, docs)[0]}


def is_health(relative: str, docs: Path = DOCS) -> bool:
    return page_meta(relative, docs).get("health") is True


def health_pages(docs: Path = DOCS) -> list[str]:
    return [page for page in source_pages(docs) if is_health(page, docs)]


def edition_of(built: str) -> str:
    """The edition folder ("" or "es/") a built file ("es/faq/index.html") belongs to."""
    return next((folder for folder in EDITIONS if folder and built.startswith(folder)), "")


@cache
def strings(folder: str) -> dict[str, Any]:
    """The words the build writes for an edition (data/strings.yml, by its language)."""
    tables = yaml.safe_load((ROOT / "data" / "strings.yml").read_text(encoding="utf-8"))
    return dict(tables[EDITIONS[folder]["lang"]])


def output_path(relative: str, docs: Path = DOCS) -> str:
    """Where the page lands in its edition (directory URLs; posts under blog/<slug>/)."""
    if relative.startswith(POSTS):
        slug = page_meta(relative, docs).get("slug") or Path(relative).stem
        return f"blog/{slug}/index.html"
    stem = relative.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


@cache
def readability() -> ModuleType:
    """bench/readability.py, whose Markdown-to-prose cleaning the content tests reuse."""
    spec = importlib.util.spec_from_file_location("bench_readability", ROOT / "bench" / "readability.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
