"""Fixtures for the site tests: the real site built once, its pages, the hooks, and what
`make serve` answers for it.

The build is the same one editors and CI run (scripts/build_site.py: `mkdocs build
--strict` of the English edition, then of the Spanish one into es/), into a temporary
directory (./site belongs to other tools). Under pytest-xdist the workers share it:
the first to need it builds it while the others wait (tests/harness.py: built_once),
since one build of both editions takes half a minute on a loaded 2-core machine.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from comments_service.core import auth
from comments_service.infra.database import write_session
from comments_service.infra.settings import Settings
from comments_service.web.app_factory import create_app
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.conftest import running_stack
from tests.harness import built_once, free_port
from tests.service.helpers import post
from tests.site.pages import EDITIONS, ROOT

HOOKS = ROOT / "overrides" / "hooks"
MKDOCS = Path(sys.executable).parent / "mkdocs"
BUILD_SITE = ROOT / "scripts" / "build_site.py"
# Built folders (of each edition) that hold Material's assets and the search index, not pages.
NOT_PAGES = ("assets", "search")


def mkdocs_build(
    config_dir: Path, site_dir: Path, env: dict[str, str] | None = None, *, today: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build --strict` on the project in `config_dir`; output merged.

    `env` replaces the environment (default: this process's). `today` fixes the date
    review dates are judged against (REVIEW_TODAY); the real site is built against the
    real date, so a page past its review fails the tests.
    """
    review_today = {"REVIEW_TODAY": today} if today else {}
    return subprocess.run(
        [str(MKDOCS), "build", "--strict", "-d", str(site_dir)],
        cwd=config_dir,
        env={**(os.environ if env is None else env), "NO_MKDOCS_2_WARNING": "1", **review_today},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )


def build_site(site_dir: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Build the real site, both editions, as `make build` does (scripts/build_site.py); output merged."""
    return subprocess.run(
        [sys.executable, str(BUILD_SITE), "--site-dir", str(site_dir)],
        cwd=ROOT,
        env={**(os.environ if env is None else env), "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )


def html_pages(site_dir: Path) -> list[Path]:
    """Every built HTML page of every edition (404.html included), skipping assets/ and search/."""

    def is_page(relative: Path) -> bool:
        parts = relative.parts[1:] if f"{relative.parts[0]}/" in EDITIONS else relative.parts
        return parts[0] not in NOT_PAGES

    return sorted(path for path in site_dir.rglob("*.html") if is_page(path.relative_to(site_dir)))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    def build(site_dir: Path) -> None:
        result = build_site(site_dir)
        if result.returncode != 0:
            failed = f"the site's strict build failed ({result.returncode}):\n{result.stdout}"
            pytest.fail(failed, pytrace=False)

    return built_once(tmp_path_factory, "built-site", build)


@pytest.fixture(scope="session")
def built_pages(built_site: Path) -> list[Path]:
    return html_pages(built_site)


@pytest.fixture(scope="session")
def served_site(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site and the comments service on one port, as `make serve` runs them
    (with the build's Content-Security-Policy); yields the base URL."""
    with running_stack(built_site, tmp_path_factory.mktemp("served"), free_port()) as stack:
        yield stack.base_url + "/"


@pytest.fixture(scope="module")
def browser(playwright_session: Any) -> Iterator[Any]:
    """Debian's chromium for the browser checks of the built site (axe, reading comfort)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; run `make system-deps`", pytrace=False)
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="session")
def hooks() -> Iterator[SimpleNamespace]:
    """The build hooks as modules; they import `_report` from their own folder."""
    sys.path.insert(0, str(HOOKS))
    try:
        yield SimpleNamespace(
            **{
                name: importlib.import_module(name)
                for name in (
                    "_report",
                    "_slots",
                    "_strings",
                    "_editions",
                    "_schedule",
                    "_publishers",
                    "_grades",
                    "_citations",
                    "front_matter",
                    "review_dates",
                    "sources",
                    "glossary",
                    "structured_data",
                    "content_security_policy",
                    "shared_text",
                    "outbound_links",
                    "editions",
                    "comment_pages",
                )
            }
        )
    finally:
        sys.path.remove(str(HOOKS))


@pytest.fixture(scope="session")
def served_responses(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Response]:
    """One response of each kind that `make serve` gives, by name: the built site's pages and
    files, and the comments service's own pages (set in the site's 404 page), JSON and errors."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path_factory.mktemp('service') / 'comments.sqlite3'}",
        secret_key="site-test-secret",
        site_dir=built_site,
        pages_file=built_site / "comments-pages.json",
        feedback_pages_file=built_site / "feedback-pages.json",
        min_submit_seconds=0,
    )
    thread = next(iter(json.loads((built_site / "comments-pages.json").read_text())["threads"]))
    pages: dict[str, Response] = {}
    with TestClient(create_app(settings)) as client:
        state = client.app.state  # type: ignore[attr-defined]
        with write_session(state.database.sessions) as session:
            auth.set_password(session, "moderator password")
        held = post(client, text="A comment waiting for a moderator.", thread=thread).json()["comment"]["id"]
        discussion = f"/api/discussion?thread={thread}"
        pages["discussion"] = client.get(discussion)
        pages["discussion refusing a cross-site post"] = client.post(
            "/api/discussion",
            data={"thread": thread, "name": "Ann", "text": "Hello", "form_token": "x"},
            headers={"Origin": "https://elsewhere.example"},
        )
        pages["discussion of an unknown page"] = client.get("/api/discussion?thread=no-such-page")
        too_long = {"page": "/faq/", "helpful": "no", "text": "x" * 20_000}
        origin = {"Origin": "http://testserver"}
        pages["feedback text refused"] = client.post("/api/feedback", data=too_long, headers=origin)
        pages["sign-in"] = client.get("/admin")
        csrf = re.search(r'name="csrf" value="([^"]+)"', pages["sign-in"].text)
        assert csrf
        login = {"password": "wrong", "csrf": csrf.group(1)}
        pages["sign-in refused"] = client.post("/admin/login", data=login)
        client.post("/admin/login", data={**login, "password": "moderator password"})
        pages["queue"] = client.get("/admin")
        pages["one comment"] = client.get(f"/admin/comments/{held}")
        client.post(
            "/api/feedback", data={"page": "/faq/", "helpful": "no", "text": "Unclear."}, headers=origin
        )
        pages["page feedback"] = client.get("/admin/feedback")
        pages["one page's feedback"] = client.get("/admin/feedback?page=/faq/")
        link = f"/admin/moderate/{held}/approve?token={state.signer.moderation_token(held, 'approve')}"
        pages["email link confirmation"] = client.get(link)
        pages["email link done"] = client.post(link.split("?")[0], data={"token": link.split("=", 1)[1]})
        pages["email link refused"] = client.get(f"/admin/moderate/{held}/approve?token=forged")
        pages["site page not found"] = client.get("/no-such-page/")
        pages["home page"] = client.get("/")
        pages["a page"] = client.get("/faq/")
        pages["a script"] = client.get("/assets/javascripts/workers/search-worker.js")
        pages["comments as JSON"] = client.get(f"/api/comments?thread={thread}")
        pages["an API refusal"] = client.get("/api/comments?thread=no-such-page")
        pages["the build's policy file"] = client.get("/_headers/content-security-policy.json")
    return pages
