"""Comment texts: ~330 characters of Markdown with emphasis and a link, unique per `n`.

A thread refuses a repeat. The sentences come from the site's own prose, so the
texts compress like real English rather than like a handful of repeated lines.
"""

from __future__ import annotations

import random
import re

from _common import ROOT

_POOL: list[str] = []


def _sentences() -> list[str]:
    if not _POOL:
        for path in sorted((ROOT / "docs").rglob("*.md")):
            if path.parent.name in ("contributing", "site"):  # the handbook reads like a manual
                continue
            text = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
            for line in text.splitlines():
                line = line.strip()
                if not line or line[0] in "#|!?-*<:=>`[{0123456789" or line.startswith("    "):
                    continue
                line = re.sub(r"\s*\[@[A-Za-z0-9]+\]", "", line)
                line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line).replace("**", "").replace("`", "")
                for sentence in re.split(r"(?<=[.?!])\s+", line):
                    if (
                        50 <= len(sentence) <= 150
                        and sentence.count(" ") >= 6
                        and not re.search(r"[\[\]<>*_{}|]", sentence)
                    ):
                        _POOL.append(sentence)
    return _POOL


def comment_text(n: object) -> str:
    rng = random.Random(str(n))
    pool = rng.sample(_sentences(), 8)
    chosen: list[str] = []
    while sum(len(c) + 1 for c in chosen) < 270:
        chosen.append(pool.pop())
    words = chosen[0].split(" ")
    k = rng.randrange(1, len(words) - 1)
    words[k] = f"*{words[k]}*"  # emphasis on one word
    chosen[0] = " ".join(words)
    chosen[-1] = chosen[-1].rstrip(".?!") + f" ([notes](https://example.org/n/{n}))."
    return " ".join(chosen)[:1000]
