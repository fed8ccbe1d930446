"""/admin/feedback: what readers answered to "Was this page helpful?", for editors.

Signed-in moderators only, like the rest of /admin (core/auth.py). The overview lists
every page answered in the last 12 weeks, the most No answers first, and the newest
texts; a page's own view counts Yes and No per week and lists its texts, newest first,
a page of them at a time. /admin/feedback.csv downloads the export that
`comments feedback export` writes (core/feedback_report.py).
"""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Query
from fastapi.responses import HTMLResponse, Response

from ...core import auth, feedback_report
from ...core.models import PageFeedback
from ...core.page_info import KnownPages
from ...core.times import iso
from ..admin_common import Moderator
from ..dependencies import DatabaseDep, FeedbackDep, PageShellDep, SignerDep
from ..html_pages import page as html_page

router = APIRouter(prefix="/admin", include_in_schema=False)

SessionCookie = Annotated[str | None, Cookie(alias=auth.COOKIE)]
PagePath = Annotated[str | None, Query(max_length=300)]
TEXTS_PER_PAGE = 50


def _text_view(row: PageFeedback, pages: KnownPages) -> dict[str, Any]:
    known = pages.get(row.page)
    return {
        "page": row.page,
        "title": known.title if known else row.page,
        "helpful": row.helpful,
        "text": row.text,
        "created": iso(row.created_at),
    }


@router.get("/feedback", response_class=HTMLResponse)
def feedback_overview(
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    context: FeedbackDep,
    admin: Moderator,
    page: PagePath = None,
    p: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    pages = context.pages
    since = feedback_report.first_week()
    with database.read() as session:
        totals = [] if page else feedback_report.page_totals(session, since)
        weeks = feedback_report.weekly(session, page) if page else []
        rows, total = feedback_report.texts(session, page, (p - 1) * TEXTS_PER_PAGE, TEXTS_PER_PAGE)
        texts = [_text_view(row, pages) for row in rows]
    known = pages.get(page) if page else None
    return html_page(
        shell,
        "admin_feedback.html",
        "Page feedback",
        page=page,
        page_title=known.title if known else page,
        url=known.url if known else None,
        since=since.date(),
        totals=[(t, pages.get(t.page)) for t in totals],
        weeks=weeks,
        texts=texts,
        text_count=total,
        p=p,
        last_p=max(1, -(-total // TEXTS_PER_PAGE)),
        per_page=TEXTS_PER_PAGE,
    )


@router.get("/feedback.csv", response_class=Response)
def feedback_csv(database: DatabaseDep, admin: Moderator, page: PagePath = None) -> Response:
    """Every answer (of one page with ?page=), as `comments feedback export` writes it."""
    out = io.StringIO()
    with database.read() as session:
        feedback_report.write_csv(feedback_report.export_rows(session, page), out)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="page-feedback.csv"'},
    )
