"""Commenters' own control: confirm or stop emails, and see, download or delete their data.

HTTP glue only (rules: core/notifications.py, core/commenter_data.py). Email links
only show a page with one button; the POST acts, so a mail scanner opening links
changes nothing. The unsubscribe POST also answers RFC 8058's one-click request
(`List-Unsubscribe=One-Click`, no cookie, no CSRF token): the signed token in its
address is all it takes, and all it accepts. A browser proves itself by its edit
token instead: the X-Comment-Token header (the widget) or the no-JavaScript page's
cookie, whose writes must come from this site (Origin or Referer).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ...core import commenter_data, notifications
from ...core.commenter_data import Owner
from ...core.comments import author_token_hash
from ...core.errors import Reason, Refused
from ...core.tokens import InvalidToken, Signer
from ...infra.commenter_email import CONFIRM_LINK, MY_DATA_LINK, UNSUBSCRIBE_LINK
from ...infra.settings import Settings
from ..dependencies import DatabaseDep, PageShellDep, SettingsDep, SignerDep
from ..html_pages import message_page, page
from ..page_shell import PageShell
from .api import PROBLEMS, TOKEN_HEADER, Token
from .discussion import AUTHOR_COOKIE, same_origin

router = APIRouter(prefix="/api")

# Every sentence these pages show, whole: (heading, message).
TEXTS = {
    "bad-link": (
        "This link does not work",
        "This link is not valid. Please open the link from our email exactly as it was sent.",
    ),
    "expired": (
        "This link has expired",
        (
            "This link is too old to use. Links to confirm work for {hours} hours; links to your data "
            "for {days} days. The newest email from us has a fresh link."
        ),
    ),
    "confirm": (
        "Confirm emails about your comments?",
        (
            "Press Confirm and we will email you when your comment is approved or someone replies, at "
            "most one email per page every {minutes} minutes."
        ),
    ),
    "confirmed": (
        "Emails confirmed",
        (
            "Thank you. We will email you when your comment is approved or someone replies. Every email"
            " has a link to stop them."
        ),
    ),
    "nothing-to-confirm": (
        "Nothing to confirm",
        "We have no request for emails to this address any more: it was withdrawn or has expired.",
    ),
    "unsubscribe": (
        "Stop all emails from us?",
        (
            "Press the button and we will send you no more emails about your comments, and delete your "
            "address from our list of people to email."
        ),
    ),
    "unsubscribed": (
        "No more emails",
        "You will get no more emails from us about your comments. Your comments stay on the site.",
    ),
    "my-data": (
        "Your comments and data",
        (
            "These are the comments we have with your email address or from this browser. You can "
            "download them, or delete them and your email address for good."
        ),
    ),
    "my-data-empty": (
        "Your comments and data",
        "We have no comments with your email address or from this browser.",
    ),
    "erased": (
        "Deleted",
        (
            "Your comments and your email address are deleted. A deleted comment that had replies stays"
            " as a \u201cComment deleted\u201d line, with nothing of yours in it."
        ),
    ),
    "who": (
        "We cannot tell whose data to show",
        (
            "Open the link from one of our emails, or use the browser you posted from. Or email us and "
            "we will help."
        ),
    ),
    "cross-site": (
        "Nothing was done",
        "This request did not come from our own page. Please use the button on it.",
    ),
}


def _text(shell: PageShell, settings: Settings, key: str, status: int = 200) -> HTMLResponse:
    heading, message = TEXTS[key]
    message = _filled(message, settings)
    return message_page(shell, heading, heading, message, shell.asset(""), "Home page", status=status)


def _filled(message: str, settings: Settings) -> str:
    return message.format(
        hours=settings.confirm_link_hours,
        days=settings.commenter_link_days,
        minutes=settings.notify_batch_minutes,
    )


def _form(
    shell: PageShell, settings: Settings, key: str, button: str, action: str, token: str, **extra: Any
) -> HTMLResponse:
    heading, message = TEXTS[key]
    message = _filled(message, settings)
    return page(
        shell,
        "commenter.html",
        heading,
        heading=heading,
        message=message,
        button=button,
        action=action,
        token=token,
        **extra,
    )


def _key(signer: Signer, settings: Settings, purpose: str, token: str) -> str | InvalidToken:
    """The link's address key; the error when it is forged or expired."""
    max_age = {
        CONFIRM_LINK: settings.confirm_link_hours * 3600,
        MY_DATA_LINK: settings.commenter_link_days * 86_400,
    }.get(purpose)
    try:
        return signer.read_email_token(purpose, token, max_age)
    except InvalidToken as error:
        return error


def _refusal(shell: PageShell, settings: Settings, error: InvalidToken) -> HTMLResponse:
    return _text(shell, settings, "expired" if "expired" in str(error) else "bad-link", status=403)


LinkToken = Annotated[str, Query(max_length=500)]
FormToken = Annotated[str, Form(max_length=500)]


@router.get("/notifications/confirm", response_class=HTMLResponse, include_in_schema=False)
def confirm_page(
    shell: PageShellDep, signer: SignerDep, settings: SettingsDep, token: LinkToken = ""
) -> Response:
    key = _key(signer, settings, CONFIRM_LINK, token)
    if isinstance(key, InvalidToken):
        return _refusal(shell, settings, key)
    return _form(shell, settings, "confirm", "Confirm", "confirm", token)


@router.post("/notifications/confirm", response_class=HTMLResponse, include_in_schema=False)
def confirm(
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: FormToken = "",
) -> Response:
    key = _key(signer, settings, CONFIRM_LINK, token)
    if isinstance(key, InvalidToken):
        return _refusal(shell, settings, key)
    with database.write() as session:
        found = notifications.confirm(session, key)
    return _text(shell, settings, "confirmed" if found else "nothing-to-confirm")


@router.get("/notifications/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
def unsubscribe_page(
    shell: PageShellDep, signer: SignerDep, settings: SettingsDep, token: LinkToken = ""
) -> Response:
    key = _key(signer, settings, UNSUBSCRIBE_LINK, token)
    if isinstance(key, InvalidToken):
        return _refusal(shell, settings, key)
    return _form(shell, settings, "unsubscribe", "Stop all emails", f"unsubscribe?token={token}", "")


@router.post("/notifications/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
def unsubscribe(
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: LinkToken = "",
) -> Response:
    """The page's button and RFC 8058's one-click POST alike: the token in the address decides."""
    key = _key(signer, settings, UNSUBSCRIBE_LINK, token)
    if isinstance(key, InvalidToken):
        return _refusal(shell, settings, key)
    with database.write() as session:
        notifications.unsubscribe(session, key)
    return _text(shell, settings, "unsubscribed")


def _owner(signer: Signer, settings: Settings, token: str, author: str | None) -> Owner | InvalidToken | None:
    """Whose data: the email link's token first, else the browser's edit token; None for neither."""
    if token:
        key = _key(signer, settings, MY_DATA_LINK, token)
        return key if isinstance(key, InvalidToken) else Owner(email_key=key)
    token_hash = author_token_hash(signer, settings, author)
    return None if token_hash is None else Owner(token_hash=token_hash)


AuthorCookie = Annotated[str | None, Cookie(alias=AUTHOR_COOKIE)]


@router.get("/my-data", response_class=HTMLResponse, include_in_schema=False)
def my_data_page(
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: LinkToken = "",
    author: AuthorCookie = None,
) -> Response:
    """The confirmation step: what would be deleted, the download, and the button."""
    owner = _owner(signer, settings, token, author)
    if isinstance(owner, InvalidToken):
        return _refusal(shell, settings, owner)
    if owner is None:
        return _text(shell, settings, "who", status=403)
    with database.read() as session:
        found = commenter_data.comments_of(session, signer, owner)
        exported = commenter_data.export(session, found)["comments"]
    if not found and owner.email_key is None:
        return _text(shell, settings, "my-data-empty")
    query = f"?token={token}" if token else ""
    return _form(
        shell,
        settings,
        "my-data" if found else "my-data-empty",
        "Delete my comments and email address",
        "my-data/delete",
        token,
        comments=exported,
        export=f"my-data/export{query}" if found else None,
    )


@router.get("/my-data/export", include_in_schema=False)
def my_data_export(
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: LinkToken = "",
    author: AuthorCookie = None,
) -> Response:
    owner = _owner(signer, settings, token, author)
    if isinstance(owner, InvalidToken):
        return _refusal(shell, settings, owner)
    if owner is None:
        return _text(shell, settings, "who", status=403)
    return _export(database, signer, owner)


def _export(database: DatabaseDep, signer: Signer, owner: Owner) -> Response:
    with database.read() as session:
        data = commenter_data.export(session, commenter_data.comments_of(session, signer, owner))
    body = json.dumps(data, ensure_ascii=False, indent=2)
    headers = {"Content-Disposition": 'attachment; filename="my-comments.json"', "Cache-Control": "no-store"}
    return Response(body, media_type="application/json", headers=headers)


@router.post("/my-data/delete", response_class=HTMLResponse, include_in_schema=False)
def my_data_delete(
    request: Request,
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: FormToken = "",
    author: AuthorCookie = None,
) -> Response:
    owner = _owner(signer, settings, token, author)
    if isinstance(owner, InvalidToken):
        return _refusal(shell, settings, owner)
    if owner is None:
        return _text(shell, settings, "who", status=403)
    if owner.token_hash is not None and not same_origin(request):
        return _text(shell, settings, "cross-site", status=403)
    with database.write() as session:
        commenter_data.erase(session, signer, owner)
    response = _text(shell, settings, "erased")
    response.delete_cookie(AUTHOR_COOKIE, path="/api/")
    return response


NOT_THIS_BROWSER = (
    "Only the browser you posted from can see or delete its comments; the link in our emails works too."
)


@router.get("/me/comments", tags=["comments"], responses=PROBLEMS)
def my_comments(
    database: DatabaseDep, signer: SignerDep, settings: SettingsDep, token: Token = None
) -> Response:
    """Everything stored with the comments posted from this browser, as JSON (its edit token)."""
    return _export(database, signer, Owner(token_hash=_browser(signer, settings, token)))


def _browser(signer: Signer, settings: Settings, token: str | None) -> str:
    token_hash = author_token_hash(signer, settings, token)
    if token_hash is None:
        raise Refused(Reason.FORBIDDEN, TOKEN_HEADER, NOT_THIS_BROWSER)
    return token_hash


@router.delete("/me/comments", tags=["comments"], responses=PROBLEMS)
def delete_my_comments(
    database: DatabaseDep, signer: SignerDep, settings: SettingsDep, token: Token = None
) -> Response:
    """Delete every comment posted from this browser, with the email addresses on them."""
    token_hash = _browser(signer, settings, token)
    with database.write() as session:
        deleted = commenter_data.erase(session, signer, Owner(token_hash=token_hash))
    return JSONResponse({"deleted": deleted}, headers={"Cache-Control": "no-store"})
