"""What every /admin route shares: the session check, the sign-in page and message pages.

Every form carries the session's CSRF token; every route but sign-in, the static
assets and the signed email links needs a session.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import Cookie, Path
from fastapi.responses import HTMLResponse

from ..core import auth
from ..core.comment_input import MAX_ID
from ..core.models import AdminSession
from ..core.tokens import Signer
from ..infra.database import Database
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
