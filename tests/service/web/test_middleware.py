"""Request guards and headers in middleware.py.

Behind nginx without COMMENTS_TRUSTED_PROXIES, every visitor's address is 127.0.0.1:
the service must say so loudly, once, in its log and in /admin (ProxyCheck). Every page
of the service carries its policy and refuses framing (SecurityHeaders), here with the
plain shell of a service that serves no site, as in production behind nginx; with a
built site (`make serve`) the policy is the build's: see
tests/site/test_content_security_policy.py.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from comments_service.infra.settings import Settings
from comments_service.web.app_factory import create_app
from comments_service.web.page_shell import FALLBACK_POLICY
from tests.service.web.test_admin import set_password, sign_in

WARNING = "NOT TRUSTED"
ADMIN_POLICY = FALLBACK_POLICY.replace("frame-ancestors 'self'", "frame-ancestors 'none'")


@pytest.fixture
def peer_client(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def build(peer: str, **overrides: Any) -> TestClient:
        client = TestClient(create_app(make_settings(**overrides)), client=(peer, 50000))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and WARNING in r.getMessage()
    ]


def banner(client: TestClient) -> bool:
    set_password(client)
    sign_in(client)
    return "COMMENTS_TRUSTED_PROXIES=" in client.get("/admin").text


@pytest.mark.parametrize(
    ("peer", "header"),
    [
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.5"}),
        ("127.0.0.1", {"Forwarded": "for=203.0.113.5;proto=https"}),
        ("127.0.0.1", {"X-Real-IP": "203.0.113.5"}),
        ("::1", {"X-Forwarded-For": "2001:db8::5"}),
    ],
)
def test_a_local_proxy_that_is_not_trusted_is_reported_once_in_the_log_and_in_admin(
    peer_client: Callable[..., TestClient],
    caplog: pytest.LogCaptureFixture,
    peer: str,
    header: dict[str, str],
) -> None:
    client = peer_client(peer)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            client.get("/api/health", headers=header)
    [message] = warnings(caplog)
    assert f"COMMENTS_TRUSTED_PROXIES={peer}" in message
    assert banner(client)


@pytest.mark.parametrize(
    ("peer", "header", "settings"),
    [
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.5"}, {"trusted_proxies": ["127.0.0.1"]}),
        ("127.0.0.1", {}, {}),  # no proxy in front: visitors on this machine
        ("203.0.113.9", {"X-Forwarded-For": "198.51.100.1"}, {}),  # a visitor's own header: not a proxy
    ],
)
def test_nothing_is_reported_without_an_untrusted_local_proxy(
    peer_client: Callable[..., TestClient],
    caplog: pytest.LogCaptureFixture,
    peer: str,
    header: dict[str, str],
    settings: dict[str, Any],
) -> None:
    client = peer_client(peer, **settings)
    with caplog.at_level(logging.WARNING):
        client.get("/api/health", headers=header)
    assert warnings(caplog) == []
    assert not banner(client)


def responses(client: TestClient) -> dict[str, httpx.Response]:
    return {
        "discussion": client.get("/api/discussion", params={"thread": "articles/first"}),
        "refused cross-site post": client.post(
            "/api/discussion", data={"thread": "articles/first"}, headers={"Origin": "https://a.example"}
        ),
        "unknown discussion": client.get("/api/discussion", params={"thread": "nope"}),
        "JSON": client.get("/api/comments", params={"thread": "articles/first"}),
        "JSON refusal": client.get("/api/comments", params={"thread": "nope"}),
        "sign-in": client.get("/admin"),
        "moderation link refused": client.get("/admin/moderate/1/approve", params={"token": "x"}),
    }


def test_every_page_carries_the_policy_and_refuses_framing(client: TestClient) -> None:
    wrong = []
    for name, response in responses(client).items():
        admin = response.request.url.path.startswith("/admin")
        expected: tuple[str | None, str | None] = (
            (ADMIN_POLICY, "DENY") if admin else (FALLBACK_POLICY, "SAMEORIGIN")
        )
        if name.startswith("JSON"):
            expected = (None, None)  # the policy rules documents only
        sent = (response.headers.get("content-security-policy"), response.headers.get("x-frame-options"))
        if sent != expected:
            wrong.append(f"{name} ({response.status_code}): {sent}")
    assert not wrong, "\n".join(wrong)


def test_the_plain_shell_policy_allows_its_own_style_and_no_script(client: TestClient) -> None:
    page = client.get("/api/discussion", params={"thread": "articles/first"}).text
    styles = re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    directives = dict(part.strip().split(" ", 1) for part in FALLBACK_POLICY.split(";"))
    assert directives["style-src"] == f"'self' 'sha256-{digest}'"
    assert directives["default-src"] == "'none'"
    assert "script-src" not in directives
    assert "<script" not in page
