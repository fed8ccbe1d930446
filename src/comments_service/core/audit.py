"""The audit log: who did what to which comment, and when; shown in /admin and exported.

Every moderation (core/moderation.apply), block and trust decision writes one entry in
the same transaction as the change, so the log never claims what did not happen.
The actor is a moderator session (its id: a prefix of the session token's hash), the
CLI's user, or an email link; never a password or a token.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AdminSession, AuditEntry
from .times import iso, utcnow

FIELDS = ("at", "actor", "action", "comment_id", "detail")


def session_actor(admin: AdminSession) -> str:
    """How a moderator's web session is named in the log: enough to tell sessions apart."""
    return f"session {admin.token_hash[:12]}"


def cli_actor(user: str) -> str:
    return f"cli {user}"[:80]


EMAIL_LINK_ACTOR = "email link"


def record(session: Session, actor: str, action: str, comment_id: int | None, detail: str = "") -> None:
    session.add(
        AuditEntry(at=utcnow(), actor=actor[:80], action=action, comment_id=comment_id, detail=detail[:300])
    )


def entries(session: Session, comment_id: int | None = None, limit: int | None = None) -> list[AuditEntry]:
    """The log, newest first; one comment's entries when `comment_id` is given."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if comment_id is not None:
        query = query.where(AuditEntry.comment_id == comment_id)
    return list(session.scalars(query.limit(limit)))


def as_dicts(rows: list[AuditEntry]) -> list[dict[str, Any]]:
    return [
        {
            "at": iso(row.at),
            "actor": row.actor,
            "action": row.action,
            "comment_id": row.comment_id,
            "detail": row.detail,
        }
        for row in rows
    ]


def to_json(rows: list[AuditEntry]) -> str:
    return json.dumps(as_dicts(rows), ensure_ascii=False, indent=1) + "\n"


def to_csv(rows: list[AuditEntry]) -> str:
    """CSV with a header row; a cell that a spreadsheet would run as a formula is quoted with a '."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in as_dicts(rows):
        writer.writerow({key: _inert(value) for key, value in row.items()})
    return out.getvalue()


def _inert(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
