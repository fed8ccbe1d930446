"""Nothing half-written is published: a page or shared text that still holds TODO fails the build.

`make new-page` starts a page from scripts/page_template.md, whose placeholder
paragraphs begin with TODO, and editors may write TODO wherever they mean to come
back. The preview shows each one (and lists it in the page's problem banner);
`mkdocs build --strict` refuses the page with the line. Only the word in capitals
counts, and code (fenced or inline) is skipped, so the handbook can show it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from _report import body_line_offset, page_problem, problem
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

MARKER = "TODO"
_FIND = re.compile(
    r"(?P<fence>^[ \t]*(?P<mark>`{3,}|~{3,}).*?^[ \t]*(?P=mark)[ \t]*$)"
    r"|(?P<code>`+[^`\n]*`+)"
    rf"|\b{MARKER}\b",
    re.MULTILINE | re.DOTALL,
)
EXCERPT = 60


def unfinished(markdown: str) -> list[tuple[int, str]]:
    """(line, the line's text) for each line of the Markdown that holds the marker outside code."""
    if MARKER not in markdown:
        return []  # most pages: no need to look for code
    found: dict[int, str] = {}
    lines = markdown.split("\n")
    for match in _FIND.finditer(markdown):
        if match.group("fence") is None and match.group("code") is None:
            line = markdown.count("\n", 0, match.start()) + 1
            found.setdefault(line, lines[line - 1].strip())
    return sorted(found.items())


def message(text: str) -> str:
    shown = text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"
    return f'unfinished text "{shown}"; write it, then delete the word {MARKER}'


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Shared text goes into many pages: report its markers once, at its own file and line."""
    snippets = config.mdx_configs.get("pymdownx.snippets", {})
    root = Path(config.config_file_path).parent
    for folder in snippets.get("base_path", []):
        for path in sorted((root / folder).glob("*.md")):
            for line, text in unfinished(path.read_text(encoding="utf-8")):
                problem(os.path.relpath(path), line, message(text))
    return config


@event_priority(110)  # before shared text is filled in (shared_text.py), so lines are the file's own
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    offset = body_line_offset(page.file.content_string, markdown)
    for line, text in unfinished(markdown):
        page_problem(page, offset + line, message(text))
    return markdown
