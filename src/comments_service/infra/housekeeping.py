"""Housekeeping in the background of each instance: core/retention.py's tidy (and page feedback's,
core/feedback.py) every few minutes, and the commenters' outbox (outbox.py) every
`outbox_interval_seconds`.

The deletes are idempotent and outbox messages are claimed before sending, so several
instances may share the database.
"""

from __future__ import annotations

import asyncio
import logging

from ..core.feedback import tidy_feedback
from ..core.retention import tidy
from ..core.tokens import Signer
from .database import Database
from .outbox import run_once
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


async def mail_forever(database: Database, settings: Settings, signer: Signer) -> None:
    while True:
        try:
            await asyncio.to_thread(run_once, database, settings, signer)
        except Exception:  # the outbox keeps every message: the next round tries again
            log.exception("sending commenter emails failed; will retry")
        await asyncio.sleep(settings.outbox_interval_seconds)
