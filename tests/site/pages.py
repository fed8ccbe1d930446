"""What the site's sources say about its pages: front matter, folder defaults, nav, URLs.

The site tests compare the built output with these facts, so they are read from
docs/ and mkdocs.yml the same way the build reads them (MkDocs' own front-matter
parser, Material's .meta.yml folder defaults).
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


def source_pages() -> list[str]:
    """Every Markdown page under docs/, as a docs-relative POSIX path, sorted."""
    return sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))


@cache
def split(relative: str) -> tuple[dict[str, Any], str]:
    """The page's own front matter and its Markdown body."""
    body, meta = get_data((DOCS / relative).read_text(encoding="utf-8"))
    return meta, body


def page_meta(relative: str) -> dict[str, Any]:
    """Front matter on top of every enclosing folder's .meta.yml, as Material merges it."""
    merged: dict[str, Any] = {}
    folder = posixpath.dirname(relative)
    parts = folder.split("/") if folder else []
    for depth in range(len(parts) + 1):
        defaults = DOCS.joinpath(*parts[:depth], ".meta.yml")
        if defaults.is_file():
            merged.update(yaml.safe_load(defaults.read_text(encoding="utf-8")) or {})
    merged.update(split(relative)[0])
    return merged


def is_health(relative: str) -> bool:
    return page_meta(relative).get("health") is True


def health_pages() -> list[str]:
    return [page for page in source_pages() if is_health(page)]


def output_path(relative: str) -> str:
    """Where the page lands in the built site (directory URLs; posts under blog/<slug>/)."""
    if relative.startswith(POSTS):
        slug = page_meta(relative).get("slug") or Path(relative).stem
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
