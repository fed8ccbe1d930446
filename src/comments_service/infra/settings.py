"""Every setting of the comments service, read once from `COMMENTS_*` environment variables.

One object, passed to `create_app(settings)`; nothing reads the environment anywhere
else. It holds every value the rules read (core/policy.py). Each field's description
is the documentation: the README's settings table must list every field
(tests/service/infra/test_settings.py fails otherwise).
"""

from __future__ import annotations

import ipaddress
import zoneinfo
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ..core.states import ModerationMode
from .secret_key import SECRET_FILE, stored_secret


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMMENTS_", extra="ignore")

    database_url: str = Field(
        "sqlite:///var/comments.sqlite3",
        description="SQLAlchemy URL. SQLite by default; e.g. postgresql+psycopg://user:pw@host/db.",
    )
    secret_key: str = Field(
        "",
        description="Signs tokens and keys rate limits. Empty: generated once and kept in "
        "var/secret.key. Set the same value on every instance.",
    )
    site_dir: Path | None = Field(
        None,
        description="Built site to serve at / (make serve). Empty in production, where a web "
        "server serves the site and forwards /api/ and /admin to this service.",
    )
    pages_file: Path = Field(
        Path("site/comments-pages.json"),
        description="The build's list of pages that accept comments (written by MkDocs).",
    )
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="The site's public address, used in feed links and moderation emails.",
    )
    feedback_pages_file: Path = Field(
        Path("site/feedback-pages.json"),
        description='The build\'s list of pages that ask "Was this page helpful?" (written by MkDocs).',
    )
    moderation: ModerationMode = Field(ModerationMode.ALL, description="all, first-time or none.")
    max_depth: int = Field(3, ge=1, le=10, description="How deep replies may nest.")
    edit_window_seconds: int = Field(
        900, ge=0, description="How long an author may edit or delete their own comment."
    )
    author_token_days: int = Field(
        30,
        ge=1,
        description="How long a browser's edit token is honoured: it shows its author's waiting comments "
        "and, in first-time mode, lets an approved author post without moderation. Then a new one is issued.",
    )
    min_submit_seconds: float = Field(
        3.0, ge=0, description="Shortest time between showing the form and posting it."
    )
    form_token_max_age_seconds: int = Field(86_400, ge=60, description="How long a comment form stays valid.")
    form_token_max_posts: int = Field(
        3, ge=0, description="Comments one comment form (its form token) may post; 0 turns the limit off."
    )
    rate_per_minute: int = Field(
        5, ge=0, description="Comments one client may post per minute; 0 turns the limit off."
    )
    rate_per_hour: int = Field(
        30, ge=0, description="Comments one client may post per hour; 0 turns the limit off."
    )
    max_links: int = Field(3, ge=0, description="Links allowed in one comment.")
    max_body_bytes: int = Field(
        65_536, ge=1024, description="Requests with a larger body are refused before parsing."
    )
    ipv6_prefix_length: int = Field(
        64,
        ge=32,
        le=128,
        description="Rate limits and the login lockout count an IPv6 client by its network of this many "
        "bits (a home or a phone usually has a whole /64).",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins allowed to call the API from another origin.",
    )
    auto_migrate: bool = Field(
        True, description="Bring the database schema up to date when the service starts."
    )
    sqlite_synchronous: str = Field(
        "FULL",
        description="SQLite synchronous mode. FULL: an acknowledged comment survives a power cut (the "
        "WAL is flushed at every commit, which group commit shares among posts); NORMAL only a killed "
        "process, and is faster where flushing the disk is slow.",
    )
    group_commit_max_batch: int = Field(
        64,
        ge=1,
        description="Most posts written and committed together in one transaction (one flush to disk); "
        "1 commits each post on its own.",
    )
    group_commit_max_wait_ms: float = Field(
        2.0,
        ge=0,
        le=50,
        description="Longest the writer waits for posts this process is still checking before it "
        "commits a batch; a post alone is never held back.",
    )
    session_hours: int = Field(8, ge=1, description="How long a moderator stays logged in.")
    login_max_failures: int = Field(
        5, ge=1, description="Wrong passwords allowed per client before logins are throttled."
    )
    login_lockout_seconds: int = Field(
        900, ge=1, description="How long logins stay throttled after too many failures."
    )
    login_max_failures_total: int = Field(
        50,
        ge=0,
        description="Wrong passwords allowed from all clients together within the lockout time before "
        "every sign-in pauses (moderators can still use the CLI and email links); 0 turns this off.",
    )
    cookie_secure: bool = Field(
        False,
        description="Mark the moderator's cookie and the no-JavaScript page's edit-token cookie Secure "
        "(set true behind HTTPS).",
    )
    smtp_host: str = Field(
        "", description="SMTP server for moderator and commenter emails; empty turns email off."
    )
    smtp_port: int = Field(587, description="SMTP port.")
    smtp_username: str = Field("", description="SMTP user name, if the server needs one.")
    smtp_password: str = Field("", description="SMTP password, if the server needs one.")
    smtp_starttls: bool = Field(True, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_from: str = Field(
        "comments@localhost", description="Sender address of moderator and commenter emails."
    )
    notify_emails: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated moderator addresses told when a comment waits.",
    )
    keep_rejected_days: int = Field(
        30,
        ge=1,
        description="Rejected and deleted comments stay restorable this many days after the moderator's "
        "decision, then are erased for good; each comment's client fingerprint (for blocking) is kept "
        "as long.",
    )
    time_zone: str = Field(
        "America/Los_Angeles",
        description="The site's time zone (an IANA name): /admin shows times in it, with UTC on hover.",
    )
    admin_page_size: int = Field(50, ge=5, le=500, description="Comments per page in the /admin lists.")
    moderation_link_days: int = Field(
        7, ge=1, description="How long approve/reject links in emails stay valid."
    )
    commenter_emails: bool = Field(
        True,
        description="Offer commenters an email when their comment is approved or answered (double "
        "opt-in). Needs smtp_host; without it the checkbox is not shown.",
    )
    confirm_link_hours: int = Field(
        48,
        ge=1,
        description="How long the link confirming a commenter's address works; unconfirmed "
        "addresses are deleted after it.",
    )
    notify_batch_minutes: int = Field(
        60, ge=1, description="At most one notification email per person per thread in this many minutes."
    )
    commenter_link_days: int = Field(
        30, ge=1, description="How long the 'your comments and data' link in commenter emails works."
    )
    outbox_interval_seconds: int = Field(
        60, ge=5, description="How often queued emails to commenters are sent or tried again."
    )
    outbox_max_attempts: int = Field(
        12,
        ge=1,
        description="Tries before a commenter email is given up (waits double each time, from a minute "
        "to at most six hours: about a day in all).",
    )

    feedback_max_length: int = Field(
        1000,
        ge=1,
        le=20_000,
        description='Longest text a reader may add to a "Was this page helpful?" answer, in characters.',
    )
    feedback_rate_per_minute: int = Field(
        10, ge=0, description="Page feedback posts one client may send per minute; 0 turns the limit off."
    )
    feedback_rate_per_hour: int = Field(
        60, ge=0, description="Page feedback posts one client may send per hour; 0 turns the limit off."
    )
    feedback_keep_days: int = Field(
        365, ge=1, description="Page feedback (answers and texts) is deleted for good after this many days."
    )

    @field_validator("trusted_proxies", "cors_origins", "notify_emails", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: list[str]) -> list[str]:
        """Addresses or CIDR networks only: a host name here would fail every post at request time."""
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as error:
                raise ValueError(f"{item!r} is not an IP address or network") from error
        return value

    @model_validator(mode="after")
    def _edits_end_before_tokens(self) -> Settings:
        if self.author_token_days * 86_400 < self.edit_window_seconds:
            raise ValueError("author_token_days must last at least as long as edit_window_seconds")
        return self

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"{value!r} is not a time zone name such as America/Los_Angeles") from error
        return value

    @field_validator("sqlite_synchronous")
    @classmethod
    def _known_sync_mode(cls, value: str) -> str:
        if value.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
            raise ValueError("must be OFF, NORMAL, FULL or EXTRA")
        return value.upper()

    @property
    def commenter_emails_on(self) -> bool:
        """Whether commenters may ask for emails: offered, and a mail server set."""
        return self.commenter_emails and bool(self.smtp_host)

    def resolved_secret(self) -> str:
        """The configured secret, or one generated once and kept in var/secret.key."""
        return self.secret_key or stored_secret(SECRET_FILE)
