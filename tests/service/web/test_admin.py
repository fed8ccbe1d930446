"""The moderator pages at /admin: sign-in, session cookie, CSRF, the queue and signed email links.

Everything goes through HTTP with a TestClient; the database is only read to check
that a refused request changed nothing.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from comments_service.core import auth
from comments_service.core.models import Comment, RateCounter
from comments_service.core.tokens import Signer
from comments_service.infra.database import write_session
from comments_service.web.app_factory import create_app
from tests.service.helpers import post

PASSWORD = "correct horse battery staple"
WRONG = "wrong password"
SECRET = "test-secret-key"  # the conftest settings' secret_key


def set_password(client: TestClient, password: str = PASSWORD) -> None:
    with write_session(client.app.state.database.sessions) as session:
        auth.set_password(session, password)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no csrf field"
    return found.group(1)


def try_login(client: TestClient, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    csrf = csrf_of(client.get("/admin").text)
    return client.post("/admin/login", data={"password": password, "csrf": csrf}, follow_redirects=False)


def sign_in(client: TestClient) -> str:
    """Sign in and return the session's CSRF token, read off the queue page."""
    assert try_login(client).status_code == 303
    return csrf_of(client.get("/admin").text)


def held(client: TestClient, text: str = "Please check my comment.") -> int:
    response = post(client, text=text, email="ann@example.org")
    assert response.status_code == 202
    return int(response.json()["comment"]["id"])


def state_of(client: TestClient, comment_id: int) -> str | None:
    with client.app.state.database.sessions() as session:
        comment = session.get(Comment, comment_id)
        return None if comment is None else comment.state.value


def public_ids(client: TestClient) -> list[int]:
    thread = client.get("/api/comments", params={"thread": "articles/first"}).json()
    return [comment["id"] for comment in thread["comments"]]


# -- Without a session -----------------------------------------------------------------


def test_queue_without_a_session_shows_the_sign_in_form_not_the_comments(client):
    held(client, "A secret waiting comment.")
    page = client.get("/admin")
    assert page.status_code == 200
    assert 'action="/admin/login"' in page.text
    assert "A secret waiting comment." not in page.text
    assert "ann@example.org" not in page.text


def test_one_comment_page_without_a_session_is_401(client):
    comment_id = held(client)
    page = client.get(f"/admin/comments/{comment_id}")
    assert page.status_code == 401
    assert "Please check my comment." not in page.text


@pytest.mark.parametrize("action", ["approve", "reject", "delete"])
def test_actions_without_a_session_are_refused_and_change_nothing(client, action):
    comment_id = held(client)
    response = client.post(f"/admin/comments/{comment_id}/{action}", data={"csrf": "x"})
    assert response.status_code == 403
    assert state_of(client, comment_id) == "pending"


def test_logout_without_a_session_is_refused(client):
    assert client.post("/admin/logout", data={"csrf": "x"}).status_code == 403


def test_sign_in_page_explains_set_password_when_no_password_is_set(client):
    assert "comments set-password" in client.get("/admin").text
    refused = try_login(client, "anything at all")
    assert refused.status_code == 403
    assert "comments set-password" in refused.text
    set_password(client)
    assert "comments set-password" not in client.get("/admin").text


# -- Signing in ------------------------------------------------------------------------


def test_wrong_password_is_refused_without_a_cookie(client):
    set_password(client)
    response = try_login(client, "not the password")
    assert response.status_code == 403
    assert "not right" in response.text
    assert "set-cookie" not in response.headers


def test_right_password_sets_a_strict_http_only_cookie_for_admin_only(client):
    set_password(client)
    response = try_login(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin"
    cookie = response.headers["set-cookie"]
    parts = [part.strip().lower() for part in cookie.split(";")]
    assert parts[0].startswith(f"{auth.COOKIE}=")
    assert len(parts[0]) > len(auth.COOKIE) + 20
    assert "httponly" in parts
    assert "samesite=strict" in parts
    assert "path=/admin" in parts


def test_sixth_attempt_after_five_wrong_passwords_is_throttled(make_client, monkeypatch):
    client = make_client(login_max_failures=5, login_lockout_seconds=900)
    set_password(client)
    # A fixed login clock: the lockout's length is then exact.
    middle = (time.time() // 900) * 900 + 450
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: middle))
    for _ in range(5):
        assert try_login(client, "wrong password").status_code == 403
    throttled = try_login(client)
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["retry-after"]) <= 900
    assert "set-cookie" not in throttled.headers
    # Once the lockout is over, the right password works again.
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: middle + 901))
    assert try_login(client).status_code == 303


def test_throttle_survives_a_counting_window_boundary(make_client, monkeypatch):
    client = make_client(login_max_failures=5, login_lockout_seconds=900)
    set_password(client)
    boundary = (time.time() // 900 + 1) * 900
    clock = SimpleNamespace(time=lambda: boundary - 2)
    monkeypatch.setattr(auth, "time", clock)
    for _ in range(5):
        assert try_login(client, "wrong password").status_code == 403
    clock.time = lambda: boundary + 1  # three seconds later
    assert try_login(client).status_code == 429


def test_wrong_passwords_from_one_ipv6_64_lock_out_the_whole_64(make_settings, monkeypatch):
    app = create_app(make_settings(login_max_failures=5, trusted_proxies=["10.0.0.0/8"]))
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: (time.time() // 900) * 900 + 450))
    with TestClient(app, client=("10.1.2.3", 50000)) as proxy:
        set_password(proxy)

        def attempt(address: str, password: str = WRONG) -> int:
            csrf = csrf_of(proxy.get("/admin").text)
            response = proxy.post(
                "/admin/login",
                data={"password": password, "csrf": csrf},
                headers={"X-Forwarded-For": address},
                follow_redirects=False,
            )
            return response.status_code

        assert [attempt(f"2001:db8:1:2::{n}") for n in range(1, 6)] == [403] * 5
        assert attempt("2001:db8:1:2:ffff::9", PASSWORD) == 429  # another address, the same /64
        assert attempt("2001:db8:1:3::1", PASSWORD) == 303  # another /64 signs in


def test_parallel_wrong_passwords_are_checked_and_counted_exactly_up_to_the_limit(make_client, monkeypatch):
    client = make_client(login_max_failures=5)
    set_password(client)
    csrf = csrf_of(client.get("/admin").text)
    checked = []
    real_verify = auth.verify_password

    def counting(password_hash: str, password: str) -> bool:
        checked.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", counting)

    def attempt(_: int) -> int:
        data = {"password": WRONG, "csrf": csrf}
        return client.post("/admin/login", data=data, follow_redirects=False).status_code

    with ThreadPoolExecutor(20) as pool:
        codes = sorted(pool.map(attempt, range(20)))
    assert codes == [403] * 5 + [429] * 15
    assert len(checked) == 5
    with client.app.state.database.sessions() as session:
        counted = session.scalars(select(RateCounter).where(RateCounter.window == auth.ATTEMPTS)).all()
        locks = session.scalars(select(RateCounter).where(RateCounter.window == auth.LOCK)).all()
    assert sorted(row.count for row in counted) == [5, 5]  # the client, and everyone's budget
    assert len(locks) == 1


def test_posting_goes_on_while_a_password_is_being_checked(make_client, monkeypatch):
    client = make_client(moderation="none")
    set_password(client)
    csrf = csrf_of(client.get("/admin").text)
    checking, posted = threading.Event(), threading.Event()

    def slow(password_hash: str, password: str) -> bool:  # Argon2 under load, exaggerated
        checking.set()
        posted.wait(10)  # the check lasts until the post is through (or 10 s, if the post waits for it)
        return False

    monkeypatch.setattr(auth, "verify_password", slow)
    with ThreadPoolExecutor(1) as pool:
        login = pool.submit(client.post, "/admin/login", data={"password": WRONG, "csrf": csrf})
        assert checking.wait(10)
        started = time.monotonic()
        assert post(client, text="Posted while someone guesses.").status_code == 201
        took = time.monotonic() - started
        posted.set()
        assert login.result().status_code == 403
    assert took < 1.5, f"a post waited {took:.1f} s for a password check"


def test_everyones_wrong_passwords_together_pause_every_sign_in(make_settings, monkeypatch):
    settings = make_settings(
        login_max_failures=100, login_max_failures_total=3, trusted_proxies=["10.0.0.0/8"]
    )
    app = create_app(settings)
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: (time.time() // 900) * 900 + 450))
    with TestClient(app, client=("10.1.2.3", 50000)) as proxy:
        set_password(proxy)

        def attempt(address: str, password: str) -> Any:
            csrf = csrf_of(proxy.get("/admin").text)
            data = {"password": password, "csrf": csrf}
            return proxy.post("/admin/login", data=data, headers={"X-Forwarded-For": address})

        codes = [attempt(f"198.51.100.{n}", WRONG).status_code for n in range(3)]
        assert codes == [403, 403, 403]
        paused = attempt("203.0.113.9", PASSWORD)  # a new client, the right password: paused all the same
        assert paused.status_code == 429
        assert "Sign-in is paused" in paused.text
        assert 0 < int(paused.headers["retry-after"]) <= 450


@pytest.mark.parametrize("csrf", [None, "forged", "signed with another secret"])
def test_login_form_without_a_valid_csrf_token_is_refused(client, csrf):
    set_password(client)
    if csrf == "signed with another secret":
        csrf = Signer("another-secret").sign("login", "form")
    data = {"password": PASSWORD} | ({"csrf": csrf} if csrf else {})
    response = client.post("/admin/login", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


# -- The queue -------------------------------------------------------------------------


def test_queue_lists_pending_comments_with_name_email_and_text(client):
    held(client, "Does massage help **sciatica**?")
    set_password(client)
    sign_in(client)
    page = client.get("/admin").text
    assert "Ann" in page
    assert "ann@example.org" in page
    assert "<strong>sciatica</strong>" in page


def test_names_and_emails_in_the_queue_are_isolated_with_bdi(client):
    held(client, "A question.")
    set_password(client)
    sign_in(client)
    page = client.get("/admin").text
    assert '<strong class="sdm-name"><bdi>Ann</bdi></strong>' in page
    assert "<bdi>ann@example.org</bdi>" in page


@pytest.mark.parametrize(
    ("action", "state", "public"), [("approve", "approved", True), ("reject", "rejected", False)]
)
def test_queue_actions_with_the_session_csrf_token_work(client, action, state, public):
    comment_id = held(client)
    set_password(client)
    csrf = sign_in(client)
    response = client.post(
        f"/admin/comments/{comment_id}/{action}", data={"csrf": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    assert state_of(client, comment_id) == state
    assert (comment_id in public_ids(client)) is public


def test_delete_from_the_queue_removes_an_approved_comment_from_the_public_thread(client):
    comment_id = held(client)
    set_password(client)
    csrf = sign_in(client)
    client.post(f"/admin/comments/{comment_id}/approve", data={"csrf": csrf})
    assert comment_id in public_ids(client)
    response = client.post(f"/admin/comments/{comment_id}/delete", data={"csrf": csrf})
    assert response.status_code == 200  # after the redirect to the queue
    assert "Comment deleted." in response.text
    assert state_of(client, comment_id) == "deleted"  # restorable for keep_rejected_days
    assert comment_id not in public_ids(client)


def test_actions_without_the_csrf_token_or_with_another_sessions_token_change_nothing(make_client):
    mine, theirs = make_client(), make_client()  # two browsers, one database
    comment_id = held(mine)
    set_password(mine)
    sign_in(mine)
    their_csrf = sign_in(theirs)
    for data in ({}, {"csrf": ""}, {"csrf": their_csrf}):
        response = mine.post(f"/admin/comments/{comment_id}/approve", data=data)
        assert response.status_code == 403
    assert state_of(mine, comment_id) == "pending"


def test_logout_ends_the_session_on_the_server(client):
    comment_id = held(client)
    set_password(client)
    csrf = sign_in(client)
    token = client.cookies[auth.COOKIE]

    def replay() -> None:
        client.cookies.clear()
        client.cookies.set(auth.COOKIE, token, domain="testserver.local", path="/admin")

    replay()
    assert client.get(f"/admin/comments/{comment_id}").status_code == 200
    response = client.post("/admin/logout", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert auth.COOKIE not in client.cookies
    # The old cookie value, replayed, no longer opens anything.
    replay()
    assert client.get(f"/admin/comments/{comment_id}").status_code == 401
    assert client.post(f"/admin/comments/{comment_id}/approve", data={"csrf": csrf}).status_code == 403
    assert state_of(client, comment_id) == "pending"


# -- Signed email links ----------------------------------------------------------------


def link_token(comment_id: int, action: str) -> str:
    return Signer(SECRET).moderation_token(comment_id, action)


def test_email_link_get_only_asks_for_confirmation(client):
    comment_id = held(client)
    token = link_token(comment_id, "approve")
    page = client.get(f"/admin/moderate/{comment_id}/approve", params={"token": token})
    assert page.status_code == 200
    assert "Approve this comment?" in page.text
    assert f'value="{token}"' in page.text
    assert state_of(client, comment_id) == "pending"


@pytest.mark.parametrize(("action", "state"), [("approve", "approved"), ("reject", "rejected")])
def test_email_link_post_with_the_token_applies_the_action(client, action, state):
    comment_id = held(client)
    response = client.post(
        f"/admin/moderate/{comment_id}/{action}", data={"token": link_token(comment_id, action)}
    )
    assert response.status_code == 200
    assert state_of(client, comment_id) == state
    assert (comment_id in public_ids(client)) is (state == "approved")


def _expired_token(comment_id: int, days_ago: float) -> str:
    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - days_ago * 86_400)

    serializer = URLSafeTimedSerializer(SECRET, salt="comments.moderate", signer=PastSigner)
    return str(serializer.dumps({"c": comment_id, "a": "approve"}))


@pytest.mark.parametrize("kind", ["other comment", "other action", "tampered", "expired", "delete"])
def test_bad_email_link_tokens_are_refused_and_change_nothing(client, kind):
    comment_id = held(client)
    other_id = held(client, "Another one.")
    good = link_token(comment_id, "approve")
    action, token = {
        "other comment": ("approve", link_token(other_id, "approve")),
        "other action": ("approve", link_token(comment_id, "reject")),
        "tampered": ("approve", good[:-2] + ("AA" if not good.endswith("AA") else "BB")),
        "expired": ("approve", _expired_token(comment_id, days_ago=8)),
        "delete": ("delete", link_token(comment_id, "delete")),
    }[kind]
    url = f"/admin/moderate/{comment_id}/{action}"
    assert client.get(url, params={"token": token}).status_code == 403
    assert client.post(url, data={"token": token}).status_code == 403
    assert state_of(client, comment_id) == "pending"
    assert state_of(client, other_id) == "pending"


def test_a_token_signed_just_inside_its_lifetime_still_works(client):
    comment_id = held(client)
    token = _expired_token(comment_id, days_ago=6)  # links last 7 days by default
    assert client.post(f"/admin/moderate/{comment_id}/approve", data={"token": token}).status_code == 200
    assert state_of(client, comment_id) == "approved"


# -- Headers ---------------------------------------------------------------------------


def test_admin_pages_are_never_framed_or_cached(client):
    comment_id = held(client)
    set_password(client)
    pages = [client.get("/admin")]
    sign_in(client)
    pages += [client.get("/admin"), client.get(f"/admin/comments/{comment_id}")]
    pages.append(
        client.get(
            f"/admin/moderate/{comment_id}/approve", params={"token": link_token(comment_id, "approve")}
        )
    )
    for page in pages:
        assert page.status_code == 200
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["cache-control"] == "no-store"
