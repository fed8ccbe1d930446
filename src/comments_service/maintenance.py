"""Housekeeping that keeps the promises of the privacy page.

Rate-limit fingerprints go after a day, rejected comments after
`keep_rejected_days`, expired moderator sessions at once. Runs every few minutes
in each instance; the deletes are idempotent, so several instances may share it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from .db import write_session
from .guard import forget_old_counters
from .models import AdminSession, Comment, State, utcnow
from .settings import Settings

log = logging.getLogger(__name__)


def tidy(session: Session, settings: Settings) -> None:
    forget_old_counters(session)
    cutoff = utcnow() - dt.timedelta(days=settings.keep_rejected_days)
    # A rejected comment with replies stands in as a placeholder until they go too.
    parents = select(Comment.parent_id).where(Comment.parent_id.is_not(None)).scalar_subquery()
    session.execute(
        delete(Comment).where(
            Comment.state == State.REJECTED,
            Comment.moderated_at < cutoff,
            Comment.id.not_in(parents),
        )
    )
    session.execute(delete(AdminSession).where(AdminSession.expires_at < utcnow()))


async def run_forever(
    sessions: sessionmaker[Session], settings: Settings, every_seconds: float = 600
) -> None:
    while True:
        try:
            await asyncio.to_thread(_tidy_once, sessions, settings)
        except Exception:  # keep serving even if the database is briefly unavailable
            log.exception("housekeeping failed; will retry")
        await asyncio.sleep(every_seconds)


def _tidy_once(sessions: sessionmaker[Session], settings: Settings) -> None:
    with write_session(sessions) as session:
        tidy(session, settings)
