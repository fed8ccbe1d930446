"""Fixtures shared by every test: settings, a fresh database per test, the app, and
the one Playwright driver of a test process.

Each service test runs twice, on SQLite and on a real PostgreSQL server that the
session starts on 127.0.0.1 (tests/postgres.py). Select one with `-k sqlite` or
`-k postgresql`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from comments_service.infra.settings import Settings
from comments_service.web.app_factory import create_app
from tests import postgres
from tests.harness import write_feedback_pages, write_pages

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.Server]:
    with postgres.running(postgres.ram_folder()) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'comments.sqlite3'}"
    server: postgres.Server = request.getfixturevalue("postgres_server")
    return server.database()


@pytest.fixture
def pages_file(tmp_path: Path) -> Path:
    return write_pages(tmp_path)


@pytest.fixture
def feedback_pages_file(tmp_path: Path) -> Path:
    return write_feedback_pages(tmp_path)


@pytest.fixture
def make_settings(database_url: str, pages_file: Path, feedback_pages_file: Path) -> Callable[..., Settings]:
    """Settings for a test: a fresh database, no minimum form time, overridable."""

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "secret_key": "test-secret-key",
            "pages_file": pages_file,
            "feedback_pages_file": feedback_pages_file,
            "min_submit_seconds": 0,
            "site_dir": None,
        }
        values.update(overrides)
        return Settings(**values)

    return build


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def make_client(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., TestClient]]:
    """A TestClient for an app built with the given setting overrides."""
    clients: list[TestClient] = []

    def build(**overrides: Any) -> TestClient:
        client = TestClient(create_app(make_settings(**overrides)))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Any]:
    """Playwright's sync driver, started once per test process for every browser test
    (tests/e2e and tests/site/test_accessibility.py): a second sync driver cannot start
    while one runs, so a process that runs both needs them to share it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver
