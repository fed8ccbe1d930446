"""The no-JavaScript discussion page: read approved comments and post with a plain form.

Posting goes through the same steps as the JSON API (comment_submission.submit), then
redirects back with a message. The author's edit token is kept in a cookie (HttpOnly,
for /api/ only), as the widget keeps it in the browser's storage: the page then shows
the author their own comments waiting for moderation, and links to their data.
Cross-site form posts are refused by checking that the request's Origin (or Referer)
is this site, and answered with an empty form; any other failed post shows the form
again with every field as typed and every problem at once, next to its field.
No other site may frame the page (middleware.SecurityHeaders).
Everything the page says is in its page's language (the thread's: core/messages.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Cookie, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ...core.comment_input import (
    EMAIL_MAX_LENGTH,
    MAX_ID,
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    THREAD_KEY_MAX_LENGTH,
    NewComment,
)
from ...core.comments import author_token_hash, reply_refusal
from ...core.errors import Refused
from ...core.field_messages import field_text
from ...core.messages import PAGE_WORDS, Language, Text, language_of_thread
from ...core.page_info import PageInfo
from ...core.states import State
from ...core.thread_view import thread_view
from ...core.tokens import Signer
from ...infra.database import Database
from ...infra.settings import Settings
from ..dependencies import (
    ClientAddress,
    DatabaseDep,
    PageListDep,
    PageShellDep,
    SettingsDep,
    SignerDep,
    SubmissionsDep,
)
from ..html_pages import message_page, page
from ..origin_check import same_origin
from ..page_shell import PageShell
from ..problems import status_of

router = APIRouter(prefix="/api", include_in_schema=False)

NOTICES = {"pending": Text("posted-pending"), "approved": Text("posted-approved")}
# The same sentence the widget shows after a post that asked for emails.
CONFIRM_NOTICE = Text("confirm-emails")
FORM_CHANGED = Text("form-changed")
AUTHOR_COOKIE = "sdm_author"
AuthorCookie = Annotated[str | None, Cookie(alias=AUTHOR_COOKIE, max_length=200)]


@dataclass(frozen=True)
class DiscussionPage:
    """What drawing the page takes: the service's parts, and the page whose comments it shows."""

    shell: PageShell
    database: Database
    settings: Settings
    signer: Signer
    page: PageInfo
    author: str | None = None  # the hash of the browser's edit token, while it is honoured

    @property
    def language(self) -> Language:
        return language_of_thread(self.page.thread)


@dataclass
class FormState:
    """The form as the visitor last sent it: what to show again, and each field's problem."""

    reply: int | None = None
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _not_found(shell: PageShell, thread: str) -> HTMLResponse:
    lang = language_of_thread(thread)
    words = PAGE_WORDS[lang]
    return message_page(
        shell,
        words["title"],
        words["none_here"],
        Text("page-closed").in_language(lang),
        shell.asset("", lang),
        words["home"],
        status=404,
        language=lang,
    )


def _show(
    where: DiscussionPage, form: FormState | None = None, notice: list[Text] | None = None, status: int = 200
) -> HTMLResponse:
    form = form or FormState()
    with where.database.read() as session:
        view = thread_view(session, where.settings, where.page, where.author)
    reply_to = _find(view["comments"], form.reply) if form.reply else None
    # Only a comment that takes replies gets the reply form (the rule posting enforces).
    if reply_to is not None:
        refusal = reply_refusal(State(reply_to["state"]), reply_to["depth"], view["max_depth"])
        reply_to = reply_to if refusal is None else None
    words = PAGE_WORDS[where.language]
    return page(
        where.shell,
        "discussion.html",
        words["heading"].format(title=where.page.title),
        status=status,
        language=where.language,
        words=words,
        page=where.page,
        view=view,
        reply_to=reply_to,
        notice=" ".join(part.in_language(where.language) for part in notice) if notice else None,
        values=form.values,
        errors=form.errors,
        form_token=where.signer.new_form_token(where.page.thread),
        limits=_limits(where.settings),
        notify_offered=where.settings.commenter_emails_on,
        own_data=where.author is not None,
        lang=where.language,
    )


def _limits(settings: Settings) -> dict[str, int]:
    """The form's limits, as the widget states them too (mkdocs.yml's extra.comments)."""
    return {
        "name_max_length": NAME_MAX_LENGTH,
        "email_max_length": EMAIL_MAX_LENGTH,
        "text_max_length": TEXT_MAX_LENGTH,
        "max_links": settings.max_links,
    }


def _find(comments: list[dict[str, Any]], comment_id: int) -> dict[str, Any] | None:
    for comment in comments:
        if comment["id"] == comment_id:
            return comment
        found = _find(comment["replies"], comment_id)
        if found:
            return found
    return None


@router.get("/discussion", response_class=HTMLResponse)
def show(
    pages: PageListDep,
    shell: PageShellDep,
    database: DatabaseDep,
    settings: SettingsDep,
    signer: SignerDep,
    thread: Annotated[str, Query(max_length=THREAD_KEY_MAX_LENGTH)] = "",
    reply: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    posted: Annotated[str | None, Query(max_length=20)] = None,
    emails: Annotated[str | None, Query(max_length=20)] = None,
    author: AuthorCookie = None,
) -> HTMLResponse:
    found = pages.get(thread)
    if found is None:
        return _not_found(shell, thread)
    where = DiscussionPage(
        shell, database, settings, signer, found, author_token_hash(signer, settings, author)
    )
    said = NOTICES.get(posted or "")
    notice = [said, CONFIRM_NOTICE] if said and emails == "confirm" else [said] if said else None
    return _show(where, FormState(reply=reply), notice=notice)


@router.post("/discussion", response_class=HTMLResponse)
def submit_form(
    request: Request,
    background: BackgroundTasks,
    address: ClientAddress,
    pages: PageListDep,
    shell: PageShellDep,
    database: DatabaseDep,
    settings: SettingsDep,
    signer: SignerDep,
    submissions: SubmissionsDep,
    thread: Annotated[str, Form(max_length=THREAD_KEY_MAX_LENGTH)] = "",
    parent: Annotated[str, Form(max_length=20)] = "",
    name: Annotated[str, Form(max_length=1000)] = "",
    email: Annotated[str, Form(max_length=1000)] = "",
    text: Annotated[str, Form(max_length=20_000)] = "",
    website: Annotated[str, Form(max_length=1000)] = "",
    form_token: Annotated[str, Form(max_length=500)] = "",
    notify: Annotated[str, Form(max_length=10)] = "",
    author: AuthorCookie = None,
) -> Response:
    found = pages.get(thread)
    if found is None:
        return _not_found(shell, thread)
    where = DiscussionPage(
        shell, database, settings, signer, found, author_token_hash(signer, settings, author)
    )
    if not same_origin(request):
        # An empty form: filled in with what another site sent, one click in a frame or a
        # tricked visitor would post it from here.
        cross_site = Text("cross-site").in_language(where.language)
        return _show(where, FormState(errors={"form": cross_site}), status=403)
    # isdigit() alone accepts "²", which int() refuses: only ASCII digits are an id.
    form = FormState(
        reply=int(parent) if parent.isascii() and parent.isdigit() else None,
        values={"name": name, "email": email, "text": text, "notify": notify},
    )
    try:
        data = NewComment(
            thread=thread,
            parent=form.reply,
            name=name,
            email=email or None,
            text=text,
            website=website or None,
            form_token=form_token or "-",
            notify=bool(notify) and settings.commenter_emails_on,
        )
        posted = submissions.submit(data, address, author, background)
    except ValidationError as error:
        form.errors = _errors(error.errors(), where.language)
        return _show(where, form, status=422)
    except Refused as refused:
        return _refused(where, form, refused)
    emails = "&emails=confirm" if posted.subscribed else ""
    target = f"discussion?thread={quote(thread, safe='')}&posted={posted.status}{emails}#comments"
    return _remember_author(RedirectResponse(target, status_code=303), settings, posted.token)


def _refused(where: DiscussionPage, form: FormState, refused: Refused) -> HTMLResponse:
    """The form again, the rules' refusal next to its field (Retry-After when it says when)."""
    form.errors = {_visible(refused.field): refused.said_in(where.language)}
    response = _show(where, form, status=status_of(refused))
    if refused.retry_after:
        response.headers["Retry-After"] = str(refused.retry_after)
    return response


def _remember_author(response: Response, settings: Settings, token: str) -> Response:
    """The edit token in a cookie only the service's own pages under /api/ receive."""
    response.set_cookie(
        AUTHOR_COOKIE,
        token,
        max_age=settings.author_token_days * 86_400,
        path="/api/",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    return response


def _visible(field: str) -> str:
    """The form field to show a problem next to; hidden fields report at the top."""
    return field if field in ("name", "email", "text", "notify") else "form"


def _errors(items: list[ErrorDetails], lang: Language) -> dict[str, str]:
    """Every field's problem at once, in the words the widget uses (core/field_messages.py)."""
    errors: dict[str, str] = {}
    for item in items:
        field = _visible(str(item["loc"][0]) if item["loc"] else "form")
        said = FORM_CHANGED if field == "form" else field_text(field, item)
        errors.setdefault(field, said.in_language(lang))
    return errors
