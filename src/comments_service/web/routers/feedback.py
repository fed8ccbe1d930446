"""POST /api/feedback: a reader's answer to "Was this page helpful?", and the text they may add.

One route for both ways the form is sent. Without JavaScript the page's plain form
posts here and the reader is sent back (303) to the page, to the next step's anchor
(`#sdm-feedback-more-yes`, `-more-no`, `#sdm-feedback-thanks`), which the site's CSS
shows with `:target`. With JavaScript, assets/javascripts/feedback.js posts the same
form asking for JSON and shows the step in place. The address sent back to is the
page's own, from the build's list of pages, never one the request names, and only a
path on this site (`local_path`). Posts from another site's page are refused
(origin_check), as for the no-JavaScript comment form. The rules are core/feedback.py.
"""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ...core import feedback
from ...core.errors import Reason, Refused
from ...core.messages import PAGE_WORDS, Language, Text, language_of_thread
from ...core.page_info import PageInfo
from ..dependencies import ClientAddress, FeedbackDep, PageShellDep, PostingThreadsDep
from ..html_pages import page as html_page
from ..origin_check import same_origin
from ..page_shell import PageShell
from ..problems import problem, status_of

router = APIRouter(prefix="/api", tags=["feedback"])

CROSS_SITE = Refused(Reason.FORBIDDEN, "form", Text("feedback-cross-site"))
ANCHOR = "sdm-feedback-"


def local_path(url: str) -> str:
    """`url` if it is a path on this site, else the home page: a redirect never leaves the site.

    "//host/" and "/\\host/" are other sites to a browser, as is anything with a scheme.
    """
    if not url.startswith("/") or url.startswith(("//", "/\\")) or any(c in url for c in "\r\n\t"):
        return "/"
    return url


def next_step(helpful: str, text: str | None) -> str:
    """The step the reader sees next: thanks after the text form (even sent empty), otherwise
    the invitation to add a text."""
    return "thanks" if text is not None else f"more-{helpful}"


@router.post(
    "/feedback",
    status_code=201,
    response_model=None,
    responses={
        201: {"description": "Recorded (asked for JSON)"},
        303: {"description": "Recorded: back to the page's next step"},
        **{status: {"description": "Refused"} for status in (400, 403, 404, 413, 422, 429)},
    },
)
async def give_feedback(
    request: Request,
    address: ClientAddress,
    context: FeedbackDep,
    shell: PageShellDep,
    posting_threads: PostingThreadsDep,
    page: Annotated[str, Form()] = "",
    helpful: Annotated[str, Form()] = "",
    text: Annotated[str | None, Form()] = None,
    website: Annotated[str, Form()] = "",
) -> Response:
    """Record Yes or No for a page of the site, or the text added after it (form fields).

    Answers JSON (201 with the next step) when the request accepts application/json;
    otherwise 303 back to the page, at the next step's anchor.
    """
    wants_json = "application/json" in request.headers.get("accept", "")
    if text is None and "text" in await request.form():
        text = ""  # the text form sent empty: FastAPI reads an empty field as a missing one
    known = context.pages.get(page)
    language = page_language(known.url if known else None)
    if not same_origin(request):
        if wants_json:
            return problem(403, CROSS_SITE.said_in(language), "form")
        return _problem_page(shell, context, 403, CROSS_SITE, known)
    try:
        found = await anyio.to_thread.run_sync(
            feedback.submit, context, page, helpful, text, website, address, limiter=posting_threads
        )
    except Refused as refused:
        if wants_json:
            return problem(
                status_of(refused), refused.said_in(language), refused.field, retry_after=refused.retry_after
            )
        response = _problem_page(shell, context, status_of(refused), refused, known, helpful, text)
        if refused.retry_after:
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    step = next_step(helpful, text)
    if wants_json:
        return JSONResponse({"status": "recorded", "step": step}, status_code=201)
    return RedirectResponse(f"{local_path(found.url)}#{ANCHOR}{step}", status_code=303)


def page_language(url: str | None) -> Language:
    """A page's language from its path in the site (/es/... is a Spanish page, as es/... is its thread)."""
    return language_of_thread((url or "").lstrip("/"))


def _problem_page(
    shell: PageShell,
    context: feedback.FeedbackContext,
    status: int,
    refused: Refused,
    known: PageInfo | None,
    helpful: str = "",
    text: str | None = None,
) -> HTMLResponse:
    """Without JavaScript: what went wrong, the text again to send (nothing typed is lost), a way back,
    in the page's language (a Spanish page's path starts with /es/)."""
    language = page_language(known.url if known else None)
    words = PAGE_WORDS[language]
    return html_page(
        shell,
        "feedback_problem.html",
        words["feedback_title"],
        status=status,
        language=language,
        words=words,
        message=refused.said_in(language),
        page=known,
        back=local_path(known.url) if known else shell.asset(""),
        # The text form comes back when the text can be sent again once changed.
        retry=known is not None
        and helpful in feedback.ANSWERS
        and text is not None
        and refused.field in ("text", "rate"),
        helpful=helpful,
        text=text or "",
        max_length=context.policy.feedback_max_length,
    )
