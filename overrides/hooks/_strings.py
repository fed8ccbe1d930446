"""The words the site writes for readers, in the language of the edition being built.

Every reader-visible text a hook or a template writes (the Sources heading, the review
line, the care card, the footer, ...) comes from one table per language in the file
`extra.strings` names (data/strings.yml), chosen by theme.language. Hooks call
`words(config)`; templates read the same table as `strings` (language.py).
Not a hook itself (MkDocs only loads the files listed under `hooks:`).
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cache
from typing import Any

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

REFERENCE = "en"  # the language pages are written in first; the others translate it
# Keys only a translated edition's table has: what the reference language needs no words for.
TRANSLATED_ONLY = {"register_groups", "translation"}


def words(config: MkDocsConfig) -> dict[str, Any]:
    """The table of this build's language; a missing language stops the build."""
    path = os.path.join(os.path.dirname(config.config_file_path), config.extra["strings"])
    language = str(config.theme["language"])
    tables = _load(os.path.abspath(path), os.path.getmtime(path))
    if language not in tables:
        raise PluginError(
            f"{os.path.relpath(path)} has no table for theme.language '{language}'; "
            f"add one with the keys of '{REFERENCE}'"
        )
    return tables[language]


@cache
def _load(path: str, mtime: float) -> dict[str, dict[str, Any]]:
    """The file's tables, read again when it changes (mtime is part of the cache key)."""
    with open(path, encoding="utf-8") as handle:
        # libyaml's safe loader when PyYAML has it: the same tables, ten times faster.
        return dict(
            yaml.load(handle, Loader=yaml.CSafeLoader) if yaml.__with_libyaml__ else yaml.safe_load(handle)
        )


def long_date(day: dt.date, table: dict[str, Any]) -> str:
    """A date as readers of the language write it: "November 26, 2026", "26 de noviembre de 2026"."""
    month = table["months"][day.month - 1]
    return str(table["date_format"]).format(day=day.day, month=month, year=day.year)
