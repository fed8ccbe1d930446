"""How long things are kept: the promises of the privacy page.

Rate-limit fingerprints go after a day, rejected comments after `keep_rejected_days`,
expired moderator sessions at once, addresses never confirmed for notifications once
their link has expired, and the record of sent notifications after a week.
infra/housekeeping.py runs this every few minutes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import notifications
from .guard import forget_old_counters
from .models import AdminSession, Comment
from .policy import Policy
from .states import State
from .times import utcnow

# Sent notifications are kept a week: a comment approved, rejected and approved again
# within it is not told twice, and the batch window can see when the last email went.
SENT_KEPT = dt.timedelta(days=7)


def tidy(session: Session, policy: Policy) -> None:
    """Delete what the service no longer keeps; idempotent, so several instances may run it."""
    forget_old_counters(session)
    cutoff = utcnow() - dt.timedelta(days=policy.keep_rejected_days)
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
    notifications.unconfirmed_expired(session, dt.timedelta(hours=policy.confirm_link_hours))
    notifications.forget_sent(session, max(SENT_KEPT, dt.timedelta(minutes=policy.notify_batch_minutes)))
