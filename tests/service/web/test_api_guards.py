"""The spam defences as a visitor meets them through POST /api/comments.

Honeypot, form age and form-token checks, and the per-client rate limits, keyed by
the peer's address (X-Forwarded-For only from trusted proxies). The guard functions
themselves are tested directly in test_guard.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from comments_service.core import guard
from comments_service.core.models import Comment
from comments_service.core.tokens import Signer
from comments_service.infra.settings import Settings
from comments_service.web.app_factory import create_app
from tests.service.helpers import form_token, post

MakeClient = Callable[..., TestClient]
# Half a minute into a minute window: Retry-After for the minute limit is then exactly 31.
MID_MINUTE = 30


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> float:
    """Pin the rate limiter's clock so a test never straddles a window boundary."""
    now = float(int(time.time()) // 3600 * 3600 + 1800 + MID_MINUTE)
    monkeypatch.setattr(guard, "time", SimpleNamespace(time=lambda: now))
    return now


@pytest.fixture
def peer_client(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., TestClient]]:
    """A client whose TCP peer is `peer` (an IP address, unlike TestClient's "testclient")."""
    clients: list[TestClient] = []

    def build(peer: str, **overrides: Any) -> TestClient:
        client = TestClient(create_app(make_settings(**overrides)), client=(peer, 50000))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


def stored(client: TestClient) -> int:
    with client.app.state.database.sessions() as session:
        return int(session.scalar(select(func.count(Comment.id))) or 0)


def post_from(client: TestClient, text: str, forwarded_for: str) -> int:
    body = {"thread": "articles/first", "name": "Bot", "text": text, "form_token": form_token(client)}
    response = client.post("/api/comments", json=body, headers={"X-Forwarded-For": forwarded_for})
    return response.status_code


@pytest.mark.parametrize("website", ["https://spam.example", "x", " "])
def test_filled_honeypot_is_refused(client: TestClient, website: str) -> None:
    response = post(client, website=website)
    assert response.status_code == 400
    assert response.json()["field"] == "website"
    assert stored(client) == 0


def test_empty_honeypot_is_accepted(client: TestClient) -> None:
    assert post(client, website="").status_code == 202


def test_form_posted_too_soon_is_refused_with_retry_after(make_client: MakeClient) -> None:
    client = make_client(min_submit_seconds=5)
    assert client.get("/api/form-token", params={"thread": "articles/first"}).json()["min_seconds"] == 5
    response = post(client)
    assert response.status_code == 429
    assert response.json()["field"] == "form_token"
    assert 1 <= int(response.headers["retry-after"]) <= 6
    assert stored(client) == 0


def expired_form_token(monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as patched:
        patched.setattr(time, "time", lambda: 1_000_000_000.0)  # 2001: long past any max age
        return Signer("test-secret-key").new_form_token("articles/first")


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda mp: "not-a-token", id="garbage"),
        pytest.param(lambda mp: Signer("another-secret").new_form_token("articles/first"), id="other-secret"),
        pytest.param(lambda mp: Signer("test-secret-key").new_author_token(), id="author-token"),
        pytest.param(lambda mp: Signer("test-secret-key").sign("form", "soon"), id="not-a-time"),
        pytest.param(expired_form_token, id="expired"),
    ],
)
def test_forged_or_expired_form_token_is_refused(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, make_token: Callable[[pytest.MonkeyPatch], str]
) -> None:
    body = {
        "thread": "articles/first",
        "name": "Ann",
        "text": "Hello.",
        "form_token": make_token(monkeypatch),
    }
    response = client.post("/api/comments", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == "form_token"
    assert stored(client) == 0


@pytest.mark.usefixtures("frozen_clock")
def test_third_post_in_a_minute_is_refused_and_not_stored(make_client: MakeClient) -> None:
    client = make_client(rate_per_minute=2)
    assert [post(client, f"Post {n}.").status_code for n in range(2)] == [202, 202]
    refused = post(client, "One too many.")
    assert refused.status_code == 429
    assert refused.json()["field"] == "rate"
    assert refused.headers["retry-after"] == str(60 - MID_MINUTE + 1)
    assert stored(client) == 2


@pytest.mark.usefixtures("frozen_clock")
def test_hourly_limit_applies_across_minutes(make_client: MakeClient) -> None:
    client = make_client(rate_per_minute=0, rate_per_hour=1)
    assert post(client, "First.").status_code == 202
    refused = post(client, "Second.")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == str(1800 - MID_MINUTE + 1)


def test_zero_turns_the_rate_limits_off(make_client: MakeClient) -> None:
    client = make_client(rate_per_minute=0, rate_per_hour=0)
    assert {post(client, f"Post {n}.").status_code for n in range(7)} == {202}


@pytest.mark.usefixtures("frozen_clock")
def test_posts_refused_after_the_rate_check_still_count(make_client: MakeClient) -> None:
    client = make_client(rate_per_minute=2)
    assert post(client, "Same words.").status_code == 202
    assert post(client, "Same words.").status_code == 409
    assert post(client, "New words.").status_code == 429


@pytest.mark.usefixtures("frozen_clock")
def test_spoofed_forwarded_for_from_an_untrusted_peer_does_not_change_the_key(
    make_client: MakeClient,
) -> None:
    client = make_client(rate_per_minute=2)
    codes = [post_from(client, f"Spoof {n}.", f"198.51.100.{n}") for n in range(3)]
    assert codes == [202, 202, 429]
    assert stored(client) == 2


@pytest.mark.usefixtures("frozen_clock")
def test_each_peer_address_has_its_own_limit(peer_client: Callable[..., TestClient]) -> None:
    first = peer_client("192.0.2.1", rate_per_minute=1)
    second = peer_client("192.0.2.2", rate_per_minute=1)
    assert post(first, "From the first.").status_code == 202
    assert post(first, "First again.").status_code == 429
    assert post(second, "From the second.").status_code == 202


@pytest.mark.usefixtures("frozen_clock")
def test_forwarded_for_is_believed_from_a_trusted_proxy_network(
    peer_client: Callable[..., TestClient],
) -> None:
    proxy = peer_client("10.1.2.3", rate_per_minute=1, trusted_proxies=["10.0.0.0/8"])
    assert post_from(proxy, "Visitor five.", "203.0.113.5") == 202
    assert post_from(proxy, "Visitor five again.", "203.0.113.5") == 429
    assert post_from(proxy, "Visitor six.", "203.0.113.6") == 202
    # Through a second proxy of ours, the same visitor is still the same visitor.
    assert post_from(proxy, "Visitor six again.", "203.0.113.6, 10.9.9.9") == 429
    # A client-supplied first hop cannot shift the blame onto someone else.
    assert post_from(proxy, "Blame shifting.", "198.51.100.1, 203.0.113.5") == 429


@pytest.mark.usefixtures("frozen_clock")
def test_posts_from_one_ipv6_64_share_one_limit(peer_client: Callable[..., TestClient]) -> None:
    proxy = peer_client("10.1.2.3", rate_per_minute=5, trusted_proxies=["10.0.0.0/8"])
    codes = [
        post_from(proxy, f"From the same home, address {n}.", f"2001:db8:1:2::{n:x}") for n in range(1, 21)
    ]
    assert codes == [202] * 5 + [429] * 15
    assert post_from(proxy, "Another home.", "2001:db8:1:3::1") == 202
    assert stored(proxy) == 6


@pytest.mark.usefixtures("frozen_clock")
@pytest.mark.parametrize(
    "spellings",
    [
        ["203.0.113.5", "::ffff:203.0.113.5", "::FFFF:CB00:7105"],
        ["2001:db8::5", "2001:DB8::5", "2001:0db8:0000:0000:0000:0000:0000:0005"],
    ],
)
def test_every_spelling_of_an_address_shares_its_limit(
    peer_client: Callable[..., TestClient], spellings: list[str]
) -> None:
    proxy = peer_client("10.1.2.3", rate_per_minute=len(spellings) - 1, trusted_proxies=["10.0.0.0/8"])
    codes = [post_from(proxy, f"Spelling {n}.", address) for n, address in enumerate(spellings)]
    assert codes == [202] * (len(spellings) - 1) + [429]


@pytest.mark.usefixtures("frozen_clock")
def test_the_ipv6_prefix_length_is_a_setting(peer_client: Callable[..., TestClient]) -> None:
    proxy = peer_client("10.1.2.3", rate_per_minute=1, trusted_proxies=["10.0.0.0/8"], ipv6_prefix_length=128)
    assert post_from(proxy, "First address.", "2001:db8:1:2::1") == 202
    assert post_from(proxy, "Second address.", "2001:db8:1:2::2") == 202
    assert post_from(proxy, "First again.", "2001:db8:1:2::1") == 429


def test_the_form_token_endpoint_needs_a_page_that_accepts_comments(client: TestClient) -> None:
    assert client.get("/api/form-token").status_code == 422
    missing = client.get("/api/form-token", params={"thread": "articles/none"})
    assert missing.status_code == 404
    assert missing.json()["field"] == "thread"


def test_a_form_token_from_one_page_is_refused_on_another(client: TestClient) -> None:
    body = {"thread": "articles/second", "name": "Ann", "text": "Hello.", "form_token": form_token(client)}
    response = client.post("/api/comments", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == "form_token"
    assert "another page" in response.json()["detail"]
    assert stored(client) == 0


def test_one_form_token_posts_at_most_three_comments(make_client: MakeClient) -> None:
    client = make_client(rate_per_minute=0, rate_per_hour=0)
    token = form_token(client)

    def send(text: str) -> Any:
        body = {"thread": "articles/first", "name": "Ann", "text": text, "form_token": token}
        return client.post("/api/comments", json=body)

    assert send("One.").status_code == 202
    assert send("One.").status_code == 409  # refused: uses nothing up
    assert [send(text).status_code for text in ("Two.", "Three.")] == [202, 202]
    fourth = send("Four.")
    assert fourth.status_code == 422
    assert fourth.json()["field"] == "form_token"
    assert "reload the page" in fourth.json()["detail"]
    assert post(client, "Four, with a fresh form.").status_code == 202
    assert stored(client) == 4


def test_the_form_token_limit_is_a_setting(make_client: MakeClient) -> None:
    client = make_client(rate_per_minute=0, rate_per_hour=0, form_token_max_posts=1)
    token = form_token(client)
    bodies = [
        {"thread": "articles/first", "name": "Ann", "text": f"Post {n}.", "form_token": token}
        for n in range(2)
    ]
    assert [client.post("/api/comments", json=body).status_code for body in bodies] == [202, 422]
