"""MkDocs' warnings about a page's links and the nav, with the file and line like every other problem.

MkDocs checks each link and each nav entry, but its warning names only the page
("Doc file 'about/page.md' contains a link 'missing.md', but ..."). This hook puts
`docs/about/page.md:12: ` in front, the line where the link is written, found in the
page's source (or, for a link that comes from shared text, in includes/); a nav
entry gets the line of mkdocs.yml. The rest of MkDocs' message stays as it is.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

PAGE_LINK = re.compile(
    r"^Doc file '(?P<page>[^']+)' contains (?:a|an unrecognized relative|an absolute) link '(?P<url>[^']*)'"
)
NAV_ENTRY = re.compile(r"^A reference to '(?P<url>[^']+)' is included in the 'nav' configuration")


class _AddLine(logging.Filter):
    """Rewrites the message of each link warning MkDocs logs; lets every record through."""

    def __init__(self) -> None:
        super().__init__()
        self.docs = Path("docs")
        self.includes: list[Path] = []
        self.config_file = Path("mkdocs.yml")
        self.seen: dict[tuple[str, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.levelno >= logging.WARNING and not re.match(r"^[^\s:]+:\d+: ", text):
            where = self.locate(text)
            if where is not None:
                record.msg, record.args = f"{where}: {text}", ()
        return True

    def locate(self, text: str) -> str | None:
        """`file:line` of the link or nav entry the message is about, or None for other messages."""
        if match := PAGE_LINK.match(text):
            page, url = match.group("page"), match.group("url")
            # The same link written twice gives the same message twice: the nth names the nth line.
            count = self.seen[(page, url)] = self.seen.get((page, url), 0) + 1
            for path in [self.docs / page, *self.includes]:
                lines = link_lines(path, url)
                if lines:
                    return f"{os.path.relpath(path)}:{lines[min(count, len(lines)) - 1]}"
            return f"{os.path.relpath(self.docs / page)}:1"
        if match := NAV_ENTRY.match(text):
            lines = link_lines(self.config_file, match.group("url"))
            return f"{os.path.relpath(self.config_file)}:{lines[0] if lines else 1}"
        return None


_filter = _AddLine()


def link_lines(path: Path, url: str) -> list[int]:
    """Lines of the file where `url` is written as a link target: `](url`, `]: url`, `<url>`,
    `href="url"`, or a nav entry (`- Title: url` or `- url`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    target = re.escape(url)
    pattern = re.compile(
        rf"\]\(\s*<?{target}(?=[\s)>\"'])|\]:\s*<?{target}(?=\s|>|$)|<{target}>"
        rf"|(?:href|src)=[\"']{target}[\"']|[:-]\s+{target}\s*$",
        re.MULTILINE,
    )
    return [text.count("\n", 0, match.start()) + 1 for match in pattern.finditer(text)]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).parent
    _filter.docs = Path(config.docs_dir)
    _filter.includes = sorted(
        path
        for folder in config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", [])
        for path in (root / folder).glob("*.md")
    )
    _filter.config_file = Path(config.config_file_path)
    _filter.seen.clear()
    for name in ("mkdocs.structure.pages", "mkdocs.structure.nav"):
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)
    return config
