"""Blocks, trusted authors and the audit log at /admin: decided from a comment, listed, revoked, exported.

HTTP glue only: the rules are core/authors.py's and core/audit.py's, shared with the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ...core import audit, authors
from ...core.errors import NotAllowed
from ...core.models import AdminSession, Comment
from ...infra.database import Database
from ..admin_common import (
    CommentId,
    Moderator,
    ModeratorForm,
    message,
    missing,
)
from ..admin_views import when
from ..dependencies import DatabaseDep, PageShellDep, SettingsDep, SignerDep
from ..html_pages import admin_page
from ..page_shell import PageShell

router = APIRouter(prefix="/admin", include_in_schema=False)

# A change to the blocks or trust list, given the session and the actor to log.
Change = Callable[[Session, str], None]


@router.post("/comments/{comment_id}/block")
def block(
    comment_id: CommentId,
    shell: PageShellDep,
    database: DatabaseDep,
    signer: SignerDep,
    admin: ModeratorForm,
    kind: Annotated[str, Form(max_length=10)] = "",
    days: Annotated[int, Form(ge=1, le=3650)] = 30,
) -> Response:
    try:
        with database.write() as session:
            comment = session.get(Comment, comment_id)
            if comment is None:
                return missing(shell)
            authors.block_from(session, signer, comment, kind, days, audit.session_actor(admin))
    except NotAllowed as error:
        return message(
            shell, 409, "Not done", f"Not allowed: {error}.", "Back to the comment", _to(comment_id)
        )
    return RedirectResponse(f"{_to(comment_id)}?done=saved", status_code=303)


@router.post("/comments/{comment_id}/trust")
def trust(
    comment_id: CommentId,
    shell: PageShellDep,
    database: DatabaseDep,
    admin: ModeratorForm,
    trusted: Annotated[bool, Form()] = False,
) -> Response:
    try:
        with database.write() as session:
            comment = session.get(Comment, comment_id)
            if comment is None:
                return missing(shell)
            authors.set_trust(session, comment, trusted, audit.session_actor(admin))
    except NotAllowed as error:
        return message(
            shell, 409, "Not done", f"Not allowed: {error}.", "Back to the comment", _to(comment_id)
        )
    return RedirectResponse(f"{_to(comment_id)}?done=saved", status_code=303)


def _to(comment_id: int) -> str:
    return f"/admin/comments/{comment_id}"


@router.get("/people", response_class=HTMLResponse)
def people(
    shell: PageShellDep,
    database: DatabaseDep,
    settings: SettingsDep,
    admin: Moderator,
    done: str = "",
) -> Response:
    """The blocks in force and the authors moderators trust (or stopped trusting), each revocable."""
    zone = settings.time_zone
    with database.read() as session:
        blocks = [
            {
                "id": b.id,
                "kind": b.kind,
                "label": b.label,
                "until": when(b.expires_at, zone),
                "by": b.created_by,
            }
            for b in authors.active_blocks(session)
        ]
        trusted = [
            {
                "hash": t.author_token_hash,
                "trusted": t.trusted,
                "label": t.label,
                "when": when(t.updated_at, zone),
            }
            for t in authors.trust_list(session)
        ]
    return admin_page(
        shell,
        "admin_people.html",
        "Blocks and trusted authors",
        blocks=blocks,
        authors=trusted,
        csrf=admin.csrf_token,
        notice="Saved." if done == "saved" else None,
    )


@router.post("/blocks/{block_id}/lift")
def lift(block_id: CommentId, shell: PageShellDep, database: DatabaseDep, admin: ModeratorForm) -> Response:
    return _change(shell, database, admin, lambda session, actor: authors.unblock(session, block_id, actor))


@router.post("/authors/forget")
def forget(
    shell: PageShellDep,
    database: DatabaseDep,
    admin: ModeratorForm,
    author: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    return _change(
        shell, database, admin, lambda session, actor: authors.forget_trust(session, author, actor)
    )


def _change(shell: PageShell, database: Database, admin: AdminSession, change: Change) -> Response:
    """Run one change to the blocks or the trust list for a signed-in moderator, then show the list."""
    try:
        with database.write() as session:
            change(session, audit.session_actor(admin))
    except NotAllowed as error:
        return message(shell, 409, "Not done", f"Not allowed: {error}.", "Back", "/admin/people")
    return RedirectResponse("/admin/people?done=saved", status_code=303)


@router.get("/audit.{kind}")
def export_audit(
    kind: str,
    database: DatabaseDep,
    admin: Moderator,
    comment: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """The audit log as CSV or JSON, for a spreadsheet or an archive (the CLI's `comments audit`)."""
    if kind not in ("csv", "json"):
        return Response(status_code=404)
    with database.read() as session:
        rows = audit.entries(session, comment)
        body = audit.to_json(rows) if kind == "json" else audit.to_csv(rows)
    media = "application/json" if kind == "json" else "text/csv; charset=utf-8"
    filename = f"audit-log{f'-comment-{comment}' if comment else ''}.{kind}"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
