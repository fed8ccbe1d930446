"""The edition's language in templates: the words partials write, and dates as its readers write them.

Templates read `strings`, this edition's table of data/strings.yml (see _strings.py), and
format a date with `| long_date` ("November 26, 2026", "26 de noviembre de 2026"). Hooks
read the same table through _strings.words(config).
"""

from __future__ import annotations

import datetime as dt

import _strings
from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _strings.words(config)  # a language without a table stops the build before any page
    return config


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    table = _strings.words(config)
    env.globals["strings"] = table

    def long_date(day: dt.date) -> str:
        return _strings.long_date(day, table)

    env.filters["long_date"] = long_date
    return env
