"""The moderation lists at /admin, one comment's page, and the actions on one or many comments.

HTTP glue only: the lists come from core/queue.py (as `comments list` does), the
rules from core/moderation.py. The forms work without JavaScript: a list is one form
whose checkboxes pick comments for the bulk buttons, and whose per-comment buttons
post elsewhere (formaction). Deleting asks first, on a page of its own.
"""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...core import audit, authors, moderation, queue
from ...core.comment_input import MAX_ID
from ...core.errors import NotAllowed
from ...core.models import AdminSession, Comment
from ...core.states import ModerationMode, State
from ...core.tokens import Signer
from ...infra.settings import Settings
from ..admin_common import (
    CommentId,
    Moderator,
    ModeratorForm,
    back_to,
    message,
    missing,
    tell_commenters,
)
from ..admin_views import comment_view, when
from ..dependencies import DatabaseDep, PageShellDep, ProxyNoticeDep, SettingsDep, SignerDep
from ..html_pages import admin_page
from ..page_shell import PageShell
from .admin import apply_one

router = APIRouter(prefix="/admin", include_in_schema=False)

STATES = [
    ("pending", "Waiting"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("deleted", "Deleted"),
]
LABELS = {"approve": "Approve", "reject": "Reject", "delete": "Delete"}
# From the Deleted list, approving or rejecting restores.
RESTORE_LABELS = {"approve": "Restore as approved", "reject": "Restore as rejected"}
DETAIL_NOTICES = {"saved": "Saved.", **{a: f"Comment {d}." for a, d in moderation.PAST_TENSE.items()}}
MAX_PICKED = 500  # comment ids one bulk form may carry
Ids = Annotated[list[int], Form()]


def _notice(done: str, n: int, same: int, refused: int) -> str | None:
    """What the last action did, from the counts in the redirect (never text from the address)."""
    if done not in moderation.PAST_TENSE:
        return None
    if (n, same, refused) == (1, 0, 0):
        return f"Comment {moderation.PAST_TENSE[done]}."
    tally = queue.Tally(changed=[0] * n, unchanged=[0] * same, refused=dict.fromkeys(range(refused), ""))
    return tally.summary(done)


def _list_context(
    session: Session, settings: Settings, query: queue.Query, page_number: int
) -> dict[str, Any]:
    rows = queue.find(session, query)
    parents = queue.parents(session, rows)
    counts = queue.counts(session, query)
    total = counts[query.state]
    return {
        "comments": [comment_view(row, settings.time_zone, parents.get(row.parent_id or 0)) for row in rows],
        "counts": {state.value: number for state, number in counts.items()},
        "pages": queue.pages(session, query.state),
        "total": total,
        "first": query.offset + 1,
        "last": query.offset + len(rows),
        "page_number": page_number,
        "page_count": max(1, math.ceil(total / settings.admin_page_size)),
    }


@router.get("", response_class=HTMLResponse)
def queue_page(
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    proxy: ProxyNoticeDep,
    admin: Moderator,
    state: str = "pending",
    q: Annotated[str, Query(max_length=queue.MAX_SEARCH)] = "",
    thread: Annotated[str, Query(max_length=200)] = "",
    p: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    done: str = "",
    n: Annotated[int, Query(ge=0)] = 0,
    same: Annotated[int, Query(ge=0)] = 0,
    refused: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    state = state if state in dict(STATES) else "pending"
    size = settings.admin_page_size
    query = queue.Query(State(state), thread, q, offset=(p - 1) * size, limit=size)
    with database.read() as session:
        context = _list_context(session, settings, query, p)
    here = {"state": state, "q": q, "thread": thread}
    return admin_page(
        shell,
        "admin_queue.html",
        f"Moderation: {dict(STATES)[state]}",
        state=state,
        states=STATES,
        state_label=dict(STATES)[state],
        labels=RESTORE_LABELS if state == "deleted" else LABELS,
        bulk_actions=moderation.allowed_actions(State(state)),
        q=q,
        thread=thread,
        link=lambda **changes: "?" + urlencode({k: v for k, v in {**here, **changes}.items() if v}),
        back=urlencode({**here, "p": p}),
        csrf=admin.csrf_token,
        notice=_notice(done, n, same, refused),
        untrusted_proxy=proxy.address,
        **context,
    )


def detail_context(session: Session, settings: Settings, signer: Signer, comment: Comment) -> dict[str, Any]:
    """Everything the comment's page shows: the comment, what it answers, its author, blocks, history."""
    parent = session.get(Comment, comment.parent_id) if comment.parent_id else None
    word = authors.standing(session, comment.author_token_hash)
    first_time = settings.moderation is ModerationMode.FIRST_TIME and moderation.author_was_approved(
        session, comment.author_token_hash
    )
    blocks = authors.blocks_of(session, signer, comment)
    history = audit.entries(session, comment.id)
    return {
        "comment": comment_view(comment, settings.time_zone, parent),
        "trust": word,
        "trusted_by_mode": word is None and first_time,
        "recognisable": comment.author_token_hash is not None,
        "blocks": {kind: when(block.expires_at, settings.time_zone) for kind, block in blocks.items()},
        "can_block": {authors.CLIENT: bool(comment.client_key), authors.EMAIL: bool(comment.email)},
        "history": [
            {**entry, "when": when(row.at, settings.time_zone)}
            for row, entry in zip(history, audit.as_dicts(history), strict=True)
        ],
    }


@router.get("/comments/{comment_id}", response_class=HTMLResponse)
def show(
    comment_id: CommentId,
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    admin: Moderator,
    done: str = "",
) -> Response:
    with database.read() as session:
        comment = session.get(Comment, comment_id)
        if comment is None:
            return missing(shell)
        context = detail_context(session, settings, signer, comment)
    return admin_page(
        shell,
        "admin_comment.html",
        f"Comment {comment_id}",
        labels=RESTORE_LABELS if context["comment"]["state"] == "deleted" else LABELS,
        csrf=admin.csrf_token,
        back=urlencode({"state": context["comment"]["state"]}),
        notice=DETAIL_NOTICES.get(done),
        days=settings.keep_rejected_days,
        **context,
    )


@router.get("/comments/{comment_id}/delete", response_class=HTMLResponse)
def confirm_delete(
    comment_id: CommentId,
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    settings: SettingsDep,
    admin: Moderator,
    back: Annotated[str, Query(max_length=500)] = "state=pending",
) -> Response:
    """Deleting asks first; the answer posts to the action below."""
    with database.read() as session:
        comment = session.get(Comment, comment_id)
        if comment is None:
            return missing(shell)
        parents = queue.parents(session, [comment])
        views = [comment_view(comment, settings.time_zone, parents.get(comment.parent_id or 0))]
    return _confirm_page(shell, admin, settings, views, back)


def _confirm_page(
    shell: PageShell, admin: AdminSession, settings: Settings, views: list[dict[str, Any]], back: str
) -> HTMLResponse:
    return admin_page(
        shell,
        "admin_delete.html",
        "Delete comments?" if len(views) > 1 else "Delete this comment?",
        comments=views,
        csrf=admin.csrf_token,
        back=back,
        cancel=back_to(back),
        days=settings.keep_rejected_days,
    )


@router.post("/comments/{comment_id}/{action}")
def act(
    comment_id: CommentId,
    action: str,
    shell: PageShellDep,
    database: DatabaseDep,
    settings: SettingsDep,
    signer: SignerDep,
    background: BackgroundTasks,
    admin: ModeratorForm,
    back: Annotated[str, Form(max_length=500)] = "state=pending",
    to: Annotated[str, Form(max_length=10)] = "list",
) -> Response:
    error = apply_one(database, comment_id, action, audit.session_actor(admin))
    if error:
        return message(shell, 409, "Not done", error, "Back to the queue")
    tell_commenters(background, database, settings, signer, action)
    if to == "comment":
        return RedirectResponse(f"/admin/comments/{comment_id}?done={action}", status_code=303)
    return RedirectResponse(back_to(back, done=action, n=1), status_code=303)


@router.post("/bulk")
def bulk(
    shell: PageShellDep,
    database: DatabaseDep,
    settings: SettingsDep,
    signer: SignerDep,
    background: BackgroundTasks,
    admin: ModeratorForm,
    action: Annotated[str, Form(max_length=10)] = "",
    ids: Ids = [],  # noqa: B006 (FastAPI copies defaults)
    page_ids: Ids = [],  # noqa: B006
    all_on_page: Annotated[bool, Form()] = False,
    confirmed: Annotated[bool, Form()] = False,
    back: Annotated[str, Form(max_length=500)] = "state=pending",
) -> Response:
    """Approve, reject or delete the picked comments (or every one on the page); deleting asks first."""
    chosen = page_ids if all_on_page else ids
    picked = list(dict.fromkeys(i for i in chosen if 1 <= i <= MAX_ID))[:MAX_PICKED]
    if not picked:
        return message(
            shell,
            400,
            "Nothing selected",
            "Tick the comments to act on, then press a button.",
            "Back to the list",
            back_to(back),
        )
    if action == "delete" and not confirmed:
        with database.read() as session:
            rows = list(session.scalars(select(Comment).where(Comment.id.in_(picked)).order_by(Comment.id)))
            parents = queue.parents(session, rows)
            views = [comment_view(row, settings.time_zone, parents.get(row.parent_id or 0)) for row in rows]
        return _confirm_page(shell, admin, settings, views, back)
    try:
        with database.write() as session:
            tally = queue.moderate_many(session, picked, action, audit.session_actor(admin))
    except NotAllowed as error:
        return message(shell, 400, "Not done", f"Not allowed: {error}.", "Back to the list", back_to(back))
    tell_commenters(background, database, settings, signer, action)
    counts = {"n": len(tally.changed), "same": len(tally.unchanged), "refused": len(tally.refused)}
    return RedirectResponse(back_to(back, done=action, **counts), status_code=303)
