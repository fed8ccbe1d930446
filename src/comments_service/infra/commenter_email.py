"""The emails commenters get: the confirmation of their address, and digests of news.

Each text is written out whole in the catalogue (core/messages.py, "email-..."), in the
language of the page the comment is on (Digest.language). Every email carries
three signed links, none holding the address itself: confirm (only in the
confirmation), stop all emails (one click; also the List-Unsubscribe header with
RFC 8058's one-click POST), and "your comments and data" (see, download or delete).
What commenters wrote (names, reply excerpts) comes after our own words, quoted.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from ..core.messages import Language, Text
from ..core.notifications import APPROVED, CONFIRM, Digest, Item
from ..core.tokens import Signer
from .settings import Settings

# Link purposes: each signed with its own salt, so one kind of link never works as another.
CONFIRM_LINK, UNSUBSCRIBE_LINK, MY_DATA_LINK = "confirm", "unsubscribe", "my-data"
EXCERPT = 300  # characters of a reply quoted in a digest


def link(settings: Settings, signer: Signer, purpose: str, email_key: str, language: Language) -> str:
    """A signed link; `lang` makes the page it opens speak the email's language."""
    paths = {CONFIRM_LINK: "notifications/confirm", UNSUBSCRIBE_LINK: "notifications/unsubscribe"}
    path = paths.get(purpose, "my-data")
    token = signer.email_token(purpose, email_key)
    return f"{site_url(settings)}/api/{path}?token={token}&lang={language}"


def site_url(settings: Settings) -> str:
    return settings.public_url.rstrip("/")


def message_for(settings: Settings, signer: Signer, digest: Digest) -> EmailMessage:
    lang = digest.language
    unsubscribe = link(settings, signer, UNSUBSCRIBE_LINK, digest.email_key, lang)
    my_data = link(settings, signer, MY_DATA_LINK, digest.email_key, lang)
    footer = Text("email-footer", unsubscribe=unsubscribe, my_data=my_data).in_language(lang)
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = digest.email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=urlsplit(site_url(settings)).hostname or "localhost")
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if digest.kind == CONFIRM:
        message["Subject"] = Text("email-confirm-subject").in_language(lang)
        body = Text(
            "email-confirm-body",
            site=urlsplit(site_url(settings)).hostname,
            hours=settings.confirm_link_hours,
            confirm=link(settings, signer, CONFIRM_LINK, digest.email_key, lang),
        ).in_language(lang)
    else:
        message["Subject"] = Text("email-digest-subject", title=digest.title).in_language(lang)
        page = f"{site_url(settings)}{digest.url}"
        body = Text("email-digest-intro", title=digest.title).in_language(lang) + "".join(
            "\n" + _item(page, item, lang) for item in digest.items
        )
    message.set_content(body + footer)
    message["Content-Language"] = lang  # after set_content, which sets the Content-* headers anew
    return message


def _item(page: str, item: Item, lang: Language) -> str:
    target = f"{page}#comment-{item.comment_id}"
    if item.kind == APPROVED:
        return Text("email-approved-item", link=target).in_language(lang)
    text = item.text if len(item.text) <= EXCERPT else item.text[:EXCERPT].rstrip() + "…"
    quoted = "\n".join(f"| {line}".rstrip() for line in [item.name + ":", *text.split("\n")])
    return Text("email-reply-item", link=target).in_language(lang) + quoted + "\n"
