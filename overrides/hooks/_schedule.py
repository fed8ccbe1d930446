"""When a page is next due for review, and what "today" is for the build.

Every page is checked against its sources at least once a year: its next review is
due 12 months after `last_reviewed`, or sooner when the page sets `next_review`.
The build date is today's date unless REVIEW_TODAY=YYYY-MM-DD says otherwise, so
tests are repeatable and editors can ask "what will be due on 1 March?".
Shared by the hooks and scripts/review_due.py. Not a hook itself (MkDocs only loads
the files listed under `hooks:`).
"""

from __future__ import annotations

import datetime as dt
import os

REVIEW_INTERVAL_MONTHS = 12
DUE_SOON_DAYS = 30
TODAY_VARIABLE = "REVIEW_TODAY"


def today() -> dt.date:
    """The build's date: REVIEW_TODAY when it is set, else the system's date."""
    value = os.environ.get(TODAY_VARIABLE, "").strip()
    if not value:
        return dt.date.today()
    date = parse_date(value)
    if date is None:
        raise ValueError(f"{TODAY_VARIABLE}={value!r} is not a date; write it as YYYY-MM-DD")
    return date


def parse_date(value: object) -> dt.date | None:
    """YAML already turns an unquoted 2026-11-26 into a date; accept a quoted one too."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def latest_next_review(last_reviewed: dt.date) -> dt.date:
    """12 months after the last review: the default, and the latest a page may set."""
    months = last_reviewed.month - 1 + REVIEW_INTERVAL_MONTHS
    year, month = last_reviewed.year + months // 12, months % 12 + 1
    day = last_reviewed.day
    while True:  # 29 February, or the 31st of a shorter month, falls back to the month's last day
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1


def due_date(last_reviewed: dt.date, next_review: dt.date | None) -> dt.date:
    return next_review or latest_next_review(last_reviewed)
