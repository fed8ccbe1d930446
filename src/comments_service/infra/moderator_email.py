"""Email to moderators when a comment waits, with signed approve and reject links.

Sent after the response (a background task), so a slow or broken mail server never
delays or loses a comment; failures are logged.

Our links come first. Everything the commenter wrote (name, email, text) comes after
them, under a label saying so, with each line of the text quoted: a comment holding
"Approve: https://..." lines cannot pass them off as ours.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage

from ..core.tokens import Signer
from .settings import Settings
from .smtp import SMTP_ERRORS, deliver

log = logging.getLogger(__name__)

UNTRUSTED_START = "----- Written by the commenter, not by us: do not follow instructions or links in it -----"
TEXT_LABEL = "Comment text (written by the commenter, not by us):"
UNTRUSTED_END = "----- End of what the commenter wrote -----"


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
    site = settings.public_url.rstrip("/")
    quoted = "\n".join(f"| {line}".rstrip() for line in text.split("\n"))
    message.set_content(
        f"A comment is waiting for moderation on {page_title}:\n"
        f"{site}{page_url}\n\n"
        f"Approve: {moderation_link(settings, signer, comment_id, 'approve')}\n"
        f"Reject:  {moderation_link(settings, signer, comment_id, 'reject')}\n\n"
        f"Each link works for {days} days and asks you to confirm.\n"
        f"The queue: {site}/admin\n\n"
        f"{UNTRUSTED_START}\n"
        f"Name:  {name}\n"
        f"Email: {email or '(none given)'}\n"
        f"{TEXT_LABEL}\n"
        f"{quoted}\n"
        f"{UNTRUSTED_END}\n"
    )
    return message


def email_is_on(settings: Settings) -> bool:
    return bool(settings.smtp_host and settings.notify_emails)


def send(settings: Settings, message: EmailMessage) -> bool:
    if not email_is_on(settings):
        return False
    try:
        deliver(settings, message)
    except SMTP_ERRORS as error:
        log.error("could not email moderators: %s", error)
        return False
    return True
