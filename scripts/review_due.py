"""List every page by the date its next review is due, soonest first (`make review-due`).

The dates are the ones the build uses (overrides/hooks/_schedule.py): `next_review`,
or 12 months after `last_reviewed`. Days left are counted from today, or from
REVIEW_TODAY=YYYY-MM-DD. A negative number means the review is late, and
`mkdocs build --strict` fails until the page is checked.

    make review-due
    REVIEW_TODAY=2027-11-01 .venv/bin/python scripts/review_due.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

from mkdocs.utils.meta import get_data

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))

from _schedule import due_date, parse_date, today  # noqa: E402 (the hooks' folder, added above)


@dataclass(frozen=True)
class Due:
    date: dt.date
    page: str
    title: str


def pages_by_due_date(docs: Path) -> tuple[list[Due], list[str]]:
    """Every page with a review date, soonest due first; and the pages whose dates can't be read."""
    found: list[Due] = []
    unreadable: list[str] = []
    for path in sorted(docs.rglob("*.md")):
        shown = path.relative_to(docs.parent).as_posix()
        _, meta = get_data(path.read_text(encoding="utf-8"))
        reviewed = parse_date(meta.get("last_reviewed"))
        written = meta.get("next_review")
        if reviewed is None or (written is not None and parse_date(written) is None):
            unreadable.append(shown)
            continue
        title = str(meta.get("title") or path.stem)
        found.append(Due(due_date(reviewed, parse_date(written)), shown, title))
    return sorted(found, key=lambda due: (due.date, due.page)), unreadable


def table(dues: list[Due], on: dt.date) -> str:
    rows = [("Due date", "Days left", "Page", "Title")]
    rows += [(due.date.isoformat(), str((due.date - on).days), due.page, due.title) for due in dues]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join(
        f"{date:<{widths[0]}}  {days:>{widths[1]}}  {page:<{widths[2]}}  {title}".rstrip()
        for date, days, page, title in rows
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="the docs folder (default: docs/)")
    args = parser.parse_args(argv)
    try:
        on = today()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    dues, unreadable = pages_by_due_date(args.docs)
    print(f"Reviews due, counted from {on.isoformat()}:\n")
    print(table(dues, on))
    for page in unreadable:
        print(f"\n{page}: no readable review date; `make build` says what is wrong", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
