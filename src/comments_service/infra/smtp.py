"""Handing one email to the configured SMTP server: moderator emails and the outbox share it."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from .settings import Settings

SMTP_ERRORS = (OSError, smtplib.SMTPException)


def deliver(settings: Settings, message: EmailMessage) -> None:
    """Send now; raises one of SMTP_ERRORS when the server is down or refuses it."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)
