"""Citations as editors type them: `[@E4]`, several at once, and the near misses.

A citation is a register key in square brackets with `@`: `[@E4]`. Several keys in
one pair of brackets, the Pandoc and Zotero habit (`[@E4, E10]`, `[@E4; @E10]`),
are several citations. The near misses would reach readers as raw text, so each is
reported with the fix: `(@E4)`, `[E4]` and `@E4` for a key of the register, and
anything else in `[@...]` that is not keys. Code (fenced or inline) is skipped so
the handbook can show the syntax; `[E4]` followed by `(`, `[` or `:`, or after `]`,
`!` or `^`, is a link, an image or a footnote and is left alone, as is a label that
the page defines as a link reference.
Not a hook itself (MkDocs only loads the files listed under `hooks:`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

KEY = re.compile(r"[A-Za-z0-9]+")
# What a register key looks like (E4, CA11, C14a), for near misses of keys not in the register.
KEY_SHAPE = re.compile(r"[A-Za-z]{1,4}[0-9]{1,3}[a-z]?")
# Every alternative starts with one of these characters; the lookahead lets the scan
# skip every other position at once (a third of the hooks' time on a page went here).
SCAN = re.compile(
    r"(?=[ \t`~\[(@])"
    r"(?:(?P<fence>^[ \t]*(?P<mark>`{3,}|~{3,}).*?^[ \t]*(?P=mark)[ \t]*$)"
    r"|(?P<code>`+[^`\n]*`+)"
    r"|\[@(?P<inside>[^\]\n]*)\]"
    r"|\((?P<paren>@[^()\n]{1,60})\)"
    r"|(?<![\]!^\\])\[(?P<bare>[A-Za-z0-9]{1,8})\](?![\[(:])"
    r"|(?<![\w@.\[(/])@(?P<loose>[A-Za-z0-9]+)\b)",
    re.MULTILINE | re.DOTALL,
)
SEPARATOR = re.compile(r"[,;]")


@dataclass(frozen=True)
class Citation:
    """`[@...]` holding one or more keys, as written, at `start` in the Markdown."""

    start: int
    end: int
    keys: tuple[str, ...]


@dataclass(frozen=True)
class NearMiss:
    """Text meant as a citation that would show as written; `keys` are the keys it names."""

    start: int
    text: str
    fix: str
    keys: tuple[str, ...]


def scan(markdown: str, register: Collection[str]) -> tuple[list[Citation], list[NearMiss]]:
    """Every citation of the Markdown, and every near miss, in order."""
    citations: list[Citation] = []
    misses: list[NearMiss] = []
    defined = {label.lower() for label in re.findall(r"(?m)^ {0,3}\[([^\]\n]+)\]:", markdown)}
    for match in SCAN.finditer(markdown):
        if match.group("inside") is not None:
            keys = split_keys(match.group("inside"))
            if keys:
                citations.append(Citation(match.start(), match.end(), keys))
            else:
                fix = "is not a citation; write one key per citation, e.g. [@E4], or several as [@E4, E10]"
                misses.append(NearMiss(match.start(), match.group(0), fix, ()))
        elif miss := _near_miss(match, register, defined):
            misses.append(miss)
    return citations, misses


def _near_miss(match: re.Match[str], register: Collection[str], defined: set[str]) -> NearMiss | None:
    """`(@E4)`, `[E4]` or `@E4` meant as a citation, or None when it is something else."""
    if match.group("paren") is not None:
        keys = split_keys(match.group("paren"))
        if not keys or not all(suggest(key, register) or KEY_SHAPE.fullmatch(key) for key in keys):
            return None
        fixed = ", ".join(suggest(key, register) or key for key in keys)
        return NearMiss(match.start(), match.group(0), f"is not a citation; write [@{fixed}]", keys)
    key = match.group("bare") or match.group("loose")
    known = suggest(key, register) if key else None
    if key is None or known is None or (match.group("bare") and key.lower() in defined):
        return None
    if match.group("bare"):
        fix = f"shows as plain text; to cite {known}, write [@{known}]"
    else:
        fix = f"is not a citation; write [@{known}]"
    return NearMiss(match.start(), match.group(0), fix, (key,))


def split_keys(text: str) -> tuple[str, ...]:
    """The keys of `E4, E10` or `@E4; @E10`; empty when any part is not a key."""
    parts = [part.strip().removeprefix("@").strip() for part in SEPARATOR.split(text)]
    if not parts or not all(KEY.fullmatch(part) for part in parts):
        return ()
    return tuple(parts)


def suggest(key: str, register: Collection[str]) -> str | None:
    """The register's spelling of `key`: itself, or the key that differs only in case."""
    if key in register:
        return key
    return next((known for known in register if known.lower() == key.lower()), None)
