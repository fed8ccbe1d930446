"""The moderator's pages at /admin: sign in, the queue, and one-click email links.

HTTP glue only: the rules are in moderation.py (shared with the CLI) and the
login, session and CSRF handling in auth.py. Every form carries a CSRF token;
every route but sign-in and the signed email links needs a session.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import auth, moderation
from ..db import write_session
from ..guard import Refused
from ..models import AdminSession, Comment, State
from ..posting import address_of
from ..schemas import MAX_ID
from ..security import InvalidToken
from ..services import Services, services
from ..store import iso
from ..templates import page

router = APIRouter(prefix="/admin", include_in_schema=False)

STATES = [
    ("pending", "Waiting"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("deleted", "Deleted"),
]
ACTIONS = {
    "pending": [("approve", "Approve"), ("reject", "Reject"), ("delete", "Delete")],
    "approved": [("reject", "Reject"), ("delete", "Delete")],
    "rejected": [("approve", "Approve"), ("delete", "Delete")],
    "deleted": [("delete", "Delete")],
}
NOTICES = {
    "approve": "Comment approved.",
    "reject": "Comment rejected.",
    "delete": "Comment deleted.",
}
SessionCookie = Annotated[str | None, Cookie(alias=auth.COOKIE)]
# Bounded like the column (see schemas.MAX_ID): PostgreSQL fails on a larger number.
CommentId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _session(svc: Services, token: str | None) -> AdminSession | None:
    with svc.sessions() as session:
        return auth.current(session, token)


def _login_page(svc: Services, error: str | None = None, status: int = 200) -> HTMLResponse:
    with svc.sessions() as session:
        password_set = auth.password_is_set(session)
    csrf = svc.signer.sign("login", "form")
    return page(
        svc,
        "admin_login.html",
        "Moderator sign-in",
        status=status,
        csrf=csrf,
        error=error,
        password_set=password_set,
    )


def _view(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "name": comment.name,
        "email": comment.email,
        "html": comment.html,
        "state": comment.state.value,
        "created": iso(comment.created_at),
        "thread": comment.thread,
    }


@router.get("", response_class=HTMLResponse)
def queue(
    svc: Annotated[Services, Depends(services)],
    token: SessionCookie = None,
    state: str = "pending",
    done: str = "",
) -> HTMLResponse:
    admin = _session(svc, token)
    if admin is None:
        return _login_page(svc)
    state = state if state in dict(STATES) else "pending"
    with svc.sessions() as session:
        rows = session.scalars(
            select(Comment)
            .options(selectinload(Comment.thread))
            .where(Comment.state == State(state))
            .order_by(Comment.created_at.desc() if state != "pending" else Comment.created_at)
            .limit(200)
        ).all()
        comments = [_view(row) for row in rows]
    return page(
        svc,
        "admin_queue.html",
        "Moderation",
        comments=comments,
        state=state,
        states=STATES,
        state_label=dict(STATES)[state],
        actions=ACTIONS,
        csrf=admin.csrf_token,
        notice=NOTICES.get(done),
        untrusted_proxy=svc.untrusted_proxy,
    )


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    svc: Annotated[Services, Depends(services)],
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        svc.signer.unsign("login", csrf, max_age=3600)
    except InvalidToken:
        return _login_page(svc, "The sign-in form expired. Please try again.", status=403)
    client = svc.client_key(address_of(request, svc))
    try:
        token = auth.login(svc.sessions, svc.settings, client, password)
    except Refused as refused:
        response = _login_page(svc, refused.message, status=429)
        response.headers["Retry-After"] = str(refused.retry_after or 60)
        return response
    if token is None:
        return _login_page(svc, "That password is not right.", status=403)
    response = RedirectResponse("/admin", status_code=303)
    response.set_cookie(
        auth.COOKIE,
        token,
        max_age=svc.settings.session_hours * 3600,
        path="/admin",
        httponly=True,
        samesite="strict",
        secure=svc.settings.cookie_secure,
    )
    return response


@router.post("/logout")
def logout(
    svc: Annotated[Services, Depends(services)],
    token: SessionCookie = None,
    csrf: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    admin = _session(svc, token)
    if admin is None or not auth.csrf_ok(admin, csrf):
        return _forbidden(svc)
    with write_session(svc.sessions) as session:
        found = session.get(AdminSession, admin.token_hash)
        if found is not None:
            session.delete(found)
    response = RedirectResponse("/admin", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/admin")
    return response


@router.get("/comments/{comment_id}", response_class=HTMLResponse)
def show(
    comment_id: CommentId, svc: Annotated[Services, Depends(services)], token: SessionCookie = None
) -> Response:
    admin = _session(svc, token)
    if admin is None:
        return _login_page(svc, status=401)
    with svc.sessions() as session:
        comment = session.get(Comment, comment_id)
        if comment is None:
            return _missing(svc)
        view = _view(comment)
    return page(
        svc,
        "admin_queue.html",
        f"Comment {comment_id}",
        comments=[view],
        state=view["state"],
        states=STATES,
        state_label=f"#{comment_id}",
        actions=ACTIONS,
        csrf=admin.csrf_token,
    )


@router.post("/comments/{comment_id}/{action}")
def act(
    comment_id: CommentId,
    action: str,
    svc: Annotated[Services, Depends(services)],
    token: SessionCookie = None,
    csrf: Annotated[str, Form(max_length=500)] = "",
    back: Annotated[str, Form(max_length=20)] = "pending",
) -> Response:
    admin = _session(svc, token)
    if admin is None or not auth.csrf_ok(admin, csrf):
        return _forbidden(svc)
    error = _apply(svc, comment_id, action)
    if error:
        return page(
            svc,
            "message.html",
            "Moderation",
            status=409,
            heading="Not done",
            message=error,
            link="/admin",
            link_text="Back to the queue",
        )
    back = back if back in dict(STATES) else "pending"
    return RedirectResponse(f"/admin?state={back}&done={action}", status_code=303)


@router.get("/moderate/{comment_id}/{action}", response_class=HTMLResponse)
def confirm_link(
    comment_id: CommentId, action: str, svc: Annotated[Services, Depends(services)], token: str = ""
) -> Response:
    """Email links only ask for confirmation: mail scanners that open links change nothing."""
    problem = _check_link(svc, comment_id, action, token)
    if problem:
        return problem
    with svc.sessions() as session:
        comment = session.get(Comment, comment_id)
        if comment is None:
            return _missing(svc)
        view = _view(comment)
    return page(svc, "admin_confirm.html", "Confirm", action=action, comment=view, token=token)


@router.post("/moderate/{comment_id}/{action}", response_class=HTMLResponse)
def act_by_link(
    comment_id: CommentId,
    action: str,
    svc: Annotated[Services, Depends(services)],
    token: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    problem = _check_link(svc, comment_id, action, token)
    if problem:
        return problem
    error = _apply(svc, comment_id, action)
    return page(
        svc,
        "message.html",
        "Moderation",
        status=409 if error else 200,
        heading="Not done" if error else "Done",
        message=error or NOTICES[action],
        link="/admin",
        link_text="Open the moderation queue",
    )


def _check_link(svc: Services, comment_id: int, action: str, token: str) -> HTMLResponse | None:
    if action not in ("approve", "reject"):
        return _forbidden(svc)
    try:
        svc.signer.check_moderation_token(
            token, comment_id, action, svc.settings.moderation_link_days * 86_400
        )
    except InvalidToken as error:
        return page(
            svc,
            "message.html",
            "Moderation",
            status=403,
            heading="This link does not work",
            message=f"Sorry: {error}. Sign in to moderate instead.",
            link="/admin",
            link_text="Sign in",
        )
    return None


def _apply(svc: Services, comment_id: int, action: str) -> str | None:
    """Run the action; a message when the rules refuse it."""
    try:
        with write_session(svc.sessions) as session:
            comment = session.get(Comment, comment_id)
            if comment is None:
                return "There is no such comment."
            moderation.apply(session, comment, action)
    except moderation.NotAllowed as error:
        return f"Not allowed: {error}."
    return None


def _forbidden(svc: Services) -> HTMLResponse:
    return page(
        svc,
        "message.html",
        "Moderation",
        status=403,
        heading="Please sign in again",
        message="Your session ended or the form expired.",
        link="/admin",
        link_text="Sign in",
    )


def _missing(svc: Services) -> HTMLResponse:
    return page(
        svc,
        "message.html",
        "Moderation",
        status=404,
        heading="Not found",
        message="There is no such comment.",
        link="/admin",
        link_text="Back to the queue",
    )
