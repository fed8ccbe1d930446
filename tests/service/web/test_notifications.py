"""Emails to commenters, end to end against a real SMTP server on 127.0.0.1 (aiosmtpd).

Double opt-in, approval and reply digests (only for approved replies), batching per
thread, the outbox riding out a mail server that is down, and unsubscribing from the
link and by RFC 8058's one-click POST. The TestClient runs background tasks before it
returns, so a confirmation sent after a post is in the inbox at once; digests are
sent by the outbox run that housekeeping repeats (`send_mail` here).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from comments_service.core import moderation
from comments_service.core.models import Comment, Notification, OutboxMessage, Subscription
from comments_service.infra.outbox import run_once
from tests.harness import THREADS, free_port
from tests.service.helpers import form_token, post
from tests.service.mailbox import Inbox
from tests.service.web.test_admin import set_password, sign_in

ADDRESS = "Reader.One@Example.ORG"
SITE = "https://massage.example"


@pytest.fixture
def mail_client(make_client, smtp) -> Callable[..., TestClient]:  # type: ignore[no-untyped-def]
    """A client whose service emails commenters through the test server (moderators: none)."""
    _, port = smtp

    def build(**overrides: object) -> TestClient:
        values = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False, "public_url": SITE}
        return make_client(**(values | overrides))

    return build


def send_mail(client: TestClient) -> None:
    """One round of the outbox, as housekeeping runs it."""
    state = client.app.state
    run_once(state.database, state.settings, state.signer)


def moderate(client: TestClient, comment_id: int, action: str) -> None:
    with client.app.state.database.write() as session:
        comment = session.get(Comment, comment_id)
        assert comment is not None
        moderation.apply(session, comment, action, "cli tester")


def subscribed(client: TestClient, text: str = "Does this help with sciatica?", **fields: object) -> int:
    response = post(client, text=text, email=ADDRESS, notify=True, **fields)
    assert response.status_code == 202, response.text
    assert response.json()["emails"] == "confirm"
    return int(response.json()["comment"]["id"])


def link_language(message: EmailMessage, path: str) -> str:
    """The `lang` the message's link to `path` names: the page the email opens speaks it."""
    found = re.search(rf"{re.escape(SITE)}/api/{path}\?\S+", message.get_content())
    assert found
    return parse_qs(urlsplit(found.group(0)).query)["lang"][0]


def link(message: EmailMessage, path: str) -> tuple[str, str]:
    """The path and token of the message's link to `path` (confirm, unsubscribe, my-data)."""
    found = re.search(rf"{re.escape(SITE)}/api/{path}\?token=\S+", message.get_content())
    assert found, f"no {path} link in:\n{message.get_content()}"
    url = urlsplit(found.group(0))
    return url.path, parse_qs(url.query)["token"][0]


def confirm(client: TestClient, message: EmailMessage) -> None:
    path, token = link(message, "notifications/confirm")
    page = client.get(path, params={"token": token})
    assert page.status_code == 200
    assert "Confirm emails about your comments?" in page.text
    assert client.post(path, data={"token": token}).status_code == 200


def sent_earlier(client: TestClient, hours: float) -> None:
    """Move every sent notification `hours` into the past, as if the batch window had passed."""
    with client.app.state.database.write() as session:
        for notification in session.scalars(select(Notification).where(Notification.sent_at.is_not(None))):
            notification.sent_at -= dt.timedelta(hours=hours)


def bodies(inbox: Inbox) -> list[str]:
    return [message.get_content() for _, message in inbox.messages]


def test_opting_in_sends_one_confirmation_and_nothing_before_it_is_confirmed(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    comment_id = subscribed(client)
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == [ADDRESS]
    assert message["Subject"] == "Please confirm: emails about your comment"
    moderate(client, comment_id, "approve")
    send_mail(client)
    assert len(inbox.messages) == 1  # approved, but the address is not confirmed: nothing


def test_every_email_carries_one_click_unsubscribe_headers_and_links(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    subscribed(client)
    message = inbox.messages[0][1]
    path, token = link(message, "notifications/unsubscribe")
    assert message["List-Unsubscribe"] == f"<{SITE}{path}?token={token}&lang=en>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link(message, "my-data")
    assert ADDRESS.lower() not in message["List-Unsubscribe"].lower()


def test_a_confirmed_commenter_is_told_when_their_comment_is_approved(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    comment_id = subscribed(client)
    confirm(client, inbox.messages[0][1])
    moderate(client, comment_id, "approve")
    send_mail(client)
    assert len(inbox.messages) == 2
    recipients, message = inbox.messages[1]
    assert recipients == [ADDRESS]
    assert "First article" in message["Subject"]
    assert f"{SITE}/blog/first/#comment-{comment_id}" in message.get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_replies_are_told_only_once_approved_never_when_held_or_rejected(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    parent = subscribed(client)
    confirm(client, inbox.messages[0][1])
    moderate(client, parent, "approve")
    send_mail(client)
    sent_earlier(client, hours=2)
    held = post(client, text="A reply still waiting.", name="Bo", parent=parent).json()["comment"]["id"]
    rejected = post(client, text="A reply to reject.", name="Cy", parent=parent).json()["comment"]["id"]
    moderate(client, rejected, "reject")
    send_mail(client)
    assert len(inbox.messages) == 2  # confirmation and approval only
    moderate(client, held, "approve")
    send_mail(client)
    assert len(inbox.messages) == 3
    body = inbox.messages[2][1].get_content()
    assert "A reply still waiting." in body
    assert f"#comment-{held}" in body
    assert "A reply to reject." not in body


def test_a_reply_rejected_after_approval_but_before_its_digest_is_not_told(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    parent = subscribed(client)
    confirm(client, inbox.messages[0][1])
    moderate(client, parent, "approve")
    send_mail(client)  # the approval: the thread's window starts
    reply = post(client, text="Approved, then thought better of.", parent=parent).json()["comment"]["id"]
    moderate(client, reply, "approve")
    moderate(client, reply, "reject")
    sent_earlier(client, hours=2)
    send_mail(client)
    assert len(inbox.messages) == 2


def test_replies_within_the_window_wait_and_go_together_in_one_email(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    parent = subscribed(client)
    confirm(client, inbox.messages[0][1])
    moderate(client, parent, "approve")
    send_mail(client)
    for n in range(3):
        reply = post(client, text=f"Reply number {n}.", name=f"R{n}", parent=parent).json()["comment"]["id"]
        moderate(client, reply, "approve")
        send_mail(client)
    assert len(inbox.messages) == 2  # all three wait: the approval went less than an hour ago
    sent_earlier(client, hours=1.01)
    send_mail(client)
    assert len(inbox.messages) == 3
    body = inbox.messages[2][1].get_content()
    assert all(f"Reply number {n}." in body for n in range(3))


def test_nobody_is_told_of_their_own_reply(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client(moderation="none")
    response = post(client, text="My question.", email=ADDRESS, notify=True)
    confirm(client, inbox.messages[0][1])
    token = response.json()["token"]
    parent = response.json()["comment"]["id"]
    assert post(client, text="Answering myself.", token=token, parent=parent).status_code == 201
    assert post(client, text="Me again.", email=ADDRESS.upper(), parent=parent).status_code == 201
    send_mail(client)
    assert len(inbox.messages) == 1


def test_a_second_opt_in_within_the_hour_sends_no_second_confirmation(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    subscribed(client, text="First question.")
    subscribed(client, text="Second question.")
    assert len(inbox.messages) == 1
    confirm(client, inbox.messages[0][1])  # confirms both
    with client.app.state.database.sessions() as session:
        assert session.scalar(select(func.count()).where(Subscription.confirmed_at.is_(None))) == 0


def test_notify_without_an_email_is_refused_with_a_plain_message(mail_client):
    client = mail_client()
    response = post(client, notify=True)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "notify"
    assert response.json()["detail"] == "To get emails about your comment, please enter your email address."


def test_without_a_mail_server_the_option_is_not_offered_and_nothing_is_stored(make_client):
    client = make_client()
    assert client.get("/api/form-token", params={"thread": "articles/first"}).json()["notify"] is False
    response = post(client, email=ADDRESS, notify=True)
    assert response.status_code == 202
    assert response.json()["emails"] is None
    with client.app.state.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 0


def test_the_link_unsubscribes_after_one_button_press(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    comment_id = subscribed(client)
    confirm(client, inbox.messages[0][1])
    path, token = link(inbox.messages[0][1], "notifications/unsubscribe")
    page = client.get(path, params={"token": token})
    assert page.status_code == 200
    assert "Stop all emails" in page.text
    with client.app.state.database.sessions() as session:
        assert (
            session.scalar(select(func.count()).select_from(Subscription)) == 1
        )  # the page alone did nothing
    done = client.post(path, params={"token": token})
    assert done.status_code == 200
    assert "You will get no more emails" in done.text
    moderate(client, comment_id, "approve")
    send_mail(client)
    assert len(inbox.messages) == 1


def test_the_headers_one_click_post_unsubscribes_without_cookie_or_csrf(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    comment_id = subscribed(client)
    confirm(client, inbox.messages[0][1])
    target = inbox.messages[0][1]["List-Unsubscribe"].strip("<>")
    client.cookies.clear()
    # What a mail provider sends (RFC 8058 section 3.1): a form body, no cookie, no Origin.
    response = client.post(
        target,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    with client.app.state.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 0
    moderate(client, comment_id, "approve")
    send_mail(client)
    assert len(inbox.messages) == 1


@pytest.mark.parametrize("path", ["notifications/confirm", "notifications/unsubscribe", "my-data"])
def test_forged_links_are_refused_with_a_clear_page(mail_client, smtp, path):
    inbox, _ = smtp
    client = mail_client()
    subscribed(client)
    _, token = link(inbox.messages[0][1], path)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    actions = {"my-data": "my-data/delete"}
    for response in (
        client.get(f"/api/{path}", params={"token": forged}),
        # Each page's button: the token in the form (unsubscribe: in the address, as RFC 8058 has it).
        client.post(f"/api/{actions.get(path, path)}", data={"token": forged}, params={"token": forged}),
    ):
        assert response.status_code == 403
        assert "This link does not work" in response.text
    other_purpose = link(inbox.messages[0][1], "notifications/unsubscribe")[1]
    if path != "notifications/unsubscribe":
        assert client.get(f"/api/{path}", params={"token": other_purpose}).status_code == 403


def test_an_expired_confirmation_link_is_refused_and_says_so(mail_client, smtp, monkeypatch):
    inbox, _ = smtp
    client = mail_client(confirm_link_hours=1)
    subscribed(client)
    path, token = link(inbox.messages[0][1], "notifications/confirm")
    later = dt.datetime.now(dt.UTC).timestamp() + 2 * 3600
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = client.post(path, data={"token": token})
    assert response.status_code == 403
    assert "This link has expired" in response.text
    with client.app.state.database.sessions() as session:
        assert session.scalar(select(Subscription.confirmed_at)) is None


def test_a_mail_server_that_is_down_loses_nothing_the_outbox_retries(mail_client, smtp, caplog):
    inbox, port = smtp
    client = mail_client(smtp_port=free_port())  # nothing listens there
    assert post(client, email=ADDRESS, notify=True).status_code == 202  # the post does not fail
    assert "will retry" in caplog.text
    with client.app.state.database.write() as session:
        waiting = session.scalars(select(OutboxMessage)).one()
        assert waiting.attempts == 1
        waiting.next_attempt_at = dt.datetime.now(dt.UTC)  # the retry is due
    client.app.state.settings.smtp_port = port  # the server is back
    send_mail(client)
    assert len(inbox.messages) == 1
    with client.app.state.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_message_is_given_up_after_the_last_attempt(mail_client, smtp, caplog):
    inbox, _ = smtp
    inbox.refuse = True
    client = mail_client(outbox_max_attempts=2)
    post(client, email=ADDRESS, notify=True)
    with client.app.state.database.write() as session:
        session.execute(update(OutboxMessage).values(next_attempt_at=dt.datetime.now(dt.UTC)))
    send_mail(client)
    assert "gave up emailing a commenter after 2 attempts" in caplog.text
    with client.app.state.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


# -- Every way of approving tells, and each email speaks its page's language ----------------

SPANISH = "es/articles/first"


@pytest.fixture
def pages_file(tmp_path: Path) -> Path:
    """The test site's pages and a Spanish page with its own thread (es/...)."""
    path = tmp_path / "comments-pages.json"
    threads = {**THREADS, SPANISH: {"url": "/es/blog/first/", "title": "Primer artículo"}}
    path.write_text(json.dumps({"generated": "2026-11-26T00:00:00+00:00", "threads": threads}))
    return path


def test_bulk_approve_in_admin_tells_every_subscriber_at_once(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    first = subscribed(client, "First question.")
    confirm(client, inbox.messages[0][1])
    second = subscribed(client, "Second question.", thread="articles/second")
    set_password(client)
    csrf = sign_in(client)
    response = client.post(
        "/admin/bulk",
        data={"csrf": csrf, "action": "approve", "ids": [first, second], "back": "state=pending"},
    )
    assert "2 comments approved." in response.text
    # Sent after the response, not at housekeeping's next round (no send_mail here).
    news = [message for _, message in inbox.messages[1:]]
    assert sorted(message["Subject"] for message in news) == [
        "News about your comment on “First article”",
        "News about your comment on “Second article”",
    ]
    assert all("Your comment was approved" in message.get_content() for message in news)


def confirmed_on(
    client: TestClient, inbox: Inbox, thread: str, **headers: str
) -> tuple[int, EmailMessage, str]:
    """A comment on `thread` whose author asked for emails and confirmed; its confirmation."""
    response = client.post(
        "/api/comments",
        json={
            "thread": thread,
            "name": "Ana",
            "text": "¿Sirve para la ciática?",
            "email": ADDRESS,
            "notify": True,
            "form_token": form_token(client, thread),
        },
        headers=headers,
    )
    assert response.status_code == 202, response.text
    message = inbox.messages[-1][1]
    path, token = link(message, "notifications/confirm")
    lang = link_language(message, "notifications/confirm")
    page = client.get(path, params={"token": token, "lang": lang}, headers=headers)
    assert page.status_code == 200
    done = client.post(f"{path}?lang={lang}", data={"token": token}, headers=headers)
    assert done.status_code == 200
    return int(response.json()["comment"]["id"]), message, page.text + done.text


def test_a_spanish_pages_commenter_gets_every_email_and_page_in_spanish(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    # The browser says English: the page's language decides, never Accept-Language.
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    comment_id, confirmation, pages = confirmed_on(client, inbox, SPANISH, **english_browser)
    assert confirmation["Subject"] == "Confirme, por favor: correos sobre su comentario"
    assert confirmation["Content-Language"] == "es"
    body = confirmation.get_content()
    assert "Alguien, probablemente usted, pidió recibir un correo" in body
    assert "Dejar de recibir todos nuestros correos (un clic)" in body
    assert "Someone" not in body
    assert "Stop all emails" not in body
    assert confirmation["List-Unsubscribe"].endswith("&lang=es>")
    assert '<html lang="es">' in pages
    assert "¿Confirmar los correos sobre sus comentarios?" in pages
    assert "Correos confirmados" in pages
    moderate(client, comment_id, "approve")
    reply = post(client, text="A mí me ayudó.", thread=SPANISH, name="Luz", parent=comment_id)
    moderate(client, reply.json()["comment"]["id"], "approve")
    send_mail(client)
    digest = inbox.messages[-1][1]
    assert digest["Subject"] == "Novedades sobre su comentario en «Primer artículo»"
    text = digest.get_content()
    assert "Novedades sobre sus comentarios en «Primer artículo»:" in text
    assert "Su comentario fue aprobado y ya está en la página:" in text
    assert "Alguien respondió a su comentario (sus palabras, citadas abajo):" in text
    assert f"{SITE}/es/blog/first/#comment-{comment_id}" in text
    assert "| A mí me ayudó." in text
    assert "News about" not in text
    assert "approved" not in text
    path, token = link(digest, "my-data")
    mine = client.get(path, params={"token": token, "lang": "es"}, headers=english_browser).text
    assert "Sus comentarios y datos" in mine
    assert "Borrar mis comentarios y mi dirección de correo" in mine
    assert link_language(digest, "my-data") == "es"
    path, token = link(digest, "notifications/unsubscribe")
    assert "No más correos" in client.post(path, params={"token": token, "lang": "es"}).text


def test_an_english_pages_commenter_gets_every_email_in_english(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    spanish_browser = {"Accept-Language": "es-MX,es;q=0.9"}
    comment_id, confirmation, pages = confirmed_on(client, inbox, "articles/first", **spanish_browser)
    assert confirmation["Subject"] == "Please confirm: emails about your comment"
    assert confirmation["Content-Language"] == "en"
    assert "Someone, probably you, asked" in confirmation.get_content()
    assert '<html lang="en">' in pages
    assert "Emails confirmed" in pages
    moderate(client, comment_id, "approve")
    send_mail(client)
    digest = inbox.messages[-1][1]
    assert digest["Subject"] == "News about your comment on “First article”"
    text = digest.get_content()
    assert "Your comment was approved and is now on the page:" in text
    assert "Novedades" not in text
    assert "Su comentario" not in text
