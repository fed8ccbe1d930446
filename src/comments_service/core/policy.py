"""The settings the rules read, described here so that `core` never imports `infra`.

infra/settings.py's `Settings` (one object, read from COMMENTS_* variables) has every
one of these attributes; the rules take any object that does.
"""

from __future__ import annotations

from typing import Protocol

from .states import ModerationMode


class Policy(Protocol):
    moderation: ModerationMode
    max_depth: int
    max_links: int
    edit_window_seconds: int
    author_token_days: int
    min_submit_seconds: float
    form_token_max_age_seconds: int
    form_token_max_posts: int
    rate_per_minute: int
    rate_per_hour: int
    ipv6_prefix_length: int
    session_hours: int
    login_max_failures: int
    login_lockout_seconds: int
    login_max_failures_total: int
    keep_rejected_days: int
    notify_batch_minutes: int
    confirm_link_hours: int

    @property
    def commenter_emails_on(self) -> bool:
        """Whether commenters may ask for emails: offered, and a mail server set."""
        ...
