"""Blocks and trust, decided in /admin from a comment and felt on every input path.

A blocked client (its IPv4 address or IPv6 /64, as the rate limits key it) or email
is refused with the same neutral words on the JSON API and the no-JavaScript form,
until the block is lifted or ends. A trusted author skips the queue; an author a
moderator stopped trusting waits, even in first-time mode. Every change is logged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from comments_service.core import audit
from comments_service.core.authors import BLOCKED_MESSAGE as BLOCKED
from comments_service.core.models import AuditEntry, Block, Comment
from comments_service.infra.database import write_session
from comments_service.infra.settings import Settings
from comments_service.web.app_factory import create_app
from tests.service.helpers import form_token, post
from tests.service.web.test_admin import held, set_password, sign_in

BLOCKED_MESSAGE = BLOCKED.in_language("en")
NEIGHBOUR = "2001:db8:1:2::99"  # the same /64 as the poster below


@pytest.fixture
def proxied(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., TestClient]]:
    """A client behind a trusted proxy, so each request can say which address it comes from."""
    clients: list[TestClient] = []

    def build(**overrides: Any) -> TestClient:
        settings = make_settings(trusted_proxies=["127.0.0.1"], **overrides)
        client = TestClient(create_app(settings), client=("127.0.0.1", 50000))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


def post_from(
    client: TestClient, address: str, text: str, email: str | None = None, token: str | None = None
):  # type: ignore[no-untyped-def]
    body = {"thread": "articles/first", "name": "Ann", "text": text, "form_token": form_token(client)}
    if email:
        body["email"] = email
    headers = {"X-Forwarded-For": address} | ({"X-Comment-Token": token} if token else {})
    return client.post("/api/comments", json=body, headers=headers)


def form_from(client: TestClient, address: str, text: str):  # type: ignore[no-untyped-def]
    fields = {"thread": "articles/first", "parent": "", "website": "", "form_token": form_token(client)}
    fields |= {"name": "Ann", "email": "", "text": text}
    headers = {"X-Forwarded-For": address, "Origin": "http://testserver"}
    return client.post("/api/discussion", data=fields, headers=headers, follow_redirects=False)


def stored(client: TestClient) -> int:
    with client.app.state.database.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Comment)) or 0)


def block(client: TestClient, csrf: str, comment_id: int, kind: str, days: int = 7) -> None:
    response = client.post(
        f"/admin/comments/{comment_id}/block", data={"csrf": csrf, "kind": kind, "days": str(days)}
    )
    assert response.status_code == 200, response.text
    assert "is blocked until" in response.text


def test_a_blocked_ipv6_client_is_refused_neutrally_on_the_api_and_the_form_across_its_64(proxied):
    client = proxied()
    set_password(client)
    csrf = sign_in(client)
    first = post_from(client, "2001:db8:1:2::1", "Buy pills now.")
    assert first.status_code == 202
    block(client, csrf, first.json()["comment"]["id"], "client")
    before = stored(client)
    refused = post_from(client, NEIGHBOUR, "Buy more pills.")
    assert refused.status_code == 403
    assert refused.json()["detail"] == BLOCKED_MESSAGE
    no_js = form_from(client, NEIGHBOUR, "And through the plain form.")
    assert no_js.status_code in (200, 403)
    assert BLOCKED_MESSAGE in no_js.text
    assert "block" not in refused.json()["detail"].lower()
    assert stored(client) == before
    assert post_from(client, "2001:db8:1:3::1", "Another home is fine.").status_code == 202


def test_a_blocked_email_is_refused_whatever_the_address_and_case(proxied):
    client = proxied()
    set_password(client)
    csrf = sign_in(client)
    first = post_from(client, "192.0.2.1", "Spam.", email="spam@example.org")
    block(client, csrf, first.json()["comment"]["id"], "email")
    refused = post_from(client, "198.51.100.7", "Spam again.", email="SPAM@Example.org")
    assert (refused.status_code, refused.json()["detail"]) == (403, BLOCKED_MESSAGE)
    assert post_from(client, "198.51.100.7", "No email, fine.").status_code == 202


def test_a_lifted_block_lets_the_client_post_again_and_both_are_logged(proxied):
    client = proxied()
    set_password(client)
    csrf = sign_in(client)
    first = post_from(client, "192.0.2.1", "First.")
    comment_id = first.json()["comment"]["id"]
    block(client, csrf, comment_id, "client")
    assert post_from(client, "192.0.2.1", "Blocked.").status_code == 403
    with client.app.state.database.sessions() as session:
        block_id = session.scalar(select(Block.id))
    people = client.get("/admin/people").text
    assert "the client that posted comment #" in people.lower()
    assert client.post(f"/admin/blocks/{block_id}/lift", data={"csrf": csrf}).status_code == 200
    assert post_from(client, "192.0.2.1", "Free again.").status_code == 202
    with client.app.state.database.sessions() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["block client", "unblock client"]


def test_an_ended_block_no_longer_refuses(proxied):
    client = proxied()
    first = post_from(client, "192.0.2.1", "First.")
    with write_session(client.app.state.database.sessions) as session:
        comment = session.get(Comment, first.json()["comment"]["id"])
        from comments_service.core import authors

        row = authors.block_from(session, client.app.state.signer, comment, "client", 1, "tester")
        row.expires_at = row.created_at  # ended
    assert post_from(client, "192.0.2.1", "After the block.").status_code == 202


@pytest.mark.parametrize("path", ["block", "trust"])
def test_block_and_trust_need_the_sessions_csrf_token(client, path):
    comment_id = held(client)
    set_password(client)
    sign_in(client)
    response = client.post(f"/admin/comments/{comment_id}/{path}", data={"csrf": "forged", "kind": "client"})
    assert response.status_code == 403
    with client.app.state.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_trusted_author_skips_the_queue_and_revoking_puts_them_back(client):
    first = post(client, text="My first comment.")
    token = first.json()["token"]
    set_password(client)
    csrf = sign_in(client)
    page = client.post(
        f"/admin/comments/{first.json()['comment']['id']}/trust", data={"csrf": csrf, "trusted": "true"}
    )
    assert "A moderator trusts this author" in page.text
    assert post(client, text="Straight through.", token=token).status_code == 201
    assert post(client, text="A stranger waits.").status_code == 202
    people = client.get("/admin/people")
    assert "Trusted" in people.text
    assert "Ann (comment #" in people.text
    author = people.text.split('name="author" value="')[1].split('"')[0]
    client.post("/admin/authors/forget", data={"csrf": csrf, "author": author})
    assert post(client, text="Waits again.", token=token).status_code == 202


def test_stop_trusting_holds_an_approved_author_even_in_first_time_mode(make_client):
    client = make_client(moderation="first-time")
    first = post(client, text="First.")
    token, comment_id = first.json()["token"], first.json()["comment"]["id"]
    set_password(client)
    csrf = sign_in(client)
    client.post(f"/admin/comments/{comment_id}/approve", data={"csrf": csrf})
    assert post(client, text="Known author.", token=token).status_code == 201
    page = client.post(f"/admin/comments/{comment_id}/trust", data={"csrf": csrf, "trusted": "false"})
    assert "stopped trusting this author" in page.text
    assert post(client, text="Held now.", token=token).status_code == 202
    with client.app.state.database.sessions() as session:
        entries = audit.entries(session, comment_id)
    assert [e.action for e in entries] == ["stop trusting author", "approve"]
    assert all(e.actor.startswith("session ") for e in entries)


def test_a_blocked_client_cannot_edit_its_comment_either(proxied):
    client = proxied()
    set_password(client)
    csrf = sign_in(client)
    first = post_from(client, "192.0.2.1", "Fine words at first.")
    comment_id, token = first.json()["comment"]["id"], first.json()["token"]
    block(client, csrf, comment_id, "client")
    edited = client.patch(
        f"/api/comments/{comment_id}",
        json={"text": "Now spam."},
        headers={"X-Comment-Token": token, "X-Forwarded-For": "198.51.100.9"},  # even from elsewhere
    )
    assert (edited.status_code, edited.json()["detail"]) == (403, BLOCKED_MESSAGE)
    with client.app.state.database.sessions() as session:
        assert session.get(Comment, comment_id).text == "Fine words at first."  # type: ignore[union-attr]


def test_lifting_a_block_and_forgetting_an_author_need_the_sessions_csrf_token(proxied):
    client = proxied()
    set_password(client)
    csrf = sign_in(client)
    first = post_from(client, "192.0.2.1", "Spam.")
    comment_id = first.json()["comment"]["id"]
    block(client, csrf, comment_id, "client")
    client.post(f"/admin/comments/{comment_id}/trust", data={"csrf": csrf, "trusted": "true"})
    people = client.get("/admin/people").text
    block_id = people.split('action="/admin/blocks/')[1].split("/")[0]
    author = people.split('name="author" value="')[1].split('"')[0]
    assert client.post(f"/admin/blocks/{block_id}/lift", data={"csrf": "forged"}).status_code == 403
    forged = client.post("/admin/authors/forget", data={"csrf": "forged", "author": author})
    assert forged.status_code == 403
    with client.app.state.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Block)) == 1
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 2  # block and trust only
