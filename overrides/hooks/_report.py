"""How hooks tell an editor what is wrong: one line with the file, the line and the fix.

Problems are logged as warnings on MkDocs' logger: `mkdocs build --strict` then fails
after listing every problem, while `mkdocs serve` keeps previewing.
Not a hook itself (MkDocs only loads the files listed under `hooks:`).
"""

from __future__ import annotations

import logging
import os
import re

from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks")


def problem(path: str, line: int, message: str) -> None:
    """Log one problem as `path:line: message`."""
    log.warning("%s:%d: %s", path, line, message)


def page_problem(page: Page, line: int, message: str) -> None:
    problem(display_path(page), line, message)


def display_path(page: Page) -> str:
    """The page's path as an editor sees it, relative to where the build runs."""
    return os.path.relpath(page.file.abs_src_path or page.file.src_uri)


def front_matter_line(source: str, field: str, value: str | None = None) -> int:
    """Line of `field:` (or of `value` inside that field) in the front matter, else 1."""
    lines = source.splitlines()
    start = None
    for number, text in enumerate(lines, start=1):
        if number > 1 and text.strip() == "---":
            break
        if re.match(rf"^{re.escape(field)}\s*:", text):
            start = number
            if value is None or re.search(rf"\b{re.escape(value)}\b", text):
                return number
        elif start is not None and value is not None and re.search(rf"\b{re.escape(value)}\b", text):
            return number
    return start or 1


def body_line_offset(source: str, markdown: str) -> int:
    """How many lines of the source file come before the Markdown body (the front matter)."""
    return max(source.count("\n") - markdown.count("\n"), 0)
