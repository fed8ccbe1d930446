"""Commenters' own control: confirm or stop emails, and see, download or delete their data.

HTTP glue only (rules: core/notifications.py, core/commenter_data.py). Email links
only show a page with one button; the POST acts, so a mail scanner opening links
changes nothing. The unsubscribe POST also answers RFC 8058's one-click request
(`List-Unsubscribe=One-Click`, no cookie, no CSRF token): the signed token in its
address is all it takes, and all it accepts. A browser proves itself by its edit
token instead: the X-Comment-Token header (the widget) or the no-JavaScript page's
cookie, whose writes must come from this site (Origin or Referer).

Every page is in the language its link names (`lang`, en or es): an email's links carry
the language of the page the comment is on, the no-JavaScript page's link its own. A
link without one gets English; the browser's Accept-Language is never asked.
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
from ...core.messages import PAGE_WORDS, Language, Text, language
from ...core.tokens import InvalidToken, Signer
from ...infra.commenter_email import CONFIRM_LINK, MY_DATA_LINK, UNSUBSCRIBE_LINK
from ...infra.settings import Settings
from ..dependencies import DatabaseDep, PageShellDep, SettingsDep, SignerDep
from ..html_pages import message_page, page
from ..origin_check import same_origin
from ..page_shell import PageShell
from .api import PROBLEMS, TOKEN_HEADER, Token
from .discussion import AUTHOR_COOKIE

router = APIRouter(prefix="/api")

# What each page says: the catalogue's "<key>-title" and "<key>" (core/messages.py),
# in the language the link names.
PageLanguage = Annotated[str | None, Query(alias="lang", max_length=5)]


def _words(lang: str | None) -> tuple[Language, dict[str, str]]:
    """The page's language, named by the link (emails add the commented page's `lang`)."""
    chosen = language(lang)
    return chosen, PAGE_WORDS[chosen]


def _said(key: str, lang: Language, settings: Settings) -> tuple[str, str]:
    filled = {
        "hours": settings.confirm_link_hours,
        "days": settings.commenter_link_days,
        "minutes": settings.notify_batch_minutes,
    }
    return Text(f"{key}-title").in_language(lang), Text(key, **filled).in_language(lang)


def _text(
    shell: PageShell, settings: Settings, key: str, lang: str | None, status: int = 200
) -> HTMLResponse:
    chosen, words = _words(lang)
    heading, message = _said(key, chosen, settings)
    home = shell.asset("", chosen)
    return message_page(shell, heading, heading, message, home, words["home"], status=status, language=chosen)


def _form(
    shell: PageShell,
    settings: Settings,
    key: str,
    lang: str | None,
    button: str,
    action: str,
    token: str,
    **extra: Any,
) -> HTMLResponse:
    chosen, words = _words(lang)
    heading, message = _said(key, chosen, settings)
    return page(
        shell,
        "commenter.html",
        heading,
        language=chosen,
        words=words,
        heading=heading,
        message=message,
        button=words[button],
        action=f"{action}{'&' if '?' in action else '?'}lang={chosen}",
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


def _refusal(shell: PageShell, settings: Settings, error: InvalidToken, lang: str | None) -> HTMLResponse:
    key = "link-expired" if "expired" in str(error) else "link-bad"
    return _text(shell, settings, key, lang, status=403)


LinkToken = Annotated[str, Query(max_length=500)]
FormToken = Annotated[str, Form(max_length=500)]


@router.get("/notifications/confirm", response_class=HTMLResponse, include_in_schema=False)
def confirm_page(
    shell: PageShellDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: LinkToken = "",
    lang: PageLanguage = None,
) -> Response:
    key = _key(signer, settings, CONFIRM_LINK, token)
    if isinstance(key, InvalidToken):
        return _refusal(shell, settings, key, lang)
    return _form(shell, settings, "confirm", lang, "confirm_button", "confirm", token)


@router.post("/notifications/confirm", response_class=HTMLResponse, include_in_schema=False)
def confirm(
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: FormToken = "",
    lang: PageLanguage = None,
) -> Response:
    key = _key(signer, settings, CONFIRM_LINK, token)
    if isinstance(key, InvalidToken):
        return _refusal(shell, settings, key, lang)
    with database.write() as session:
        found = notifications.confirm(session, key)
    return _text(shell, settings, "confirmed" if found else "nothing-to-confirm", lang)


@router.get("/notifications/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
def unsubscribe_page(
    shell: PageShellDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: LinkToken = "",
    lang: PageLanguage = None,
) -> Response:
    key = _key(signer, settings, UNSUBSCRIBE_LINK, token)
    if isinstance(key, InvalidToken):
        return _refusal(shell, settings, key, lang)
    action = f"unsubscribe?token={token}"
    return _form(shell, settings, "unsubscribe", lang, "unsubscribe_button", action, "")


@router.post("/notifications/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
def unsubscribe(
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: LinkToken = "",
    lang: PageLanguage = None,
) -> Response:
    """The page's button and RFC 8058's one-click POST alike: the token in the address decides."""
    key = _key(signer, settings, UNSUBSCRIBE_LINK, token)
    if isinstance(key, InvalidToken):
        return _refusal(shell, settings, key, lang)
    with database.write() as session:
        notifications.unsubscribe(session, key)
    return _text(shell, settings, "unsubscribed", lang)


def _owner(
    shell: PageShell, signer: Signer, settings: Settings, token: str, author: str | None, lang: str | None
) -> Owner | HTMLResponse:
    """Whose data: the email link's token first, else the browser's edit token; otherwise
    the page that says why not (a forged or expired link, or neither)."""
    if token:
        key = _key(signer, settings, MY_DATA_LINK, token)
        if isinstance(key, InvalidToken):
            return _refusal(shell, settings, key, lang)
        return Owner(email_key=key)
    token_hash = author_token_hash(signer, settings, author)
    if token_hash is None:
        return _text(shell, settings, "who", lang, status=403)
    return Owner(token_hash=token_hash)


AuthorCookie = Annotated[str | None, Cookie(alias=AUTHOR_COOKIE)]


@router.get("/my-data", response_class=HTMLResponse, include_in_schema=False)
def my_data_page(
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: LinkToken = "",
    author: AuthorCookie = None,
    lang: PageLanguage = None,
) -> Response:
    """The confirmation step: what would be deleted, the download, and the button."""
    owner = _owner(shell, signer, settings, token, author, lang)
    if not isinstance(owner, Owner):
        return owner
    with database.read() as session:
        found = commenter_data.comments_of(session, signer, owner)
        exported = commenter_data.export(session, found, language(lang), settings.keep_rejected_days)
    if not found and owner.email_key is None:
        return _text(shell, settings, "my-data-empty", lang)
    query = f"?token={token}&lang={language(lang)}" if token else f"?lang={language(lang)}"
    return _form(
        shell,
        settings,
        "my-data" if found else "my-data-empty",
        lang,
        "erase_button",
        "my-data/delete",
        token,
        comments=exported["comments"],
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
    lang: PageLanguage = None,
) -> Response:
    owner = _owner(shell, signer, settings, token, author, lang)
    if not isinstance(owner, Owner):
        return owner
    return _export(database, signer, settings, owner, language(lang))


def _export(
    database: DatabaseDep, signer: Signer, settings: Settings, owner: Owner, lang: Language
) -> Response:
    with database.read() as session:
        found = commenter_data.comments_of(session, signer, owner)
        data = commenter_data.export(session, found, lang, settings.keep_rejected_days)
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
    lang: PageLanguage = None,
) -> Response:
    owner = _owner(shell, signer, settings, token, author, lang)
    if not isinstance(owner, Owner):
        return owner
    if owner.token_hash is not None and not same_origin(request):
        return _text(shell, settings, "not-here", lang, status=403)
    with database.write() as session:
        commenter_data.erase(session, signer, owner)
    response = _text(shell, settings, "erased", lang)
    response.delete_cookie(AUTHOR_COOKIE, path="/api/")
    return response


@router.get("/me/comments", tags=["comments"], responses=PROBLEMS)
def my_comments(
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: Token = None,
    lang: PageLanguage = None,
) -> Response:
    """Everything stored with the comments posted from this browser, as JSON (its edit token).

    `lang` (en or es): the language of the notes in it, the page's.
    """
    owner = Owner(token_hash=_browser(signer, settings, token))
    return _export(database, signer, settings, owner, language(lang))


def _browser(signer: Signer, settings: Settings, token: str | None) -> str:
    token_hash = author_token_hash(signer, settings, token)
    if token_hash is None:
        raise Refused(Reason.FORBIDDEN, TOKEN_HEADER, Text("not-this-browser"))
    return token_hash


@router.delete("/me/comments", tags=["comments"], responses=PROBLEMS)
def delete_my_comments(
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: Token = None,
    lang: PageLanguage = None,
) -> Response:
    """Delete every comment posted from this browser, with the email addresses on them.

    `lang` (en or es): the language of a refusal, the page's.
    """
    token_hash = _browser(signer, settings, token)
    with database.write() as session:
        deleted = commenter_data.erase(session, signer, Owner(token_hash=token_hash))
    return JSONResponse({"deleted": deleted}, headers={"Cache-Control": "no-store"})
