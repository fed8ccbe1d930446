"""Posting from a request, for the JSON API and the no-JavaScript form alike.

The rules run in core/posting.py; what is left is the web's part: the checks and the
rendering run in a posting thread, the write waits for its batch without holding one
(the JSON API), and when a comment waits for moderation, the moderators are emailed by
a background task, after the response, so a slow or broken mail server never delays
or loses a comment. When the author asked for emails (or a reply was published at
once), the outbox is run after the response too, so the email goes at once (or is
retried by housekeeping if the server is down).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import anyio.to_thread
from anyio import CapacityLimiter
from fastapi import BackgroundTasks

from ..core import posting
from ..core.comment_input import NewComment
from ..core.transactions import Transactions
from ..infra.moderator_email import email_is_on, pending_message, send
from ..infra.outbox import run_once
from ..infra.settings import Settings


@dataclass(frozen=True)
class Submissions:
    """Posting as the web does it, wired once per app: one dependency for the handlers (each costs)."""

    context: posting.PostingContext
    settings: Settings
    database: Transactions
    threads: CapacityLimiter  # the posting threads (app_factory.POSTING_THREADS)

    def submit(
        self, data: NewComment, address: str, token: str | None, background: BackgroundTasks
    ) -> posting.Posted:
        """Post from a worker thread (the no-JavaScript form's handler runs in one)."""
        posted = posting.post(self.context, data, address, token)
        self._after(data, posted, background)
        return posted

    async def submit_async(
        self, data: NewComment, address: str, token: str | None, background: BackgroundTasks
    ) -> posting.Posted:
        """Post from the event loop: checked and rendered in a posting thread, then awaited threadless."""
        with self.context.batches.expect() as slot:
            future = await anyio.to_thread.run_sync(
                posting.start, self.context, slot, data, address, token, limiter=self.threads
            )
        # A lone post was written by its posting thread (group_commit.py): no need to wait.
        posted = future.result() if future.done() else await asyncio.wrap_future(future)
        self._after(data, posted, background)
        return posted

    def _after(self, data: NewComment, posted: posting.Posted, background: BackgroundTasks) -> None:
        _tell_moderators(self.context, self.settings, data, posted, background)
        _send_to_commenters(self.context, self.settings, self.database, posted, background)


def _tell_moderators(
    context: posting.PostingContext,
    settings: Settings,
    data: NewComment,
    posted: posting.Posted,
    background: BackgroundTasks,
) -> None:
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


def _send_to_commenters(
    context: posting.PostingContext,
    settings: Settings,
    database: Transactions,
    posted: posting.Posted,
    background: BackgroundTasks,
) -> None:
    """A confirmation is due, or a reply published at once may be: the outbox runs after the response."""
    if settings.commenter_emails_on and (posted.subscribed or posted.status == "approved"):
        background.add_task(run_once, database, settings, context.signer)
