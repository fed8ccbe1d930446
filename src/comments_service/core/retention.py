"""How long things are kept: the promises of the privacy page.

Rate-limit fingerprints go after a day; rejected and deleted comments are erased
`keep_rejected_days` after the moderator's decision (until then a moderator can
restore them); the client fingerprint kept with each comment (for blocking) is
forgotten after the same time; expired blocks and moderator sessions at once;
addresses never confirmed for notifications once their link has expired, and the
record of sent notifications after a week.
infra/housekeeping.py runs this every few minutes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from . import moderation, notifications
from .guard import forget_old_counters
from .models import AdminSession, Block, Comment
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
    purge_set_aside(session, cutoff)
    session.execute(
        update(Comment)
        .where(Comment.client_key.is_not(None), Comment.created_at < cutoff)
        .values(client_key=None)
    )
    session.execute(delete(Block).where(Block.expires_at < utcnow()))
    session.execute(delete(AdminSession).where(AdminSession.expires_at < utcnow()))
    notifications.unconfirmed_expired(session, dt.timedelta(hours=policy.confirm_link_hours))
    notifications.forget_sent(session, max(SENT_KEPT, dt.timedelta(minutes=policy.notify_batch_minutes)))


def purge_set_aside(session: Session, cutoff: dt.datetime) -> int:
    """Erase rejected and deleted comments decided before `cutoff` (a placeholder stays while replies do)."""
    old = session.scalars(
        select(Comment)
        .where(
            Comment.state.in_((State.REJECTED, State.DELETED)),
            Comment.moderated_at < cutoff,
            Comment.html != "",  # not already an erased placeholder
        )
        .order_by(Comment.depth.desc(), Comment.id)  # replies first: their parents may then go too
    ).all()
    for comment in old:
        if session.get(Comment, comment.id) is not None:
            moderation.delete(session, comment)
    return len(old)
