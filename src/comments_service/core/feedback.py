"""Page feedback ("Was this page helpful?"): recording a reader's Yes or No and the text they may add.

The site's pages are static, so without JavaScript each step is a plain form of its own:
first Yes or No, then, optionally, a short text. The text joins the same reader's answer
when it can (the newest answer on that page, with the same Yes or No and no text yet,
from the same client key, less than JOIN_SECONDS old); otherwise it is stored as an
answer of its own, so nothing a reader sends is lost. The client key is the keyed HMAC
the rate limits count by (clients.py): never the address, and cleared after
KEEP_CLIENT_SECONDS (retention.py). The same guard as comments applies: a honeypot
field and per-client rate limits, counted in their own windows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from .clients import client_key
from .errors import NotFound, Reason, Refused
from .guard import Limit, check_honeypot, check_rate
from .messages import Text
from .models import PageFeedback
from .page_info import KnownPages, PageInfo
from .times import utcnow
from .tokens import Signer
from .transactions import Transactions

JOIN_SECONDS = 1800
KEEP_CLIENT_SECONDS = 3600
ANSWERS = {"yes": True, "no": False}


class FeedbackPolicy(Protocol):
    feedback_max_length: int
    feedback_rate_per_minute: int
    feedback_rate_per_hour: int
    ipv6_prefix_length: int


@dataclass(frozen=True)
class Answer:
    """What a reader sent: the page's path, Yes (True) or No (False), and their text if any."""

    page: str
    helpful: bool
    text: str | None


@dataclass(frozen=True)
class FeedbackContext:
    """What recording feedback needs, wired once per app (web/app_factory.py)."""

    policy: FeedbackPolicy
    signer: Signer
    database: Transactions
    pages: KnownPages


def page_taking_feedback(pages: KnownPages, path: str) -> PageInfo:
    """The page at `path`; NotFound when the site has no page there that asks for feedback."""
    page = pages.get(path)
    if page is None:
        raise NotFound("page", Text("feedback-page-unknown"))
    return page


def read_answer(page: str, helpful: str, text: str, max_length: int) -> Answer:
    """The answer as the rules accept it; Refused naming the field otherwise."""
    if helpful not in ANSWERS:
        raise Refused(Reason.INVALID, "helpful", Text("feedback-choose"))
    # PostgreSQL stores no NUL character; line ends count once however the browser sent them.
    cleaned = text.replace("\x00", "").replace("\r\n", "\n").strip()
    if len(cleaned) > max_length:
        raise Refused(
            Reason.INVALID,
            "text",
            Text("feedback-too-long", length=f"{len(cleaned):,}", limit=f"{max_length:,}"),
        )
    return Answer(page, ANSWERS[helpful], cleaned or None)


def feedback_limits(policy: FeedbackPolicy) -> list[Limit]:
    """The windows a client's feedback posts are counted in (apart from its comments)."""
    return [
        Limit("feedback-minute", 60, policy.feedback_rate_per_minute),
        Limit("feedback-hour", 3600, policy.feedback_rate_per_hour),
    ]


def submit(
    context: FeedbackContext, path: str, helpful: str, text: str | None, website: str, address: str
) -> PageInfo:
    """Check and store one feedback post from the client at `address`; Refused when the rules say no.

    `text` is None for the Yes/No form, which has no text field. A text form sent empty
    stores nothing: its Yes or No is stored already, and must not count twice.
    Returns the page it was about (the web layer sends the reader back there).
    """
    check_honeypot(website)
    page = page_taking_feedback(context.pages, path)
    answer = read_answer(page.thread, helpful, text or "", context.policy.feedback_max_length)
    if text is not None and answer.text is None:
        return page
    client = client_key(context.signer, address, context.policy.ipv6_prefix_length)
    limits = [limit for limit in feedback_limits(context.policy) if limit.allowed > 0]
    if limits:
        # Its own transaction: an attempt within the limit counts even if the write then fails.
        with context.database.write() as session:
            check_rate(session, client, limits)
    with context.database.write() as session:
        record(session, answer, client)
    return page


def record(session: Session, answer: Answer, client: str, now: dt.datetime | None = None) -> PageFeedback:
    """Store the answer; a text joins this client's recent answer without one (see the module's note)."""
    now = now or utcnow()
    if answer.text is not None:
        joined = session.scalars(
            select(PageFeedback)
            .where(
                PageFeedback.page == answer.page,
                PageFeedback.client == client,
                PageFeedback.helpful == answer.helpful,
                PageFeedback.text.is_(None),
                PageFeedback.created_at >= now - dt.timedelta(seconds=JOIN_SECONDS),
            )
            .order_by(PageFeedback.created_at.desc(), PageFeedback.id.desc())
            .limit(1)
            .with_for_update()
        ).first()
        if joined is not None:
            joined.text = answer.text
            return joined
    row = PageFeedback(
        page=answer.page, helpful=answer.helpful, text=answer.text, client=client, created_at=now
    )
    session.add(row)
    session.flush()
    return row


def tidy_feedback(session: Session, keep_days: int, now: dt.datetime | None = None) -> None:
    """The privacy page's promises: client keys go after an hour, answers after `keep_days`."""
    now = now or utcnow()
    session.execute(
        update(PageFeedback)
        .where(
            PageFeedback.client.is_not(None),
            PageFeedback.created_at < now - dt.timedelta(seconds=KEEP_CLIENT_SECONDS),
        )
        .values(client=None)
    )
    session.execute(delete(PageFeedback).where(PageFeedback.created_at < now - dt.timedelta(days=keep_days)))
