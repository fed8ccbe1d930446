"""The site's language editions: one MkDocs project each, built into one site.

mkdocs.yml builds the English edition into site/; es/mkdocs.yml (which INHERITs it)
builds the Spanish one into site/es/. `extra.alternate`, which Material's language
selector reads, lists them: `lang` is an edition's theme.language and `link` its path
in the site. An edition's pages live in <path>docs/ beside the English docs/ (es/docs/)
under the same file names, so a page's counterpart in another edition is the file at
the same path there, published at the same URL under that edition's path.
Not a hook itself (MkDocs only loads the files listed under `hooks:`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError


@dataclass(frozen=True)
class Edition:
    name: str  # in its own language: "English", "Español"
    lang: str
    path: str  # in the site: "" for the edition at its root, "es/" for Spanish


def all_editions(config: MkDocsConfig) -> list[Edition]:
    found = []
    for entry in config.extra.get("alternate") or []:
        path = str(entry["link"]).strip("/")
        found.append(Edition(str(entry["name"]), str(entry["lang"]), f"{path}/" if path else ""))
    return found


def current(config: MkDocsConfig) -> Edition:
    """The edition this build makes, by its theme.language; one not listed stops the build."""
    language = str(config.theme["language"])
    for edition in all_editions(config):
        if edition.lang == language:
            return edition
    raise PluginError(
        f"theme.language is '{language}', but extra.alternate lists no edition with lang: {language}"
    )


def root_url(config: MkDocsConfig) -> str:
    """The whole site's address: site_url without this edition's path (see editions.py)."""
    site = str(config.site_url or "/")
    return site.removesuffix(current(config).path)


def site_root(config: MkDocsConfig) -> Path | None:
    """The whole site's folder when this edition is built into its place in it (site/es/ for
    site/), else None: a preview (`mkdocs serve`) or a build of this edition alone."""
    site = Path(config.site_dir).resolve()
    parts = tuple(part for part in current(config).path.split("/") if part)
    if not parts:
        return site
    return site.parents[len(parts) - 1] if site.parts[-len(parts) :] == parts else None


def docs_dir(config: MkDocsConfig, edition: Edition) -> Path:
    """Where an edition's pages live: this build's docs_dir, or <path>docs/ of the repository."""
    if edition == current(config):
        return Path(config.docs_dir)
    here = Path(config.config_file_path).resolve().parent
    for _ in (part for part in current(config).path.split("/") if part):
        here = here.parent
    return here / edition.path / "docs"


def has_page(docs: Path, url: str) -> bool:
    """Whether `docs` holds a page published at `url` ("" is the home page, "faq/" is faq.md)."""
    folder = url.rstrip("/")
    candidates = [docs / folder / "index.md"] + ([docs / f"{folder}.md"] if folder else [])
    return any(path.is_file() for path in candidates)


def entries_of_other_editions(path: Path, section: str, edition_path: str) -> dict[str, Any]:
    """The entries of `section` in the site's file at `path` that other editions wrote
    (those whose "url" is not under `edition_path`): a translated edition's build adds its
    own to the file its reference edition wrote, replacing those of its previous build."""
    prefix = f"/{edition_path}"
    entries = json.loads(path.read_text(encoding="utf-8"))[section]
    return {key: entry for key, entry in entries.items() if not str(entry.get("url", "")).startswith(prefix)}
