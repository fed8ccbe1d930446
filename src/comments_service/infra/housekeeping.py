"""Housekeeping in the background of each instance: core/retention.py's tidy (and page feedback's,
core/feedback.py) every few minutes.

The deletes are idempotent, so several instances may share the database.
"""

from __future__ import annotations

import asyncio
import logging

from ..core.feedback import tidy_feedback
from ..core.retention import tidy
from .database import Database
from .settings import Settings

log = logging.getLogger(__name__)


async def run_forever(database: Database, settings: Settings, every_seconds: float = 600) -> None:
    while True:
        try:
            await asyncio.to_thread(_tidy_once, database, settings)
        except Exception:  # keep serving even if the database is briefly unavailable
            log.exception("housekeeping failed; will retry")
        await asyncio.sleep(every_seconds)


def _tidy_once(database: Database, settings: Settings) -> None:
    with database.write() as session:
        tidy(session, settings)
        tidy_feedback(session, settings.feedback_keep_days)
