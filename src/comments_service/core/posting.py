"""Posting a comment, step by step: the one use case behind the JSON API and the no-JavaScript form.

Cheap checks first (honeypot, page, the form token's age and page), then the rate limit in its own
committed transaction (an attempt within the limit counts even if the write is then
refused, say as a duplicate; one over the limit is refused and not counted), then the
Markdown rendering (outside any lock), then the write. Telling moderators about a
comment that waits is the caller's (web/comment_submission.py), after the response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import comments, notifications
from .clients import client_key
from .comment_input import NewComment
from .errors import Refused
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
from .transactions import Transactions


@dataclass(frozen=True)
class PostingContext:
    """What posting needs, wired once per app (web/app_factory.py)."""

    policy: Policy
    signer: Signer
    database: Transactions
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


def post(context: PostingContext, data: NewComment, address: str, token: str | None) -> Posted:
    """Check, render and store one comment from the client at `address`; Refused when the rules say no."""
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
    _count_attempt(context, client_key(context.signer, address, policy.ipv6_prefix_length))
    html = comments.render_checked(data.text, policy.max_links)
    if token is None or comments.author_token_hash(context.signer, policy, token) is None:
        token = context.signer.new_author_token()
    token_hash = sha256(token)
    with context.database.write() as session:
        # In the write: a post refused after the rate check (say, a duplicate) uses nothing.
        count_form_use(
            session,
            data.form_token,
            shown,
            policy.form_token_max_age_seconds,
            policy.form_token_max_posts,
        )
        comment = comments.create(session, policy, page, data, html, token_hash)
        subscribed = bool(data.notify and data.email and policy.commenter_emails_on)
        if subscribed and data.email:
            notifications.subscribe(session, comment.id, data.email, context.signer.email_key(data.email))
        out = node(comment, token_hash, utcnow(), comments.edit_window(policy))
    status = "approved" if comment.state is State.APPROVED else "pending"
    return Posted(status, out, token, page, subscribed)


def _count_attempt(context: PostingContext, client: str) -> None:
    """Count the post in the client's rate-limit windows; Refused when one is full."""
    wait = context.full_windows.wait(client)
    if wait:
        raise too_fast(wait)
    limits = [limit for limit in post_limits(context.policy) if limit.allowed > 0]
    if not limits:
        return
    try:
        with context.database.write() as session:
            check_rate(session, client, limits)
    except Refused as refused:
        context.full_windows.remember(client, refused.retry_after or 1)
        raise
