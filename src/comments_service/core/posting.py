"""Posting a comment, step by step: the one use case behind the JSON API and the no-JavaScript form.

First what needs no database (check): the honeypot, the page, the form token's age and
page, a client this process already knows to be over its limit, and the Markdown
rendering, the slowest step. Then the write (store), in a batch with whatever other
posts arrive meanwhile (infra/group_commit.py), acknowledged once the batch committed:
the rate limit (an attempt within the limit counts even if the post is then refused,
say as a duplicate or for its text; one over the limit is refused and not counted),
then the form's use and the comment (refused first if the client or the email is
blocked: core/authors.py), each in a savepoint so that a refused post
leaves the rest of its batch alone. Telling moderators about a comment that waits is
the caller's (web/comment_submission.py), after the response.
"""

from __future__ import annotations

import functools
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from . import authors, comments, notifications
from .clients import client_key
from .comment_input import NewComment
from .errors import Reason, Refused
from .guard import (
    FullWindows,
    check_form_token,
    check_honeypot,
    check_rate,
    count_form_use,
    post_limits,
    too_fast,
)
from .page_info import KnownPages, PageInfo, page_accepting_comments
from .policy import Policy
from .states import State
from .thread_view import node
from .times import utcnow
from .tokens import Signer, sha256
from .transactions import Batches, Slot, savepoint


@dataclass(frozen=True)
class PostingContext:
    """What posting needs, wired once per app (web/app_factory.py)."""

    policy: Policy
    signer: Signer
    batches: Batches
    pages: KnownPages
    # Clients this process has seen over a limit: refused without the database (see guard.FullWindows).
    full_windows: FullWindows


@dataclass(frozen=True)
class Posted:
    status: str  # "approved" or "pending"
    comment: dict[str, Any]  # as thread_view.node shows it
    token: str  # the author's edit token: the one sent, or a new one
    page: PageInfo
    subscribed: bool = False  # asked for emails: a confirmation is due unless confirmed before


@dataclass(frozen=True)
class Checked:
    """A post past every check that needs no database, its text rendered, ready to store."""

    data: NewComment
    page: PageInfo
    shown: float  # when its form was shown (Unix seconds)
    client: str  # client_key of its sender, for the rate limit
    html: str
    refusal: Refused | None  # what is wrong with its text: refused once the attempt is counted
    token: str
    token_hash: str


def post(context: PostingContext, data: NewComment, address: str, token: str | None) -> Posted:
    """Check, render and store one comment from the client at `address`; Refused when the rules say no."""
    with context.batches.expect() as slot:
        future = start(context, slot, data, address, token)
    return future.result()


def start(
    context: PostingContext, slot: Slot, data: NewComment, address: str, token: str | None
) -> Future[Posted]:
    """Check and render the post here, then queue its write: the future answers once it committed."""
    checked = check(context, data, address, token)
    future = slot.submit(functools.partial(store, context, checked))
    future.add_done_callback(functools.partial(_remember_full, context.full_windows, checked.client))
    return future


def check(context: PostingContext, data: NewComment, address: str, token: str | None) -> Checked:
    """Everything about a post that needs no database; Refused when one of those checks fails."""
    policy = context.policy
    check_honeypot(data.website)
    page = page_accepting_comments(context.pages, data.thread)
    shown = check_form_token(
        context.signer,
        data.form_token,
        data.thread,
        policy.min_submit_seconds,
        policy.form_token_max_age_seconds,
    )
    client = client_key(context.signer, address, policy.ipv6_prefix_length)
    wait = context.full_windows.wait(client)
    if wait:
        raise too_fast(wait)
    html, refusal = "", None
    try:
        html = comments.render_checked(data.text, policy.max_links)
    except Refused as refused:
        refusal = refused
    if token is None or comments.author_token_hash(context.signer, policy, token) is None:
        token = context.signer.new_author_token()
    return Checked(data, page, shown, client, html, refusal, token, sha256(token))


def store(context: PostingContext, checked: Checked, session: Session) -> Posted:
    """Count the attempt and write the comment, in the batch's transaction (see Slot.submit)."""
    policy = context.policy
    limits = [limit for limit in post_limits(policy) if limit.allowed > 0]
    if limits:
        with savepoint(session):  # one over the limit rolls back: not counted
            check_rate(session, checked.client, limits)
    if checked.refusal is not None:
        raise checked.refusal
    data = checked.data
    with savepoint(session):  # a post refused here (a duplicate) uses nothing of its form
        count_form_use(
            session,
            data.form_token,
            checked.shown,
            policy.form_token_max_age_seconds,
            policy.form_token_max_posts,
        )
        email = authors.email_key(context.signer, data.email) if data.email else None
        authors.check_not_blocked(session, checked.client, email)
        comment = comments.create(
            session, policy, checked.page, data, checked.html, checked.token_hash, checked.client
        )
        subscribed = bool(data.notify and data.email and email and policy.commenter_emails_on)
        if subscribed and data.email and email:
            notifications.subscribe(session, comment.id, data.email, email)
    out = node(comment, checked.token_hash, utcnow(), comments.edit_window(policy))
    status = "approved" if comment.state is State.APPROVED else "pending"
    return Posted(status, out, checked.token, checked.page, subscribed)


def _remember_full(full_windows: FullWindows, client: str, future: Future[Posted]) -> None:
    """A client refused by the committed counts is refused from memory until its window ends."""
    error = None if future.cancelled() else future.exception()
    if isinstance(error, Refused) and error.reason is Reason.TOO_FAST and error.field == "rate":
        full_windows.remember(client, error.retry_after or 1)
