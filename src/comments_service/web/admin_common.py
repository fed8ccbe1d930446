"""What every /admin route shares: the session check, the sign-in page and message pages.

Every form carries the session's CSRF token; every route but sign-in, the static
assets and the signed email links needs a session. A handler says so by its parameter's
type: `admin: Moderator` (a page: without a session, the sign-in page answers) or
`admin: ModeratorForm` (a form post: the session and its CSRF token, else "Please sign
in again"). The dependency raises SignInNeeded; `install` answers it, once for all.
"""

from __future__ import annotations

import asyncio
from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import BackgroundTasks, Cookie, Depends, FastAPI, Form, Path, Request
from fastapi.responses import HTMLResponse

from ..core import auth
from ..core.comment_input import MAX_ID
from ..core.models import AdminSession
from ..core.tokens import Signer
from ..infra.database import Database
from ..infra.outbox import run_once
from ..infra.settings import Settings
from .dependencies import DatabaseDep
from .html_pages import admin_page
from .page_shell import PageShell

SessionCookie = Annotated[str | None, Cookie(alias=auth.COOKIE)]
# Bounded like the column (see comment_input.MAX_ID): PostgreSQL fails on a larger number.
CommentId = Annotated[int, Path(ge=1, le=MAX_ID)]
# The lists' query parameters a form may send back to (the "back" field).
LIST_PARAMETERS = ("state", "q", "thread", "p")


def signed_in(database: Database, token: str | None) -> AdminSession | None:
    with database.read() as session:
        return auth.current(session, token)


def checked(database: Database, token: str | None, csrf: str) -> AdminSession | None:
    """The moderator's session when the form's CSRF token is theirs; None otherwise."""
    admin = signed_in(database, token)
    return admin if admin is not None and auth.csrf_ok(admin, csrf) else None


class SignInNeeded(Exception):
    """No moderator session (or, for a form, not its CSRF token): answered by `install`."""

    def __init__(self, form: bool):
        super().__init__("sign in needed")
        self.form = form


def _moderator(database: DatabaseDep, token: SessionCookie = None) -> AdminSession:
    admin = signed_in(database, token)
    if admin is None:
        raise SignInNeeded(form=False)
    return admin


def _moderator_form(
    database: DatabaseDep,
    token: SessionCookie = None,
    csrf: Annotated[str, Form(max_length=500)] = "",
) -> AdminSession:
    admin = checked(database, token, csrf)
    if admin is None:
        raise SignInNeeded(form=True)
    return admin


# A signed-in moderator, for a page; the same with the form's CSRF token checked, for a post.
Moderator = Annotated[AdminSession, Depends(_moderator)]
ModeratorForm = Annotated[AdminSession, Depends(_moderator_form)]


def install(app: FastAPI) -> None:
    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, error: SignInNeeded) -> HTMLResponse:
        state = request.app.state
        if error.form:
            return forbidden(state.page_shell)
        # /admin itself is where moderators start: the form there is the page, not an error.
        status = 200 if request.url.path.rstrip("/") == "/admin" else 401
        return await asyncio.to_thread(
            login_page, state.page_shell, state.database, state.signer, None, status
        )


def login_page(
    shell: PageShell, database: Database, signer: Signer, error: str | None = None, status: int = 200
) -> HTMLResponse:
    with database.read() as session:
        password_set = auth.password_is_set(session)
    csrf = signer.sign("login", "form")
    return admin_page(
        shell,
        "admin_login.html",
        "Moderator sign-in",
        status=status,
        csrf=csrf,
        error=error,
        password_set=password_set,
    )


def message(
    shell: PageShell, status: int, heading: str, text: str, link_text: str, link: str = "/admin"
) -> HTMLResponse:
    """A moderation message page, with one link onwards (by default back to /admin)."""
    return admin_page(
        shell,
        "message.html",
        "Moderation",
        status=status,
        heading=heading,
        message=text,
        link=link,
        link_text=link_text,
    )


def forbidden(shell: PageShell) -> HTMLResponse:
    return message(shell, 403, "Please sign in again", "Your session ended or the form expired.", "Sign in")


def missing(shell: PageShell) -> HTMLResponse:
    return message(shell, 404, "Not found", "There is no such comment.", "Back to the queue")


def back_to(back: str, **notice: str | int) -> str:
    """The list a form came from (only its known parameters), with a notice added."""
    kept = [(key, value) for key, value in parse_qsl(back) if key in LIST_PARAMETERS]
    return "/admin?" + urlencode(kept + [(key, str(value)) for key, value in notice.items()])


def tell_commenters(
    background: BackgroundTasks, database: Database, settings: Settings, signer: Signer, action: str
) -> None:
    """An approval may be news for commenters who asked: the outbox runs after the response
    (housekeeping's next round would send it too, within `outbox_interval_seconds`)."""
    if action == "approve":
        background.add_task(run_once, database, settings, signer)
