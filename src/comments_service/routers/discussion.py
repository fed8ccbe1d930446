"""The no-JavaScript discussion page: read approved comments and post with a plain form.

Posting goes through the same steps as the JSON API (posting.post), then redirects
back with a message. Cross-site form posts are refused by checking that the
request's Origin (or Referer) is this site, and answered with an empty form; any
other failed post shows the form again with every field as typed and each problem
next to its field. No other site may frame the page (middleware.SecurityHeaders).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from .. import posting, store
from ..guard import Refused
from ..pages import PageInfo
from ..schemas import MAX_ID, NewComment
from ..services import Services, services
from ..templates import page as render_page

router = APIRouter(prefix="/api", include_in_schema=False)

NOTICES = {
    "pending": "Thanks! Your comment is awaiting moderation.",
    "approved": "Your comment is posted.",
}
CROSS_SITE = "Nothing was posted: comments must be sent from this site's own form. You can write one below."


def _not_found(svc: Services) -> HTMLResponse:
    return render_page(
        svc,
        "message.html",
        "Comments",
        status=404,
        heading="No comments here",
        message="This page does not accept comments.",
        link=svc.shell.asset(""),
        link_text="Home page",
    )


def _show(
    svc: Services,
    page: PageInfo,
    *,
    reply: int | None = None,
    notice: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    with svc.sessions() as session:
        view = store.thread_view(session, svc.settings, page, None)
    reply_to = _find(view["comments"], reply) if reply else None
    if reply_to is not None and (reply_to["state"] != "approved" or reply_to["depth"] >= view["max_depth"]):
        reply_to = None
    return render_page(
        svc,
        "discussion.html",
        f"Comments on {page.title}",
        status=status,
        page=page,
        view=view,
        reply_to=reply_to,
        notice=notice,
        values=values or {},
        errors=errors or {},
        form_token=svc.signer.new_form_token(page.thread),
    )


def _find(comments: list[dict[str, object]], comment_id: int) -> dict[str, object] | None:
    for comment in comments:
        if comment["id"] == comment_id:
            return comment
        found = _find(comment["replies"], comment_id)  # type: ignore[arg-type]
        if found:
            return found
    return None


@router.get("/discussion", response_class=HTMLResponse)
def show(
    svc: Annotated[Services, Depends(services)],
    thread: Annotated[str, Query(max_length=200)] = "",
    reply: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    posted: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    page = svc.pages.get(thread)
    if page is None:
        return _not_found(svc)
    return _show(svc, page, reply=reply, notice=NOTICES.get(posted or ""))


def _same_origin(request: Request) -> bool:
    claimed = request.headers.get("origin") or request.headers.get("referer")
    host = request.headers.get("host")
    return bool(claimed and host) and urlsplit(claimed).netloc == host


@router.post("/discussion", response_class=HTMLResponse)
def submit(
    request: Request,
    background: BackgroundTasks,
    svc: Annotated[Services, Depends(services)],
    thread: Annotated[str, Form(max_length=200)] = "",
    parent: Annotated[str, Form(max_length=20)] = "",
    name: Annotated[str, Form(max_length=1000)] = "",
    email: Annotated[str, Form(max_length=1000)] = "",
    text: Annotated[str, Form(max_length=20_000)] = "",
    website: Annotated[str, Form(max_length=1000)] = "",
    form_token: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    page = svc.pages.get(thread)
    if page is None:
        return _not_found(svc)
    if not _same_origin(request):
        # An empty form: filled in with what another site sent, one click in a frame or a
        # tricked visitor would post it from here.
        return _show(svc, page, errors={"form": CROSS_SITE}, status=403)
    values = {"name": name, "email": email, "text": text}
    # isdigit() alone accepts "²", which int() refuses: only ASCII digits are an id.
    reply = int(parent) if parent.isascii() and parent.isdigit() else None
    try:
        data = NewComment(
            thread=thread,
            parent=reply,
            name=name,
            email=email or None,
            text=text,
            website=website or None,
            form_token=form_token or "-",
        )
        posted = posting.post(svc, data, posting.address_of(request, svc), None, background)
    except ValidationError as error:
        errors = {_visible(str(item["loc"][0])): _message(item) for item in error.errors()}
        return _show(svc, page, reply=reply, values=values, errors=errors, status=422)
    except Refused as refused:
        field = _visible(refused.field)
        response = _show(
            svc,
            page,
            reply=reply,
            values=values,
            errors={field: refused.message},
            status=refused.status,
        )
        if refused.retry_after:
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    target = f"discussion?thread={quote(thread, safe='')}&posted={posted.status}#comments"
    return RedirectResponse(target, status_code=303)


def _visible(field: str) -> str:
    """The form field to show a problem next to; hidden fields report at the top."""
    return field if field in ("name", "email", "text") else "form"


def _message(item: object) -> str:
    kind = item.get("type", "")  # type: ignore[attr-defined]
    if kind in ("string_too_short", "missing"):
        return "This is required."
    if kind == "string_too_long":
        return f"This is too long (at most {item['ctx']['max_length']} characters)."  # type: ignore[index]
    return str(item.get("msg", "This is not valid.")).removeprefix("Value error, ").capitalize() + "."  # type: ignore[attr-defined]
