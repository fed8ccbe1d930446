"""The grade rule: commentary may report what some people say, never carry a health fact.

Sources are graded A (official or primary), B (a professional body, a journal's
summary, a news report) and C (commentary, a business or an advocacy site). On a
health page, where a reader may act on what they read, the build checks:

1. A grade C citation sits in a sentence that says whose view it is, with one of the
   words in ATTRIBUTION: "PainScience.com says ...", "Critics said ...", or in a
   Spanish page "según PainScience.com ...", "Los críticos dijeron ...".
2. A section that cites a health source (a register group in HEALTH_GROUPS) cites at
   least one grade A source, or else says whose statement every one of its
   citations is. A section is the text under one `## ` heading (or before the first).
   Sections that cite only law, local-rule, insurance or writing sources are not
   health facts and are left to the editors.

Not a hook itself (MkDocs only loads the files listed under `hooks:`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

HEALTH_GROUPS = {"evidence", "claims", "safety"}
# Words that mark a sentence as someone's statement rather than a finding in our voice,
# in English and in Spanish (the site's editions share this rule).
ATTRIBUTION = re.compile(
    r"\b(?:says?|said|told|argues?|argued|according\s+to|views?|commentary|commentator"
    r"|critics?|criticis\w*|criticiz\w*|opinion|claims?|claimed|writes?|wrote"
    r"|dicen?|dijo|dijeron|según|opina\w*|opinión|opiniones|comentario\w*|crític\w*|critica\w*"
    r"|afirma\w*|sostiene\w*|escrib\w*|señala\w*|argumenta\w*)\b",
    re.IGNORECASE,
)
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
SECTION = re.compile(r"^##[ \t]+(.+?)[ \t#]*$")
BLOCK_START = re.compile(r"^[ \t]*(?:[-*+][ \t]|\d+\.[ \t]|#|\||!!!|\?\?\?|===)")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(A-Z0-9*¿¡ÁÉÍÓÚÑ])")


def problems(
    markdown: str, citations: Iterable[tuple[int, str]], sources: dict[str, Any]
) -> list[tuple[int, str]]:
    """(line in the Markdown, problem) for one health page; `citations` are (offset, key)."""
    found: list[tuple[int, str]] = []
    starts = _line_starts(markdown)
    lines = markdown.split("\n")
    sections = _sections(lines)

    def attributed(offset: int) -> bool:
        return bool(ATTRIBUTION.search(_sentence(lines, starts, offset)))

    # Per section (by its heading's line, 0 before the first): (key, offset) per citation.
    # Whether a citation's sentence says whose view it is is asked only where it matters.
    cited: dict[int, list[tuple[str, int]]] = {}
    for offset, key in citations:
        line = _line_of(starts, offset)
        cited.setdefault(max((n for n in sections if n <= line), default=0), []).append((key, offset))
        if _field(sources, key, "grade") == "C" and not attributed(offset):
            found.append(
                (
                    line,
                    f"[@{key}] is grade C (commentary): say whose view it is in the same sentence, "
                    "e.g. 'PainScience.com says ...'; it cannot carry a health fact",
                )
            )
    for section, entries in sorted(cited.items()):
        keys = list(dict.fromkeys(key for key, _ in entries))
        if not any(_field(sources, key, "group") in HEALTH_GROUPS for key in keys):
            continue
        if any(_field(sources, key, "grade") == "A" for key in keys) or all(
            attributed(offset) for _, offset in entries
        ):
            continue
        name = sections.get(section) or "the top of the page"
        shown = ", ".join(f"{key} ({_field(sources, key, 'grade') or '?'})" for key in keys)
        found.append(
            (
                section or 1,
                f"section '{name}' cites no grade A source ({shown}); back its health facts with a "
                "grade A source, or say whose statement each cited sentence is",
            )
        )
    return sorted(found)


def _field(sources: dict[str, Any], key: str, field: str) -> str:
    entry = sources.get(key)
    return str(entry.get(field) or "") if isinstance(entry, dict) else ""


def _line_starts(markdown: str) -> list[int]:
    return [0] + [match.end() for match in re.finditer("\n", markdown)]


def _line_of(starts: list[int], offset: int) -> int:
    """1-based line number of a character offset."""
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low + 1


def _sections(lines: list[str]) -> dict[int, str]:
    """Line number of each `## ` heading outside code fences, with its text."""
    found: dict[int, str] = {}
    fence = ""
    for number, text in enumerate(lines, start=1):
        opening = FENCE.match(text)
        if opening:
            mark = opening.group(1)
            if not fence:
                fence = mark[0] * len(mark)
            elif mark.startswith(fence):
                fence = ""
            continue
        heading = SECTION.match(text)
        if heading and not fence:
            found[number] = heading.group(1)
    return found


def _sentence(lines: list[str], starts: list[int], offset: int) -> str:
    """The sentence around a citation, within its block: a paragraph (however it is
    wrapped), a list item or a table cell. `lines`: the Markdown split at newlines."""
    index = _line_of(starts, offset) - 1
    first = index
    while first > 0 and lines[first - 1].strip() and not _starts_block(lines[first]):
        first -= 1
    last = index
    while last + 1 < len(lines) and lines[last + 1].strip() and not _starts_block(lines[last + 1]):
        last += 1
    text = " ".join(lines[first : last + 1])
    position = offset - starts[first]
    if lines[index].lstrip().startswith("|"):  # a table row: the cell holding the citation
        cell_start = text.rfind("|", 0, position) + 1
        cell_end = text.find("|", position)
        text, position = text[cell_start : cell_end if cell_end >= 0 else len(text)], position - cell_start
    start = 0
    for match in SENTENCE_END.finditer(text):
        if match.start() >= position:
            return text[start : match.start()]
        start = match.end()
    return text[start:]


def _starts_block(line: str) -> bool:
    """Whether a line opens a new block (list item, heading, table row, box) rather than
    continuing a wrapped paragraph."""
    return bool(BLOCK_START.match(line))
