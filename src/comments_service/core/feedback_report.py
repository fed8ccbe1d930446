"""What editors read from page feedback: counts per page and per week, the texts, and a CSV export.

Shared by /admin/feedback and `comments feedback export`. Weeks start on Monday, UTC.
CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab
or a carriage return) are written with a leading apostrophe, so an export opened in
Excel or LibreOffice shows a reader's text and never runs it.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from .models import PageFeedback
from .times import iso, utcnow

WEEKS = 12
CSV_HEADER = ("page", "time_utc", "helpful", "text")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class PageTotals:
    page: str
    yes: int
    no: int
    texts: int

    @property
    def answers(self) -> int:
        return self.yes + self.no


@dataclass(frozen=True)
class Week:
    start: dt.date
    yes: int
    no: int


def week_start(moment: dt.datetime) -> dt.date:
    day = moment.date()
    return day - dt.timedelta(days=day.weekday())


def first_week(now: dt.datetime | None = None, weeks: int = WEEKS) -> dt.datetime:
    """The start (Monday 00:00 UTC) of the oldest of the last `weeks` weeks, this one included."""
    start = week_start(now or utcnow()) - dt.timedelta(weeks=weeks - 1)
    return dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)


def page_totals(session: Session, since: dt.datetime) -> list[PageTotals]:
    """Every page answered since `since`: Yes, No and texts; the most No answers first."""
    rows = session.execute(
        select(
            PageFeedback.page,
            PageFeedback.helpful,
            func.count(),
            func.count(PageFeedback.text),
        )
        .where(PageFeedback.created_at >= since)
        .group_by(PageFeedback.page, PageFeedback.helpful)
    ).all()
    counts: dict[str, list[int]] = {}
    for page, helpful, answers, texts in rows:
        found = counts.setdefault(page, [0, 0, 0])
        found[0 if helpful else 1] += int(answers)
        found[2] += int(texts)
    totals = [PageTotals(page, yes, no, texts) for page, (yes, no, texts) in counts.items()]
    return sorted(totals, key=lambda t: (-t.no, -t.answers, t.page))


def weekly(session: Session, page: str, now: dt.datetime | None = None, weeks: int = WEEKS) -> list[Week]:
    """Yes and No per week for the last `weeks` weeks, oldest first, empty weeks included."""
    since = first_week(now, weeks)
    counts = {since.date() + dt.timedelta(weeks=n): [0, 0] for n in range(weeks)}
    moments = session.execute(
        select(PageFeedback.created_at, PageFeedback.helpful).where(
            PageFeedback.page == page, PageFeedback.created_at >= since
        )
    ).all()
    for created, helpful in moments:
        bucket = counts.get(week_start(created))
        if bucket is not None:
            bucket[0 if helpful else 1] += 1
    return [Week(start, yes, no) for start, (yes, no) in counts.items()]


def texts(session: Session, page: str | None, offset: int, limit: int) -> tuple[list[PageFeedback], int]:
    """One page (of `limit`) of the answers that carry a text, newest first, and how many there are."""
    where: list[ColumnElement[bool]] = [PageFeedback.text.is_not(None)]
    if page is not None:
        where.append(PageFeedback.page == page)
    total = int(session.scalar(select(func.count()).select_from(PageFeedback).where(*where)) or 0)
    rows = session.scalars(
        select(PageFeedback)
        .where(*where)
        .order_by(PageFeedback.created_at.desc(), PageFeedback.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), total


def export_rows(session: Session, page: str | None = None) -> Iterator[tuple[str, str, str, str]]:
    """Every answer (of one page, or all), oldest first, as the CSV's columns."""
    query = select(PageFeedback).order_by(PageFeedback.created_at, PageFeedback.id)
    if page is not None:
        query = query.where(PageFeedback.page == page)
    for row in session.scalars(query.execution_options(yield_per=500)):
        yield row.page, iso(row.created_at) or "", "yes" if row.helpful else "no", row.text or ""


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet shows it as text, never as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def write_csv(rows: Iterable[tuple[str, ...]], out: TextIO) -> int:
    """Write the header and `rows`, every cell neutralised; the number of rows written."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    count = 0
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        count += 1
    return count
