"""The JSON API the widget uses: HTTP glue only; the rules live in store, guard, moderation.

One request per page view: GET /api/comments returns the whole nested thread,
compressed, with an ETag (304 when unchanged).
"""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, BackgroundTasks, Depends, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from .. import feed, posting, store
from ..cache import Body
from ..db import write_session
from ..guard import Refused
from ..pages import PageInfo
from ..posting import page_or_404
from ..representations import accepts_gzip, client_has, gzip_etag
from ..schemas import (
    MAX_ID,
    CommentEdit,
    CommentOut,
    Counts,
    FormToken,
    Health,
    NewComment,
    Posted,
    Problem,
    ThreadOut,
)
from ..services import Services, services

router = APIRouter(prefix="/api", tags=["comments"])

TOKEN_HEADER = "X-Comment-Token"  # noqa: S105 (a header name, not a secret)
Token = Annotated[
    str | None,
    Header(alias=TOKEN_HEADER, max_length=200, description="The edit token from your first post."),
]
CommentId = Annotated[int, Path(ge=1, le=MAX_ID, description="The comment's id.")]
ThreadQuery = Annotated[str, Query(min_length=1, max_length=200, description="The page's thread id.")]
# Every refusal, including FastAPI's own validation errors (errors.py), is a Problem:
# an operation with parameters must declare 422 as one, or FastAPI documents its
# default HTTPValidationError body, which this service never sends.
PROBLEMS: dict[int | str, dict[str, object]] = {
    status: {"model": Problem} for status in (400, 403, 404, 409, 413, 415, 422, 429)
}


async def require_json(request: Request) -> None:
    """Writes must be JSON: a cross-site HTML form cannot send it without CORS allowing it."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise Refused(415, "Content-Type", "Send the comment as JSON (Content-Type: application/json).")


@router.get("/health", response_model=Health)
def health(svc: Annotated[Services, Depends(services)]) -> dict[str, str]:
    with svc.sessions() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}


@router.get(
    "/form-token",
    response_model=FormToken,
    responses={404: {"model": Problem}, 422: {"model": Problem}},
)
def form_token(
    svc: Annotated[Services, Depends(services)], response: Response, thread: ThreadQuery
) -> dict[str, object]:
    """Fetched when a visitor starts writing on a page: good for that page only, for a few
    comments; posting sooner than `min_seconds` later is refused."""
    page = page_or_404(svc, thread)
    response.headers["Cache-Control"] = "no-store"
    return {"token": svc.signer.new_form_token(page.thread), "min_seconds": svc.settings.min_submit_seconds}


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
    request: Request,
    svc: Annotated[Services, Depends(services)],
    thread: ThreadQuery,
    token: Token = None,
) -> Response:
    """Approved comments, nested, plus this browser's own pending ones."""
    page = page_or_404(svc, thread)
    token_hash = svc.author_token_hash(token)
    if token_hash is None:
        body = await svc.threads.body(page)
    else:
        body = await run_in_threadpool(_own_view, svc, page, token_hash)
    return _send(request, body, private=token_hash is not None)


def _own_view(svc: Services, page: PageInfo, token_hash: str) -> Body:
    with svc.sessions() as session:
        return Body.of(store.thread_view(session, svc.settings, page, token_hash))


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
    svc: Annotated[Services, Depends(services)],
    token: Token = None,
) -> JSONResponse:
    """201 when published at once, 202 when it waits for a moderator."""
    address = posting.address_of(request, svc)
    posted = await anyio.to_thread.run_sync(
        posting.post, svc, data, address, token, background, limiter=svc.posters
    )
    return JSONResponse(
        {"status": posted.status, "comment": posted.comment, "token": posted.token},
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
    svc: Annotated[Services, Depends(services)],
    token: Token = None,
) -> JSONResponse:
    """The author may edit for a short while after posting (15 minutes by default)."""
    token_hash = svc.author_token_hash(token)
    with write_session(svc.sessions) as session:
        comment = store.edit(session, svc.settings, comment_id, token_hash, data)
        out = store.node(comment, token_hash, store.utcnow(), store.edit_window(svc.settings))
    return JSONResponse(out)


@router.delete("/comments/{comment_id}", status_code=204, response_class=Response, responses=PROBLEMS)
def delete_comment(
    comment_id: CommentId, svc: Annotated[Services, Depends(services)], token: Token = None
) -> Response:
    """The author may delete within the same window; replies keep their place."""
    with write_session(svc.sessions) as session:
        store.remove_own(session, svc.settings, comment_id, svc.author_token_hash(token))
    return Response(status_code=204)


@router.get("/counts", response_model=Counts, responses=PROBLEMS)
def counts(
    svc: Annotated[Services, Depends(services)],
    thread: Annotated[list[str], Query(min_length=1, max_length=100, description="Repeat for each page.")],
) -> dict[str, dict[str, int]]:
    """Approved-comment counts for many pages in one request (for lists of articles)."""
    keys = list(dict.fromkeys(key for key in thread if 0 < len(key) <= 200))
    with svc.sessions() as session:
        return {"counts": store.counts(session, keys)}


@router.get(
    "/feed",
    response_class=Response,
    responses={
        200: {"content": {"application/atom+xml": {}}},
        404: {"model": Problem},
        422: {"model": Problem},
    },
)
def thread_feed(svc: Annotated[Services, Depends(services)], thread: ThreadQuery) -> Response:
    """An Atom feed of a thread's approved comments, newest first."""
    page = page_or_404(svc, thread)
    with svc.sessions() as session:
        comments = store.approved(session, thread)
    xml = feed.atom(svc.settings.public_url, page, comments)
    return Response(xml, media_type="application/atom+xml; charset=utf-8")
