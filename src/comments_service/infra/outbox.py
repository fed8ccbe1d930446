"""Email to commenters goes through an outbox table: queued in a transaction, sent after it.

`run_once` turns what is due (core/notifications.py) into messages in the outbox, in
the same transaction that marks it told, then sends what the outbox holds. It runs
after a post that asked for emails (a background task, after the response) and every
`outbox_interval_seconds` in each instance (housekeeping.py). A post or an approval
never waits for the mail server and never fails because of it.

Sending claims each message first (moves its next attempt a few minutes on), so two
instances never send the same one. Within one instance, rounds take turns: a post's
round that starts while housekeeping's is sending waits for it, so when it returns,
everything queued before it has been tried. On success the message is deleted; on failure it
waits 1, 2, 4... minutes (at most six hours) and is tried again, up to
`outbox_max_attempts` times, then dropped with an error in the log.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging
import threading
from email.message import EmailMessage

from sqlalchemy import select

from ..core import notifications
from ..core.models import OutboxMessage
from ..core.times import utcnow
from ..core.tokens import Signer
from ..core.transactions import Transactions
from .commenter_email import message_for
from .settings import Settings
from .smtp import SMTP_ERRORS, deliver

log = logging.getLogger(__name__)
CLAIM = dt.timedelta(minutes=5)  # longer than one SMTP attempt can take
BATCH = 50
MAX_WAIT = dt.timedelta(hours=6)
_ROUND = threading.Lock()


def run_once(database: Transactions, settings: Settings, signer: Signer) -> None:
    if not settings.commenter_emails_on:
        return
    with _ROUND:
        queue_due(database, settings, signer)
        send_queued(database, settings)


def queue_due(database: Transactions, settings: Settings, signer: Signer) -> int:
    with database.write() as session:
        digests = notifications.due_digests(session, dt.timedelta(minutes=settings.notify_batch_minutes))
        for digest in digests:
            text = message_for(settings, signer, digest).as_string(policy=email.policy.default)
            session.add(OutboxMessage(recipient_key=digest.email_key, message=text))
    return len(digests)


def send_queued(database: Transactions, settings: Settings) -> int:
    """Send what is due in the outbox; how many were sent."""
    sent = 0
    for message_id, text, attempts in _claim(database):
        try:
            deliver(settings, _parse(text))
        except SMTP_ERRORS as error:
            _failed(database, settings, message_id, attempts, error)
            continue
        with database.write() as session:
            found = session.get(OutboxMessage, message_id)
            if found is not None:
                session.delete(found)
        sent += 1
    return sent


def _claim(database: Transactions) -> list[tuple[int, str, int]]:
    now = utcnow()
    with database.write() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.next_attempt_at, row.attempts = now + CLAIM, row.attempts + 1
        return [(row.id, row.message, row.attempts) for row in rows]


def _failed(
    database: Transactions, settings: Settings, message_id: int, attempts: int, error: Exception
) -> None:
    with database.write() as session:
        found = session.get(OutboxMessage, message_id)
        if found is None:
            return
        if attempts >= settings.outbox_max_attempts:
            session.delete(found)
            log.error("gave up emailing a commenter after %d attempts: %s", attempts, error)
            return
        found.next_attempt_at = utcnow() + min(dt.timedelta(minutes=2 ** (attempts - 1)), MAX_WAIT)
    log.warning("could not email a commenter (attempt %d, will retry): %s", attempts, error)


def _parse(text: str) -> EmailMessage:
    return email.message_from_string(text, _class=EmailMessage, policy=email.policy.default)
