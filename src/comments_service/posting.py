"""Posting a comment, step by step, for both the JSON API and the no-JavaScript form.

Cheap checks first (honeypot, page, the form token's age and page), then the rate limit in its own
committed transaction (an attempt within the limit counts even if the write is then
refused, say as a duplicate; one over the limit is refused and not counted), then the
Markdown rendering (outside any lock), then the write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import BackgroundTasks, Request

from . import store
from .db import write_session
from .guard import (
    Refused,
    check_form_token,
    check_honeypot,
    check_rate,
    client_address,
    count_form_use,
    too_fast,
)
from .models import State
from .notify import pending_message, send
from .pages import PageInfo
from .schemas import NewComment
from .security import sha256
from .services import Services


@dataclass(frozen=True)
class Posted:
    status: str  # "approved" or "pending"
    comment: dict[str, Any]
    token: str


def address_of(request: Request, svc: Services) -> str:
    """The client's address, believing X-Forwarded-For only from trusted proxies."""
    return client_address(
        request.client.host if request.client else None,
        request.headers.get("x-forwarded-for"),
        svc.settings.trusted_proxies,
    )


def page_or_404(svc: Services, thread: str) -> PageInfo:
    page = svc.pages.get(thread)
    if page is None:
        raise Refused(404, "thread", "This page does not accept comments.")
    return page


def post(
    svc: Services, data: NewComment, address: str, token: str | None, background: BackgroundTasks
) -> Posted:
    settings = svc.settings
    check_honeypot(data.website)
    page = page_or_404(svc, data.thread)
    shown = check_form_token(
        svc.signer,
        data.form_token,
        data.thread,
        settings.min_submit_seconds,
        settings.form_token_max_age_seconds,
    )
    client = svc.client_key(address)
    wait = svc.full_windows.wait(client)
    if wait:
        raise too_fast(wait)
    limits = [limit for limit in svc.post_limits if limit.allowed > 0]
    if limits:
        try:
            with write_session(svc.sessions) as session:
                check_rate(session, client, limits)
        except Refused as refused:
            svc.full_windows.remember(client, refused.retry_after or 1)
            raise
    html = store.render_checked(data.text, settings.max_links)
    if svc.author_token_hash(token) is None:
        token = svc.signer.new_author_token()
    token_hash = sha256(token)
    with write_session(svc.sessions) as session:
        # In the write: a post refused after the rate check (say, a duplicate) uses nothing.
        count_form_use(
            session,
            data.form_token,
            shown,
            settings.form_token_max_age_seconds,
            settings.form_token_max_posts,
        )
        comment = store.create(session, settings, page, data, html, token_hash)
        out = store.node(comment, token_hash, store.utcnow(), store.edit_window(settings))
    if comment.state is State.PENDING and settings.smtp_host and settings.notify_emails:
        message = pending_message(
            settings, svc.signer, comment.id, data.name, data.email, data.text, page.title, page.url
        )
        background.add_task(send, settings, message)
    return Posted("approved" if comment.state is State.APPROVED else "pending", out, token)
