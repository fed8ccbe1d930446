"""The database tables. Alembic migrations (infra/migrations/versions/) create them.

Every time is UTC, whatever the database session's time zone: PostgreSQL hands back
times in its session's zone and SQLite keeps none, so times are turned into UTC on
the way in and come back as UTC on the way out (UTCDateTime).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from .states import State
from .times import as_utc, utcnow


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored and read back as UTC, on SQLite and on PostgreSQL in any session zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime()}


class Thread(Base):
    """One page's discussion, keyed by the page's path or its pinned `comments_id`."""

    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    # Bumped whenever what the public sees changes: the read cache and ETags key on it.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    comments: Mapped[list[Comment]] = relationship(back_populates="thread")


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        # The same text twice in one thread is refused, atomically, even under load.
        UniqueConstraint("thread_id", "text_hash", name="uq_comments_thread_text"),
        Index("ix_comments_thread_state", "thread_id", "state"),
        Index("ix_comments_author", "author_token_hash"),
        # The moderation lists: one state, in time order, a page at a time.
        Index("ix_comments_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    # RESTRICT: a comment with replies is never deleted, so no reply goes with it.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="RESTRICT"), index=True)
    depth: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[State] = mapped_column(
        Enum(State, name="comment_state", values_callable=lambda states: [s.value for s in states]),
        default=State.PENDING,
    )
    name: Mapped[str] = mapped_column(String(80), default="")
    email: Mapped[str | None] = mapped_column(String(254))  # moderators only, never public
    text: Mapped[str] = mapped_column(Text, default="")  # the Markdown the author wrote
    html: Mapped[str] = mapped_column(Text, default="")  # rendered and sanitised once, on write
    text_hash: Mapped[str | None] = mapped_column(String(64))
    author_token_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[dt.datetime | None] = mapped_column()
    moderated_at: Mapped[dt.datetime | None] = mapped_column()
    # The poster's client as the rate limits count it (an HMAC, never the address), so a
    # moderator can block it from the comment; forgotten after keep_rejected_days (retention.py).
    client_key: Mapped[str | None] = mapped_column(String(64))

    thread: Mapped[Thread] = relationship(back_populates="comments")


class RateCounter(Base):
    """Posts per client per time window; in the database so every instance shares it."""

    __tablename__ = "rate_counters"

    client: Mapped[str] = mapped_column(String(64), primary_key=True)  # HMAC of the address
    window: Mapped[str] = mapped_column(String(16), primary_key=True)  # "minute" / "hour" / "login"
    started: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # window start, Unix seconds
    count: Mapped[int] = mapped_column(Integer, default=0)


class Credential(Base):
    """The moderator password, stored as an Argon2 hash."""

    __tablename__ = "credentials"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AdminSession(Base):
    __tablename__ = "admin_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column()


class AuditEntry(Base):
    """One moderation: who (a moderator session, the CLI user, an email link) did what, to which comment.

    `comment_id` is not a foreign key: the entry outlives the comment it names.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    comment_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[str] = mapped_column(String(300), default="")


class Block(Base):
    """A client (HMAC of its address group) or an email (HMAC of the address) refused until `expires_at`."""

    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("kind", "value_hash", name="uq_blocks_kind_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "client" or "email"
    value_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class AuthorTrust(Base):
    """A moderator's word on one author (by edit-token hash): trusted, or explicitly not."""

    __tablename__ = "author_trust"

    author_token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    trusted: Mapped[bool] = mapped_column(Boolean)
    label: Mapped[str] = mapped_column(String(200), default="")
    updated_by: Mapped[str] = mapped_column(String(80), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PageFeedback(Base):
    """One reader's answer to "Was this page helpful?", with the short text they may add.

    `client` is the keyed HMAC the rate limits count by (core/clients.py), kept only so
    that a text sent after the Yes/No joins that answer (core/feedback.py); the retention
    job clears it after an hour. No address, email or name is ever stored here.
    """

    __tablename__ = "page_feedback"
    __table_args__ = (
        Index("ix_page_feedback_page_created", "page", "created_at"),
        Index("ix_page_feedback_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(300))  # the page's path, as the site build lists it
    helpful: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str | None] = mapped_column(Text)
    client: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Subscription(Base):
    """A commenter's wish to hear about one of their comments: its approval and replies to it.

    Nothing is sent for it until `confirmed_at` is set by the emailed link (double opt-in).
    """

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    # tokens.Signer.email_key of the address: links carry it, never the address itself.
    email_key: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column()


class Notification(Base):
    """Something to tell a subscriber, waiting for the next digest (or sent: kept to space digests)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_unsent", "sent_at", "subscription_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="CASCADE"), index=True
    )
    # The comment approved, or the reply; gone with it, so nothing is told of a deleted comment.
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "confirm", "approved" or "reply"
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column()


class OutboxMessage(Base):
    """An email composed and waiting to be sent, or to be tried again (infra/outbox.py)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_key: Mapped[str] = mapped_column(String(64), index=True)
    message: Mapped[str] = mapped_column(Text)  # the whole email, headers and all
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
