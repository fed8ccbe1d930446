"""The page feedback rules (core/feedback.py and core/feedback_report.py) on a real database session.

When a text joins an answer and when it stands alone, what the retention job clears,
the weekly counts and per-page totals editors read, and the CSV export's neutralised cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from comments_service.core import feedback_report
from comments_service.core.errors import Refused
from comments_service.core.feedback import Answer, read_answer, record, tidy_feedback
from comments_service.core.models import PageFeedback

# A Wednesday: its week starts on Monday 2026-03-02.
T0 = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)
PAGE = "/faq/"


def answer(session: Session, helpful: bool, text: str | None = None, at: dt.datetime = T0, **kw: str) -> int:
    row = record(session, Answer(kw.get("page", PAGE), helpful, text), kw.get("client", "c1"), at)
    session.flush()
    return row.id


def rows(session: Session) -> list[tuple[str, bool, str | None]]:
    found = session.scalars(select(PageFeedback).order_by(PageFeedback.id)).all()
    return [(row.page, row.helpful, row.text) for row in found]


def test_a_text_joins_the_newest_answer_of_the_same_client_page_and_answer(session):
    answer(session, True, at=T0)
    newest = answer(session, True, at=T0 + dt.timedelta(minutes=1))
    joined = answer(session, True, "Clear.", at=T0 + dt.timedelta(minutes=2))
    assert joined == newest
    assert rows(session) == [(PAGE, True, None), (PAGE, True, "Clear.")]


@pytest.mark.parametrize(
    ("later", "kw"),
    [
        (dt.timedelta(minutes=31), {}),  # past JOIN_SECONDS
        (dt.timedelta(minutes=1), {"client": "c2"}),
        (dt.timedelta(minutes=1), {"page": "/blog/first/"}),
    ],
    ids=["too-late", "other-client", "other-page"],
)
def test_a_text_stands_alone_when_no_answer_of_its_reader_waits_for_it(session, later, kw):
    first = answer(session, False)
    second = answer(session, False, "Missing prices.", at=T0 + later, **kw)
    assert second != first
    assert len(rows(session)) == 2


def test_a_second_text_does_not_replace_the_first(session):
    answer(session, True)
    answer(session, True, "First.", at=T0 + dt.timedelta(minutes=1))
    answer(session, True, "Second.", at=T0 + dt.timedelta(minutes=2))
    assert rows(session) == [(PAGE, True, "First."), (PAGE, True, "Second.")]


def test_read_answer_strips_nul_and_refuses_an_unknown_answer():
    assert read_answer(PAGE, "no", " a\x00b\r\nc ", 10) == Answer(PAGE, False, "ab\nc")
    assert read_answer(PAGE, "yes", "   ", 10).text is None
    with pytest.raises(Refused) as refused:
        read_answer(PAGE, "perhaps", "", 10)
    assert refused.value.field == "helpful"


def test_tidy_clears_client_keys_after_an_hour_and_answers_after_the_kept_days(session):
    old = answer(session, True, at=T0 - dt.timedelta(days=31))
    hour_old = answer(session, True, at=T0 - dt.timedelta(minutes=61))
    fresh = answer(session, True, at=T0 - dt.timedelta(minutes=59))
    tidy_feedback(session, keep_days=30, now=T0)
    session.expire_all()
    assert session.get(PageFeedback, old) is None
    assert session.get(PageFeedback, hour_old).client is None
    assert session.get(PageFeedback, fresh).client == "c1"


def test_weekly_counts_the_last_12_weeks_monday_to_sunday_including_empty_ones(session):
    answer(session, True, at=dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC))  # Monday: this week
    answer(session, False, at=dt.datetime(2026, 3, 1, 23, 59, tzinfo=dt.UTC))  # Sunday: last week
    answer(session, False, at=T0 - dt.timedelta(weeks=11))  # the oldest week shown
    answer(session, False, at=T0 - dt.timedelta(weeks=12))  # too old
    answer(session, True, page="/other/")
    weeks = feedback_report.weekly(session, PAGE, now=T0)
    assert len(weeks) == 12
    assert weeks[0].start == dt.date(2025, 12, 15)
    assert weeks[-1].start == dt.date(2026, 3, 2)
    assert [(w.yes, w.no) for w in weeks if w.yes or w.no] == [(0, 1), (0, 1), (1, 0)]
    assert weeks[-2].no == 1


def test_page_totals_put_the_most_no_answers_first(session):
    for helpful in (True, True, False):
        answer(session, helpful, page="/a/")
    for helpful in (False, False):
        answer(session, helpful, "Unclear.", page="/b/", client="c9")
    answer(session, False, at=T0 - dt.timedelta(weeks=20), page="/c/")
    totals = feedback_report.page_totals(session, feedback_report.first_week(T0))
    assert [(t.page, t.yes, t.no, t.texts) for t in totals] == [("/b/", 0, 2, 2), ("/a/", 2, 1, 0)]


def test_texts_come_newest_first_a_page_at_a_time(session):
    for n in range(5):
        answer(session, True, f"Text {n}.", at=T0 + dt.timedelta(minutes=n), client=f"c{n}")
    answer(session, True)
    first, total = feedback_report.texts(session, PAGE, 0, 2)
    assert total == 5
    assert [row.text for row in first] == ["Text 4.", "Text 3."]
    last, _ = feedback_report.texts(session, None, 4, 2)
    assert [row.text for row in last] == ["Text 0."]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_a_spreadsheet_would_run_are_written_as_text(session, start):
    formula = f'{start}HYPERLINK("https://evil.example","click")'
    answer(session, False, formula)
    out = io.StringIO()
    assert feedback_report.write_csv(feedback_report.export_rows(session), out) == 1
    header, row = list(csv.reader(io.StringIO(out.getvalue())))
    assert header == ["page", "time_utc", "helpful", "text"]
    assert row == [PAGE, "2026-03-04T12:00:00Z", "no", "'" + formula]


def test_csv_keeps_commas_quotes_and_line_breaks_in_one_cell(session):
    answer(session, True, 'Good, "clear"\nand short.')
    out = io.StringIO()
    feedback_report.write_csv(feedback_report.export_rows(session, PAGE), out)
    assert list(csv.reader(io.StringIO(out.getvalue())))[1][3] == 'Good, "clear"\nand short.'
