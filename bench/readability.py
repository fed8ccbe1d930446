"""Readability of every page: Flesch-Kincaid grade and word count, hardest page first.

Health pages should read at grade 11 or below (plain language, Part 3 of the
content brief); the script exits 1 when one does not, so `make bench` and the
site tests catch a page that drifts. Only the prose is measured: front matter,
code, HTML tags, [@KEY] citations, admonition markers, link URLs, headings and
tables are left out (headings and table cells are not sentences and would make
any page look easier than it is).

    .venv/bin/python bench/readability.py
"""

from __future__ import annotations

import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import textstat  # type: ignore[import-untyped]
import yaml
from mkdocs.utils.meta import get_data

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MAX_HEALTH_GRADE = 11.0
# Fernández-Huerta, a Spanish reading-ease score (0-100, higher is easier): 60 and up
# reads as "normal" or easier, the Spanish edition's target for a page with at least
# MIN_SCORED_WORDS words of prose (fewer are too few to score).
MIN_SPANISH_EASE = 60.0
MIN_SCORED_WORDS = 100

FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)
ADMONITION = re.compile(r"^(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+[\w-]+)*(?:\s+\"(?P<title>[^\"]*)\")?\s*$")
HEADING = re.compile(r"^#{1,6}\s+")
ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+|^:\s{3}")
TABLE_ROW = re.compile(r"^\|.*\|$")
# Lines that carry no prose: abbreviations, snippets, attribute lists, HTML comments, rules.
NOT_PROSE = re.compile(r"^(?:\*\[[^\]]+\]:.*|--8<--.*|\{:?[^}]*\}|<!--.*-->|[-*_]{3,}|=+)$")
INLINE = [
    (re.compile(r"`[^`\n]*`"), ""),  # inline code
    (re.compile(r"(?:\s*\[@[A-Za-z0-9]+\])+"), ""),  # citations, with the space before them
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links: keep the text, drop the URL
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"<[^>]+>"), ""),  # HTML tags (their text stays)
    (re.compile(r"\{:?[^}]*\}"), ""),  # attribute lists such as { .md-button }
    (re.compile(r":[a-z0-9]+(?:-[a-z0-9]+)+:"), ""),  # emoji and icon shortcodes
    (re.compile(r"(\*\*|__|\*|(?<!\w)_(?!\s))"), ""),  # emphasis markers
    (re.compile(r"https?://\S+"), ""),  # bare URLs
]


@dataclass(frozen=True)
class Measure:
    grade: float
    words: int


def blocks(markdown: str) -> list[tuple[str, str]]:
    """The page as (kind, text) blocks: heading, paragraph, item, title, table-header, table-row.

    Markdown syntax is removed; each block is one run of prose, so a heading or a
    list item never merges with the sentence after it. Table rows keep their cells
    joined by " | ".
    """
    body = get_data(markdown)[0]
    body = re.sub(r"<!--.*?-->", "", FENCE.sub("", body), flags=re.DOTALL)
    found: list[tuple[str, str]] = []
    kind, lines = "paragraph", list[str]()

    def close() -> None:
        nonlocal kind, lines
        text = clean(" ".join(lines))
        if text:
            found.append((kind, text))
        kind, lines = "paragraph", list[str]()

    for raw in body.splitlines():
        line = raw.strip()
        if not line or NOT_PROSE.match(line):
            close()
        elif admonition := ADMONITION.match(line):
            close()
            if admonition.group("title"):
                found.append(("title", clean(admonition.group("title"))))
        elif HEADING.match(line):
            close()
            found.append(("heading", clean(HEADING.sub("", line))))
        elif TABLE_ROW.match(line):
            close()
            if not re.fullmatch(r"[|:\-\s]+", line):  # the |---|---| separator row
                first = not found or found[-1][0] not in {"table-header", "table-row"}
                cells = [clean(cell) for cell in line.strip("|").split("|")]
                found.append(("table-header" if first else "table-row", " | ".join(cells)))
        elif ITEM.match(line):
            close()
            kind, lines = "item", [ITEM.sub("", line)]
        else:
            lines.append(line)
    close()
    return found


def clean(text: str) -> str:
    for pattern, replacement in INLINE:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def prose(markdown: str) -> str:
    """The sentences readers read: paragraphs, list items and admonition titles."""
    sentences = []
    for kind, text in blocks(markdown):
        if kind in {"paragraph", "item", "title"}:
            # A list item or title without a full stop still ends a sentence.
            sentences.append(text if text[-1] in ".!?:" else text + ".")
    return "\n".join(sentences)


def measure(markdown: str) -> Measure:
    text = prose(markdown)
    words = textstat.lexicon_count(text)
    return Measure(round(textstat.flesch_kincaid_grade(text), 1) if words else 0.0, words)


def spanish_ease(text: str) -> float:
    """The Fernández-Huerta score of Spanish prose (from prose(); textstat, set to Spanish for it)."""
    if not text.strip():
        return 0.0
    textstat.set_lang("es")
    try:
        return round(float(textstat.fernandez_huerta(text)), 1)
    finally:
        textstat.set_lang("en_US")


def is_health(relative: str) -> bool:
    """`health: true` in the page's front matter or an enclosing folder's .meta.yml."""
    meta: dict[str, object] = {}
    parts = posixpath.dirname(relative).split("/") if "/" in relative else []
    for depth in range(len(parts) + 1):
        defaults = DOCS.joinpath(*parts[:depth], ".meta.yml")
        if defaults.is_file():
            meta.update(yaml.safe_load(defaults.read_text(encoding="utf-8")) or {})
    meta.update(get_data((DOCS / relative).read_text(encoding="utf-8"))[1])
    return meta.get("health") is True


def measure_site() -> list[tuple[str, bool, Measure]]:
    pages = sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))
    return [(page, is_health(page), measure((DOCS / page).read_text(encoding="utf-8"))) for page in pages]


def main() -> int:
    rows = sorted(measure_site(), key=lambda row: row[2].grade, reverse=True)
    width = max(len(page) for page, _, _ in rows)
    print(f"{'page':<{width}}  health  grade  words")
    print(f"{'-' * width}  ------  -----  -----")
    for page, health, result in rows:
        print(f"{page:<{width}}  {'yes' if health else '':<6}  {result.grade:>5.1f}  {result.words:>5}")
    health_rows = [(page, result) for page, health, result in rows if health]
    too_hard = [page for page, result in health_rows if result.grade > MAX_HEALTH_GRADE]
    mean = sum(result.grade for _, result in health_rows) / max(len(health_rows), 1)
    print(
        f"\nSummary: {len(rows)} pages, {sum(r.words for _, _, r in rows):,} words; "
        f"{len(health_rows)} health pages, mean grade {mean:.1f}, "
        f"{len(too_hard)} above grade {MAX_HEALTH_GRADE:g}" + (f": {', '.join(too_hard)}" if too_hard else "")
    )
    return 1 if too_hard else 0


if __name__ == "__main__":
    sys.exit(main())
