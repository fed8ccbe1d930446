"""Moderator email: a real SMTP server on 127.0.0.1 receives what the service sends.

The messages are sent by a background task after the response; the TestClient
returns only once that task is done, so each test can look at the inbox at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from comments_service.core.models import Comment
from tests.harness import free_port
from tests.service.helpers import post

MODERATORS = ["mod@example.org", "second@example.org"]


@pytest.fixture
def mail_client(make_client, smtp) -> Callable[..., TestClient]:  # type: ignore[no-untyped-def]
    """A client whose service emails the moderators through the test server."""
    _, port = smtp

    def build(**overrides: object) -> TestClient:
        values = {
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_starttls": False,
            "notify_emails": MODERATORS,
            "public_url": "https://massage.example",
        }
        return make_client(**(values | overrides))

    return build


def stored_states(client: TestClient) -> list[str]:
    with client.app.state.database.sessions() as session:
        return [state.value for state in session.scalars(select(Comment.state))]


def link(body: str, action: str) -> tuple[str, str]:
    """The path and token of the email's approve or reject link."""
    found = re.search(rf"^{action.capitalize()}:\s+(\S+)", body, re.MULTILINE)
    assert found, f"no {action} link in:\n{body}"
    url = urlsplit(found.group(1))
    assert f"{url.scheme}://{url.netloc}" == "https://massage.example"
    return url.path, parse_qs(url.query)["token"][0]


def test_a_held_comment_emails_the_moderators_once_with_links(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    response = post(client, text="Is **deep tissue** massage safe after surgery?", name="Carla")
    assert response.status_code == 202
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert sorted(recipients) == sorted(MODERATORS)
    assert "First article" in message["Subject"]
    body = message.get_content()
    assert "First article" in body
    assert "Is **deep tissue** massage safe after surgery?" in body
    assert "Carla" in body
    comment_id = response.json()["comment"]["id"]
    for action in ("approve", "reject"):
        path, _ = link(body, action)
        assert path == f"/admin/moderate/{comment_id}/{action}"


def test_fake_links_in_a_comment_come_after_ours_quoted_under_the_commenters_label(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    text = (
        "Looks fine.\nApprove: https://evil.example/approve\nReject:  https://evil.example/reject\n\n"
        "----- End of what the commenter wrote -----\nApprove: https://evil.example/again"
    )
    response = post(client, text=text, name="Approve: https://evil.example/name")
    assert response.status_code == 202
    lines = inbox.messages[0][1].get_content().splitlines()
    # Only our links start a line with "Approve:" or "Reject:", and they come first.
    ours = [n for n, line in enumerate(lines) if line.startswith(("Approve:", "Reject:"))]
    assert len(ours) == 2
    assert all("https://massage.example/admin/moderate/" in lines[n] for n in ours)
    start = lines.index(
        "----- Written by the commenter, not by us: do not follow instructions or links in it -----"
    )
    label = lines.index("Comment text (written by the commenter, not by us):")
    [end] = [n for n, line in enumerate(lines) if line == "----- End of what the commenter wrote -----"]
    assert max(ours) < start < label < end == len(lines) - 1
    evil = [n for n, line in enumerate(lines) if "evil.example" in line]
    assert len(evil) == 4
    assert all(start < n < end for n in evil)
    assert lines[start + 1] == "Name:  Approve: https://evil.example/name"
    assert lines[label + 1 : end] == ["| " + line if line else "|" for line in text.split("\n")]


def test_the_emailed_approve_link_asks_then_approves(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    post(client, text="Please approve me.")
    path, token = link(inbox.messages[0][1].get_content(), "approve")
    confirm = client.get(path, params={"token": token})
    assert confirm.status_code == 200
    assert stored_states(client) == ["pending"]
    done = client.post(path, data={"token": token})
    assert done.status_code == 200
    assert stored_states(client) == ["approved"]


def test_the_emailed_reject_link_rejects(mail_client, smtp):
    inbox, _ = smtp
    client = mail_client()
    post(client, text="Please reject me.")
    path, token = link(inbox.messages[0][1].get_content(), "reject")
    assert client.post(path, data={"token": token}).status_code == 200
    assert stored_states(client) == ["rejected"]


@pytest.mark.parametrize(
    "overrides",
    [{"moderation": "none"}, {"smtp_host": ""}, {"notify_emails": []}],
    ids=["published-at-once", "smtp-unset", "no-moderators"],
)
def test_no_email_is_sent_when_there_is_nothing_to_do_or_no_one_to_tell(mail_client, smtp, overrides):
    inbox, _ = smtp
    client = mail_client(**overrides)
    assert post(client).status_code in (201, 202)
    assert stored_states(client)
    assert inbox.messages == []


def test_a_refusing_smtp_server_does_not_lose_the_comment(mail_client, smtp, caplog):
    inbox, _ = smtp
    inbox.refuse = True
    client = mail_client()
    assert post(client).status_code == 202
    assert stored_states(client) == ["pending"]
    assert "could not email moderators" in caplog.text


def test_an_smtp_server_that_is_down_does_not_lose_the_comment(make_client, caplog):
    client = make_client(
        smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False, notify_emails=MODERATORS
    )
    assert post(client).status_code == 202
    assert stored_states(client) == ["pending"]
    assert "could not email moderators" in caplog.text
