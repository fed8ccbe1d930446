"""The moderator's sign-in and sign-out, the one-click email links, and /admin's own assets.

HTTP glue only: the rules are in core/moderation.py (shared with the CLI) and the
login, session and CSRF handling in core/auth.py. The lists and actions are in
admin_queue.py; blocks, trust and the audit log in admin_people.py.
"""

from __future__ import annotations

from importlib import resources
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...core import audit, auth, moderation
from ...core.clients import client_key
from ...core.errors import NotAllowed, Refused
from ...core.models import Comment
from ...core.tokens import InvalidToken, Signer
from ...infra.database import Database
from ...infra.settings import Settings
from ..admin_common import CommentId, ModeratorForm, forbidden, login_page, message, missing, tell_commenters
from ..admin_views import comment_view
from ..dependencies import ClientAddress, DatabaseDep, PageShellDep, SettingsDep, SignerDep
from ..html_pages import admin_page
from ..page_shell import PageShell

router = APIRouter(prefix="/admin", include_in_schema=False)

NOTICES = {action: f"Comment {done}." for action, done in moderation.PAST_TENSE.items()}
ASSETS = {"admin.css": "text/css; charset=utf-8", "admin.js": "text/javascript; charset=utf-8"}


@router.get("/assets/{name}")
def asset(name: str) -> Response:
    """/admin's stylesheet and script: same-origin files, as the pages' policy allows."""
    if name not in ASSETS:
        return Response(status_code=404)
    body = resources.files("comments_service.web").joinpath("static", name).read_bytes()
    return Response(body, media_type=ASSETS[name])


@router.post("/login", response_class=HTMLResponse)
def login(
    address: ClientAddress,
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        signer.unsign("login", csrf, max_age=3600)
    except InvalidToken:
        return login_page(shell, database, signer, "The sign-in form expired. Please try again.", status=403)
    client = client_key(signer, address, settings.ipv6_prefix_length)
    try:
        token = auth.login(database, settings, client, password)
    except Refused as refused:
        response = login_page(shell, database, signer, refused.message, status=429)
        response.headers["Retry-After"] = str(refused.retry_after or 60)
        return response
    if token is None:
        return login_page(shell, database, signer, "That password is not right.", status=403)
    return _signed_in(settings, token)


def _signed_in(settings: Settings, token: str) -> Response:
    response = RedirectResponse("/admin", status_code=303)
    response.set_cookie(
        auth.COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        path="/admin",
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
    )
    return response


@router.post("/logout")
def logout(database: DatabaseDep, admin: ModeratorForm) -> Response:
    with database.write() as session:
        auth.logout(session, admin)
    response = RedirectResponse("/admin", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/admin")
    return response


@router.get("/moderate/{comment_id}/{action}", response_class=HTMLResponse)
def confirm_link(
    comment_id: CommentId,
    action: str,
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: str = "",
) -> Response:
    """Email links only ask for confirmation: mail scanners that open links change nothing."""
    problem = _check_link(shell, signer, settings, comment_id, action, token)
    if problem:
        return problem
    with database.read() as session:
        comment = session.get(Comment, comment_id)
        if comment is None:
            return missing(shell)
        view = comment_view(comment, settings.time_zone)
    return admin_page(shell, "admin_confirm.html", "Confirm", action=action, comment=view, token=token)


@router.post("/moderate/{comment_id}/{action}", response_class=HTMLResponse)
def act_by_link(
    comment_id: CommentId,
    action: str,
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    token: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    problem = _check_link(shell, signer, settings, comment_id, action, token)
    if problem:
        return problem
    error = apply_one(database, comment_id, action, audit.EMAIL_LINK_ACTOR)
    if error:
        return message(shell, 409, "Not done", error, "Open the moderation queue")
    tell_commenters(background, database, settings, signer, action)
    return message(shell, 200, "Done", NOTICES[action], "Open the moderation queue")


def _check_link(
    shell: PageShell, signer: Signer, settings: Settings, comment_id: int, action: str, token: str
) -> HTMLResponse | None:
    if action not in ("approve", "reject"):  # the only actions moderation emails link to
        return forbidden(shell)
    try:
        signer.check_moderation_token(token, comment_id, action, settings.moderation_link_days * 86_400)
    except InvalidToken as error:
        return message(
            shell, 403, "This link does not work", f"Sorry: {error}. Sign in to moderate instead.", "Sign in"
        )
    return None


def apply_one(database: Database, comment_id: int, action: str, actor: str) -> str | None:
    """Run the action on one comment; a message when the rules refuse it."""
    try:
        with database.write() as session:
            comment = session.get(Comment, comment_id)
            if comment is None:
                return "There is no such comment."
            moderation.apply(session, comment, action, actor)
    except NotAllowed as error:
        return f"Not allowed: {error}."
    return None
