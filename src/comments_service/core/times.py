"""Time helpers: every time the service keeps or shows is UTC."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """The same moment in UTC; a time without a zone (from SQLite) is UTC already."""
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def iso(moment: dt.datetime | None) -> str | None:
    """The moment as the API, the feed and the CLI show it: to the second, with a Z."""
    return None if moment is None else as_utc(moment).isoformat(timespec="seconds").replace("+00:00", "Z")
