"""The emails commenters get: the confirmation of their address, and digests of news.

Each text is written out whole here (a translation gives its own). Every email carries
three signed links, none holding the address itself: confirm (only in the
confirmation), stop all emails (one click; also the List-Unsubscribe header with
RFC 8058's one-click POST), and "your comments and data" (see, download or delete).
What commenters wrote (names, reply excerpts) comes after our own words, quoted.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from ..core.notifications import APPROVED, CONFIRM, Digest, Item
from ..core.tokens import Signer
from .settings import Settings

# Link purposes: each signed with its own salt, so one kind of link never works as another.
CONFIRM_LINK, UNSUBSCRIBE_LINK, MY_DATA_LINK = "confirm", "unsubscribe", "my-data"
EXCERPT = 300  # characters of a reply quoted in a digest

CONFIRM_SUBJECT = "Please confirm: emails about your comment"
CONFIRM_BODY = """\
Someone, probably you, asked to be emailed when a comment they posted on {site} is approved or answered.

To confirm, open this link within {hours} hours and press the Confirm button:
{confirm}

If you did not ask for this, ignore this email. We will send nothing else, and we delete
the request, with your address, after {hours} hours.
"""
DIGEST_SUBJECT = "News about your comment on “{title}”"
DIGEST_INTRO = "News about your comments on “{title}”:\n"
APPROVED_ITEM = "Your comment was approved and is now on the page:\n{link}\n"
REPLY_ITEM = "Someone replied to your comment (their words, quoted below):\n{link}\n"
FOOTER = """
---
Stop all emails from us (one click): {unsubscribe}
See, download or delete your comments and your email address: {my_data}
"""


def link(settings: Settings, signer: Signer, purpose: str, email_key: str) -> str:
    paths = {CONFIRM_LINK: "notifications/confirm", UNSUBSCRIBE_LINK: "notifications/unsubscribe"}
    path = paths.get(purpose, "my-data")
    return f"{site_url(settings)}/api/{path}?token={signer.email_token(purpose, email_key)}"


def site_url(settings: Settings) -> str:
    return settings.public_url.rstrip("/")


def message_for(settings: Settings, signer: Signer, digest: Digest) -> EmailMessage:
    unsubscribe = link(settings, signer, UNSUBSCRIBE_LINK, digest.email_key)
    footer = FOOTER.format(
        unsubscribe=unsubscribe, my_data=link(settings, signer, MY_DATA_LINK, digest.email_key)
    )
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = digest.email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=urlsplit(site_url(settings)).hostname or "localhost")
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if digest.kind == CONFIRM:
        message["Subject"] = CONFIRM_SUBJECT
        body = CONFIRM_BODY.format(
            site=urlsplit(site_url(settings)).hostname,
            hours=settings.confirm_link_hours,
            confirm=link(settings, signer, CONFIRM_LINK, digest.email_key),
        )
    else:
        message["Subject"] = DIGEST_SUBJECT.format(title=digest.title)
        page = f"{site_url(settings)}{digest.url}"
        body = DIGEST_INTRO.format(title=digest.title) + "".join(
            "\n" + _item(page, item) for item in digest.items
        )
    message.set_content(body + footer)
    return message


def _item(page: str, item: Item) -> str:
    target = f"{page}#comment-{item.comment_id}"
    if item.kind == APPROVED:
        return APPROVED_ITEM.format(link=target)
    text = item.text if len(item.text) <= EXCERPT else item.text[:EXCERPT].rstrip() + "…"
    quoted = "\n".join(f"| {line}".rstrip() for line in [item.name + ":", *text.split("\n")])
    return REPLY_ITEM.format(link=target) + quoted + "\n"
