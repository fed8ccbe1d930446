"""Request guards in middleware.py: here, noticing a local proxy nobody told the service about.

Behind nginx without COMMENTS_TRUSTED_PROXIES, every visitor's address is 127.0.0.1:
the service must say so loudly, once, in its log and in /admin.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from comments_service.app import create_app
from comments_service.settings import Settings
from tests.service.test_admin import set_password, sign_in

WARNING = "NOT TRUSTED"


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
