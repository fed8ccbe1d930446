"""Shared text: a `--8<-- "name.md"` line takes its text from includes/ before the other hooks read the page.

A fact several pages state (the title law, how to check a certificate, San Diego's
business rules) lives in one file in includes/, so the next review changes it once.
pymdownx.snippets would put the file in only while Markdown runs, after the hooks have
read the page: a citation such as [@CA3] in shared text would never become a numbered
link, and the build could not check it against the page's sources. So this hook puts
the text in first, indented like the line it replaces (inside a tab, a box or a
question), and the sources and glossary hooks see it as part of the page. A page
that includes shared text must list the text's sources like its own.

Left to pymdownx.snippets: the files it appends to every page (auto_append), the
escaped form `;--8<--` the handbook uses to show the syntax, and a name that is not
in includes/ (check_paths makes that fail the build).
Because the shared text adds lines, a problem the build reports further down such a
page may name a line a little off; this hook reports its own problems at the
`--8<--` line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from _report import body_line_offset, front_matter_line, page_problem
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

INCLUDE = re.compile(r'^(?P<indent>[ \t]*)-+8<-+[ \t]+"(?P<name>[^"\n]+)"[ \t]*$', re.MULTILINE)
CITATION = re.compile(r"\[@(?P<key>[A-Za-z0-9]+)\]")
MAX_DEPTH = 5  # shared text may include shared text, but never itself

_base: list[str] = []


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    snippets = config.mdx_configs.get("pymdownx.snippets", {})
    # Folders as pymdownx.snippets reads them: from the working directory (`!relative
    # $config_dir/...` in es/mkdocs.yml makes them start at the config file's folder).
    _base[:] = [os.path.abspath(folder) for folder in snippets.get("base_path", ["includes"])]
    return config


@event_priority(100)  # before every hook that reads the page's Markdown (sources, glossary, ...)
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "8<" not in markdown:
        return markdown
    source = page.file.content_string
    listed = {str(key) for key in page.meta.get("sources") or []}
    offset = body_line_offset(source, markdown)
    for match in INCLUDE.finditer(markdown):
        text = expand(match.group("name"), _base)
        if text is None:
            continue  # pymdownx.snippets reports it
        line = offset + markdown.count("\n", 0, match.start()) + 1
        for key in sorted({found.group("key") for found in CITATION.finditer(text)} - listed):
            page_problem(
                page,
                line,
                f"shared text '{match.group('name')}' cites [@{key}]; add {key} to this page's "
                f"'sources' (line {front_matter_line(source, 'sources')})",
            )
    return fill(markdown, _base)


def fill(text: str, base: Sequence[str], depth: int = 0) -> str:
    """The text with every `--8<--` line whose file is in `base` replaced by that file's text."""
    if depth > MAX_DEPTH:
        return text

    def include(match: re.Match[str]) -> str:
        shared = expand(match.group("name"), base, depth + 1)
        if shared is None:
            return match.group(0)
        indent = match.group("indent")
        return "\n".join(indent + row if row.strip() else "" for row in shared.splitlines())

    return INCLUDE.sub(include, text)


def expand(name: str, base: Sequence[str], depth: int = 0) -> str | None:
    """The text of `name` from the first folder of `base` that has it, filled in; None if absent."""
    path = next(
        (os.path.join(folder, name) for folder in base if os.path.isfile(os.path.join(folder, name))), None
    )
    if path is None:
        return None
    with open(path, encoding="utf-8") as handle:
        return fill(handle.read().strip("\n"), base, depth)
