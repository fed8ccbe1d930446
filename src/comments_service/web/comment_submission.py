"""Posting from a request, for the JSON API and the no-JavaScript form alike.

The rules run in core/posting.py; what is left is the web's part: when a comment
waits for moderation, the moderators are emailed by a background task, after the
response, so a slow or broken mail server never delays or loses a comment. When the
author asked for emails, the outbox is run after the response too, so the
confirmation arrives at once (or is retried by housekeeping if the server is down).
"""

from __future__ import annotations

from fastapi import BackgroundTasks

from ..core import posting
from ..core.comment_input import NewComment
from ..infra.moderator_email import email_is_on, pending_message, send
from ..infra.outbox import run_once
from ..infra.settings import Settings


def submit(
    context: posting.PostingContext,
    settings: Settings,
    data: NewComment,
    address: str,
    token: str | None,
    background: BackgroundTasks,
) -> posting.Posted:
    posted = posting.post(context, data, address, token)
    if posted.status == "pending" and email_is_on(settings):
        message = pending_message(
            settings,
            context.signer,
            posted.comment["id"],
            data.name,
            data.email,
            data.text,
            posted.page.title,
            posted.page.url,
        )
        background.add_task(send, settings, message)
    if posted.subscribed or posted.status == "approved":
        background.add_task(run_once, context.database, settings, context.signer)
    return posted
