"""Email to moderators when a comment waits, with signed approve and reject links.

Sent after the response (a background task), so a slow or broken mail server never
delays or loses a comment; failures are logged.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from .security import Signer
from .settings import Settings

log = logging.getLogger(__name__)


def moderation_link(settings: Settings, signer: Signer, comment_id: int, action: str) -> str:
    token = signer.moderation_token(comment_id, action)
    return f"{settings.public_url.rstrip('/')}/admin/moderate/{comment_id}/{action}?token={token}"


def pending_message(
    settings: Settings,
    signer: Signer,
    comment_id: int,
    name: str,
    email: str | None,
    text: str,
    page_title: str,
    page_url: str,
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"Comment waiting on “{page_title}”"
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(settings.notify_emails)
    days = settings.moderation_link_days
    message.set_content(
        f"{name}{f' <{email}>' if email else ''} commented on {page_title}\n"
        f"{settings.public_url.rstrip('/')}{page_url}\n\n"
        f"{text}\n\n"
        f"Approve: {moderation_link(settings, signer, comment_id, 'approve')}\n"
        f"Reject:  {moderation_link(settings, signer, comment_id, 'reject')}\n\n"
        f"Each link works for {days} days and asks you to confirm.\n"
        f"The queue: {settings.public_url.rstrip('/')}/admin\n"
    )
    return message


def send(settings: Settings, message: EmailMessage) -> bool:
    if not settings.smtp_host or not settings.notify_emails:
        return False
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.error("could not email moderators: %s", error)
        return False
    return True
