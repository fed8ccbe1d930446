"""The JSON API the widget uses: HTTP glue only; the rules live in core/.

One request per page view: GET /api/comments returns the whole nested thread,
compressed, with an ETag (304 when unchanged).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text

from ...core import comments, thread_view
from ...core.clients import client_key
from ...core.comment_input import MAX_ID, THREAD_KEY_MAX_LENGTH, CommentEdit, NewComment
from ...core.page_info import page_accepting_comments
from ...core.times import utcnow
from ...infra.thread_cache import Body
from .. import atom_feed
from ..api_schema import CommentOut, Counts, FormToken, Health, Posted, Problem, ThreadOut
from ..dependencies import (
    ClientAddress,
    DatabaseDep,
    PageListDep,
    SettingsDep,
    SignerDep,
    SubmissionsDep,
    ThreadReaderDep,
)
from ..problems import NotJson
from ..representations import accepts_gzip, client_has, gzip_etag

router = APIRouter(prefix="/api", tags=["comments"])

TOKEN_HEADER = "X-Comment-Token"  # noqa: S105 (a header name, not a secret)
Token = Annotated[
    str | None,
    Header(alias=TOKEN_HEADER, max_length=200, description="The edit token from your first post."),
]
CommentId = Annotated[int, Path(ge=1, le=MAX_ID, description="The comment's id.")]
ThreadQuery = Annotated[
    str, Query(min_length=1, max_length=THREAD_KEY_MAX_LENGTH, description="The page's thread id.")
]
# Every refusal, including FastAPI's own validation errors (problems.py), is a Problem:
# an operation with parameters must declare 422 as one, or FastAPI documents its
# default HTTPValidationError body, which this service never sends.
PROBLEMS: dict[int | str, dict[str, object]] = {
    status: {"model": Problem} for status in (400, 403, 404, 409, 413, 415, 422, 429)
}


async def require_json(request: Request) -> None:
    """Writes must be JSON: a cross-site HTML form cannot send it without CORS allowing it."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise NotJson()


@router.get("/health", response_model=Health)
def health(database: DatabaseDep) -> dict[str, str]:
    with database.read() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}


@router.get(
    "/form-token",
    response_model=FormToken,
    responses={404: {"model": Problem}, 422: {"model": Problem}},
)
def form_token(
    pages: PageListDep, signer: SignerDep, settings: SettingsDep, response: Response, thread: ThreadQuery
) -> dict[str, object]:
    """Fetched when a visitor starts writing on a page: good for that page only, for a few
    comments; posting sooner than `min_seconds` later is refused."""
    page = page_accepting_comments(pages, thread)
    response.headers["Cache-Control"] = "no-store"
    return {
        "token": signer.new_form_token(page.thread),
        "min_seconds": settings.min_submit_seconds,
        "notify": settings.commenter_emails_on,
    }


@router.get(
    "/comments",
    response_model=None,
    responses={
        200: {"model": ThreadOut},
        304: {"description": "Not modified"},
        404: {"model": Problem},
        422: {"model": Problem},
    },
)
async def read_thread(
    request: Request, reader: ThreadReaderDep, thread: ThreadQuery, token: Token = None
) -> Response:
    """Approved comments, nested, plus this browser's own pending ones."""
    body, private = await reader.read(thread, token)
    return _send(request, body, private)


def _send(request: Request, body: Body, private: bool) -> Response:
    gzip = accepts_gzip(request.headers.get("accept-encoding", ""))
    # Each encoding is its own representation, so each has its own ETag.
    etag = gzip_etag(body.etag) if gzip else body.etag
    headers = {
        "ETag": etag,
        "Cache-Control": ("private" if private else "public") + ", no-cache",
        "Vary": f"Accept-Encoding, {TOKEN_HEADER}",
    }
    if client_has(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    if gzip:
        headers["Content-Encoding"] = "gzip"
        return Response(body.compressed, media_type="application/json", headers=headers)
    return Response(body.raw, media_type="application/json", headers=headers)


@router.post(
    "/comments",
    status_code=201,
    response_model=None,
    responses={
        201: {"model": Posted},
        202: {"model": Posted, "description": "Held for moderation"},
        **PROBLEMS,
    },
    dependencies=[Depends(require_json)],
)
async def post_comment(
    request: Request,
    data: NewComment,
    background: BackgroundTasks,
    address: ClientAddress,
    submissions: SubmissionsDep,
    token: Token = None,
) -> JSONResponse:
    """201 when published at once, 202 when it waits for a moderator."""
    request.state.thread = data.thread  # a refusal is said in this page's language
    posted = await submissions.submit_async(data, address, token, background)
    return JSONResponse(
        {
            "status": posted.status,
            "comment": posted.comment,
            "token": posted.token,
            "emails": "confirm" if posted.subscribed else None,
        },
        status_code=201 if posted.status == "approved" else 202,
        headers={"Cache-Control": "no-store"},
    )


@router.patch(
    "/comments/{comment_id}",
    response_model=CommentOut,
    responses=PROBLEMS,
    dependencies=[Depends(require_json)],
)
def edit_comment(
    comment_id: CommentId,
    data: CommentEdit,
    address: ClientAddress,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: Token = None,
) -> JSONResponse:
    """The author may edit for a short while after posting (15 minutes by default)."""
    token_hash = comments.author_token_hash(signer, settings, token)
    client = client_key(signer, address, settings.ipv6_prefix_length)
    with database.write() as session:
        comment = comments.edit(session, settings, comment_id, token_hash, data, client)
        out = thread_view.node(comment, token_hash, utcnow(), comments.edit_window(settings))
    return JSONResponse(out)


@router.delete("/comments/{comment_id}", status_code=204, response_class=Response, responses=PROBLEMS)
def delete_comment(
    comment_id: CommentId,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    token: Token = None,
) -> Response:
    """The author may delete within the same window; replies keep their place."""
    with database.write() as session:
        comments.remove_own(
            session, settings, comment_id, comments.author_token_hash(signer, settings, token)
        )
    return Response(status_code=204)


@router.get("/counts", response_model=Counts, responses=PROBLEMS)
def counts(
    database: DatabaseDep,
    thread: Annotated[list[str], Query(min_length=1, max_length=100, description="Repeat for each page.")],
) -> dict[str, dict[str, int]]:
    """Approved-comment counts for many pages in one request (for lists of articles)."""
    keys = list(dict.fromkeys(key for key in thread if 0 < len(key) <= THREAD_KEY_MAX_LENGTH))
    with database.read() as session:
        return {"counts": thread_view.counts(session, keys)}


@router.get(
    "/feed",
    response_class=Response,
    responses={
        200: {"content": {"application/atom+xml": {}}},
        404: {"model": Problem},
        422: {"model": Problem},
    },
)
def thread_feed(
    pages: PageListDep, database: DatabaseDep, settings: SettingsDep, thread: ThreadQuery
) -> Response:
    """An Atom feed of a thread's approved comments, newest first."""
    page = page_accepting_comments(pages, thread)
    with database.read() as session:
        newest = thread_view.newest_approved(session, thread)
    xml = atom_feed.atom(settings.public_url, page, newest)
    return Response(xml, media_type="application/atom+xml; charset=utf-8")
