"""Time helpers: every time the service keeps is UTC; /admin shows them in the site's zone too."""

from __future__ import annotations

import datetime as dt
import zoneinfo


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """The same moment in UTC; a time without a zone (from SQLite) is UTC already."""
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def iso(moment: dt.datetime | None) -> str | None:
    """The moment as the API, the feed and the CLI show it: to the second, with a Z."""
    return None if moment is None else as_utc(moment).isoformat(timespec="seconds").replace("+00:00", "Z")


def local(moment: dt.datetime, zone: str) -> str:
    """The moment as a person in `zone` reads it, to the minute: "2026-12-03 06:15 PST"."""
    return as_utc(moment).astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")
