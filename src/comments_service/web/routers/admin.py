"""The moderator's pages at /admin: sign in, the lists, and one-click email links.

HTTP glue only: the rules are in core/moderation.py (shared with the CLI) and the
login, session and CSRF handling in core/auth.py. Every form carries a CSRF token;
every route but sign-in and the signed email links needs a session.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Form, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...core import auth, moderation
from ...core.clients import client_key
from ...core.comment_input import MAX_ID
from ...core.errors import NotAllowed, Refused
from ...core.messages import LANGUAGE_NAMES, language_of_thread
from ...core.models import AdminSession, Comment
from ...core.states import State
from ...core.times import iso
from ...core.tokens import InvalidToken, Signer
from ...infra.database import Database
from ...infra.settings import Settings
from ..dependencies import ClientAddress, DatabaseDep, PageShellDep, ProxyNoticeDep, SettingsDep, SignerDep
from ..html_pages import message_page, page
from ..page_shell import PageShell

router = APIRouter(prefix="/admin", include_in_schema=False)

STATES = [
    ("pending", "Waiting"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("deleted", "Deleted"),
]
# Each state's buttons: the actions the rules allow from it (moderation.TRANSITIONS).
ACTIONS = {
    state.value: [(action, action.capitalize()) for action in moderation.allowed_actions(state)]
    for state in State
}
NOTICES = {action: f"Comment {done}." for action, done in moderation.PAST_TENSE.items()}
SessionCookie = Annotated[str | None, Cookie(alias=auth.COOKIE)]
# Bounded like the column (see comment_input.MAX_ID): PostgreSQL fails on a larger number.
CommentId = Annotated[int, Path(ge=1, le=MAX_ID)]
QUEUE_LENGTH = 200


def _session(database: Database, token: str | None) -> AdminSession | None:
    with database.read() as session:
        return auth.current(session, token)


def _login_page(
    shell: PageShell, database: Database, signer: Signer, error: str | None = None, status: int = 200
) -> HTMLResponse:
    with database.read() as session:
        password_set = auth.password_is_set(session)
    csrf = signer.sign("login", "form")
    return page(
        shell,
        "admin_login.html",
        "Moderator sign-in",
        status=status,
        csrf=csrf,
        error=error,
        password_set=password_set,
    )


def _message(shell: PageShell, status: int, heading: str, message: str, link_text: str) -> HTMLResponse:
    """A moderation message page, with a link back to /admin."""
    return message_page(shell, "Moderation", heading, message, "/admin", link_text, status=status)


def _forbidden(shell: PageShell) -> HTMLResponse:
    return _message(shell, 403, "Please sign in again", "Your session ended or the form expired.", "Sign in")


def _missing(shell: PageShell) -> HTMLResponse:
    return _message(shell, 404, "Not found", "There is no such comment.", "Back to the queue")


def _view(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "name": comment.name,
        "email": comment.email,
        "html": comment.html,
        "state": comment.state.value,
        "created": iso(comment.created_at),
        "thread": comment.thread,
        # The page's language: the moderator reads a Spanish page's comments as Spanish.
        "language": language_of_thread(comment.thread.key),
    }


@router.get("", response_class=HTMLResponse)
def queue(
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    proxy: ProxyNoticeDep,
    token: SessionCookie = None,
    state: str = "pending",
    done: str = "",
) -> HTMLResponse:
    admin = _session(database, token)
    if admin is None:
        return _login_page(shell, database, signer)
    state = state if state in dict(STATES) else "pending"
    with database.read() as session:
        # The queue oldest first (first come, first read); the other lists newest first.
        rows = moderation.in_state(session, State(state), QUEUE_LENGTH, newest_first=state != "pending")
        comments = [_view(row) for row in rows]
    return page(
        shell,
        "admin_queue.html",
        "Moderation",
        language_names=LANGUAGE_NAMES,
        comments=comments,
        state=state,
        states=STATES,
        state_label=dict(STATES)[state],
        actions=ACTIONS,
        csrf=admin.csrf_token,
        notice=NOTICES.get(done),
        untrusted_proxy=proxy.address,
    )


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
        return _login_page(shell, database, signer, "The sign-in form expired. Please try again.", status=403)
    client = client_key(signer, address, settings.ipv6_prefix_length)
    try:
        token = auth.login(database, settings, client, password)
    except Refused as refused:
        response = _login_page(shell, database, signer, refused.message, status=429)
        response.headers["Retry-After"] = str(refused.retry_after or 60)
        return response
    if token is None:
        return _login_page(shell, database, signer, "That password is not right.", status=403)
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
def logout(
    shell: PageShellDep,
    database: DatabaseDep,
    token: SessionCookie = None,
    csrf: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    admin = _session(database, token)
    if admin is None or not auth.csrf_ok(admin, csrf):
        return _forbidden(shell)
    with database.write() as session:
        auth.logout(session, admin)
    response = RedirectResponse("/admin", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/admin")
    return response


@router.get("/comments/{comment_id}", response_class=HTMLResponse)
def show(
    comment_id: CommentId,
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    token: SessionCookie = None,
) -> Response:
    admin = _session(database, token)
    if admin is None:
        return _login_page(shell, database, signer, status=401)
    with database.read() as session:
        comment = session.get(Comment, comment_id)
        if comment is None:
            return _missing(shell)
        view = _view(comment)
    return page(
        shell,
        "admin_queue.html",
        f"Comment {comment_id}",
        language_names=LANGUAGE_NAMES,
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
    shell: PageShellDep,
    database: DatabaseDep,
    token: SessionCookie = None,
    csrf: Annotated[str, Form(max_length=500)] = "",
    back: Annotated[str, Form(max_length=20)] = "pending",
) -> Response:
    admin = _session(database, token)
    if admin is None or not auth.csrf_ok(admin, csrf):
        return _forbidden(shell)
    error = _apply(database, comment_id, action)
    if error:
        return _message(shell, 409, "Not done", error, "Back to the queue")
    back = back if back in dict(STATES) else "pending"
    return RedirectResponse(f"/admin?state={back}&done={action}", status_code=303)


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
            return _missing(shell)
        view = _view(comment)
    return page(shell, "admin_confirm.html", "Confirm", action=action, comment=view, token=token)


@router.post("/moderate/{comment_id}/{action}", response_class=HTMLResponse)
def act_by_link(
    comment_id: CommentId,
    action: str,
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    problem = _check_link(shell, signer, settings, comment_id, action, token)
    if problem:
        return problem
    error = _apply(database, comment_id, action)
    if error:
        return _message(shell, 409, "Not done", error, "Open the moderation queue")
    return _message(shell, 200, "Done", NOTICES[action], "Open the moderation queue")


def _check_link(
    shell: PageShell, signer: Signer, settings: Settings, comment_id: int, action: str, token: str
) -> HTMLResponse | None:
    if action not in ("approve", "reject"):  # the only actions moderation emails link to
        return _forbidden(shell)
    try:
        signer.check_moderation_token(token, comment_id, action, settings.moderation_link_days * 86_400)
    except InvalidToken as error:
        return _message(
            shell, 403, "This link does not work", f"Sorry: {error}. Sign in to moderate instead.", "Sign in"
        )
    return None


def _apply(database: Database, comment_id: int, action: str) -> str | None:
    """Run the action; a message when the rules refuse it."""
    try:
        with database.write() as session:
            comment = session.get(Comment, comment_id)
            if comment is None:
                return "There is no such comment."
            moderation.apply(session, comment, action)
    except NotAllowed as error:
        return f"Not allowed: {error}."
    return None
