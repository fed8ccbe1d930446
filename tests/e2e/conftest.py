"""Browser end-to-end fixtures: the real site and the real service, driven by Debian's chromium.

The session builds the site once (`mkdocs build --strict`) and starts the stack the
way `make serve` does: `comments serve --site DIR` as a subprocess on a free port,
with its own SQLite file and a moderator password set through the CLI. One browser
serves the whole session; every visitor gets a fresh context (own localStorage,
own cookies). Every e2e module carries the marks browser and xdist_group("e2e") so that
`pytest -n 2 --dist loadgroup` can keep them on one worker; where the grouping does not
take effect, each worker simply builds and serves its own copy (tests never depend on
each other's comments: each writes and looks for its own unique text).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from tests.browser import CHROMIUM, CHROMIUM_ARGS, WCAG_22_AA
from tests.harness import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
SECRET_KEY = "e2e-secret-key-not-for-production"
PASSWORD = "moderator-password-for-e2e"
MIN_SUBMIT_SECONDS = 1.0

# Room for a loaded 2-core machine; a real failure still shows within seconds.
expect.set_options(timeout=10_000)

# The three articles that accept comments, by thread id.
ARTICLES = {
    "articles/medical-massage-in-san-diego": "/blog/medical-massage-in-san-diego/",
    "articles/check-a-california-massage-certificate": "/blog/check-a-california-massage-certificate/",
    "articles/massage-for-back-and-neck-pain-research": "/blog/massage-for-back-and-neck-pain-research/",
}


@dataclass
class Stack:
    """One running `comments serve` process, plus the CLI and API calls tests need."""

    base_url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path
    _form_tokens: dict[str, tuple[str, float]] = field(default_factory=dict, repr=False)

    def url(self, path: str) -> str:
        return self.base_url + path

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """Run `comments ARGS` against this stack's database; fail the test when it fails."""
        done = subprocess.run(
            [str(BIN / "comments"), *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, f"comments {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
        return done.stdout

    def approve(self, *ids: int) -> None:
        if ids:
            self.cli("approve", *(str(i) for i in ids))

    def form_token(self, thread: str) -> str:
        """A form token for `thread`, old enough to post with: fetched once, waited for once, then reused."""
        if thread not in self._form_tokens:
            data = httpx.get(self.url("/api/form-token"), params={"thread": thread}).json()
            self._form_tokens[thread] = (data["token"], time.monotonic())
        token, fetched = self._form_tokens[thread]
        time.sleep(max(0.0, MIN_SUBMIT_SECONDS + 0.1 - (time.monotonic() - fetched)))
        return token

    def post(
        self, thread: str, name: str, text: str, parent: int | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """Post through the JSON API as the widget does; returns the 202 body (with `token`)."""
        body = {
            "thread": thread,
            "parent": parent,
            "name": name,
            "text": text,
            "form_token": self.form_token(thread),
        }
        headers = {"X-Comment-Token": token} if token else {}
        response = httpx.post(self.url("/api/comments"), json=body, headers=headers)
        assert response.status_code in (201, 202), response.text
        return dict(response.json())

    def approved_comment(self, thread: str, name: str, text: str, parent: int | None = None) -> int:
        """A comment that is already public: posted, then approved through the CLI."""
        comment_id = int(self.post(thread, name, text, parent)["comment"]["id"])
        self.approve(comment_id)
        return comment_id


def _wait_until_serving(stack: Stack, port: int, timeout: float = 30.0) -> None:
    """Ready when our own process says it is listening and /api/health answers.

    Checking the log (not just the port) matters: if another server already held the
    port, /api/health would answer from that server while ours had exited.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            break
        if f"running on http://127.0.0.1:{port}" in stack.log.read_text(errors="replace"):
            try:
                if httpx.get(stack.url("/api/health"), timeout=2).json().get("status") == "ok":
                    return
            except httpx.HTTPError:
                pass
        time.sleep(0.1)
    raise RuntimeError(f"the comments service did not start:\n{stack.log.read_text(errors='replace')}")


@contextmanager
def running_stack(site_dir: Path, workdir: Path, port: int, **settings: str) -> Iterator[Stack]:
    """`comments serve --site SITE_DIR` on PORT with a fresh SQLite file; stopped on exit.

    `settings` are extra COMMENTS_* values (e.g. RATE_PER_MINUTE="5000").
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMMENTS_")}
    env.update(
        {
            "COMMENTS_DATABASE_URL": f"sqlite:///{workdir / 'c.sqlite3'}",
            "COMMENTS_SECRET_KEY": SECRET_KEY,
            "COMMENTS_MIN_SUBMIT_SECONDS": str(MIN_SUBMIT_SECONDS),
            "COMMENTS_RATE_PER_MINUTE": "1000",
            "COMMENTS_RATE_PER_HOUR": "10000",
            "COMMENTS_FORM_TOKEN_MAX_POSTS": "0",  # Stack.post reuses one form; the widget does not
            # Every browser test answers "Was this page helpful?" from 127.0.0.1.
            "COMMENTS_FEEDBACK_RATE_PER_MINUTE": "1000",
            "COMMENTS_FEEDBACK_RATE_PER_HOUR": "10000",
            "COMMENTS_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.update({f"COMMENTS_{key.upper()}": value for key, value in settings.items()})
    log = workdir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(BIN / "comments"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--site",
                str(site_dir),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=workdir,
        )
    stack = Stack(f"http://127.0.0.1:{port}", env, process, log)
    try:
        _wait_until_serving(stack, port)
        stack.cli("set-password", "--password-stdin", stdin=PASSWORD + "\n")
        yield stack
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def stack_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory, stack_port: int) -> Path:
    """The real site, both editions, built once as `make build` does (scripts/build_site.py).
    site_url must carry the port the stack serves on: Material's instant navigation only
    intercepts links found in sitemap.xml, whose addresses come from site_url (it adjusts
    the host, not the port)."""
    target = tmp_path_factory.mktemp("e2e-site") / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": f"http://127.0.0.1:{stack_port}/"}
    done = subprocess.run(
        [str(BIN / "python"), str(ROOT / "scripts" / "build_site.py"), "--quiet", "--site-dir", str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"the site's strict build failed:\n{done.stdout}{done.stderr}"
    return target


@pytest.fixture(scope="session")
def stack(site_dir: Path, stack_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(site_dir, tmp_path_factory.mktemp("e2e-stack"), stack_port) as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    chromium = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


Visitor = Callable[..., Page]


@pytest.fixture
def new_visitor(browser: Browser, stack: Stack) -> Iterator[Visitor]:
    """Open a page for a new visitor: a fresh context, so fresh localStorage and cookies.

    Keyword arguments go to `browser.new_context` (e.g. java_script_enabled=False,
    color_scheme="dark"); `base_url` defaults to the session stack.
    """
    contexts: list[BrowserContext] = []

    def open_page(**options: Any) -> Page:
        options.setdefault("base_url", stack.base_url)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def wait_for_thread(page: Page, state: Literal["attached", "visible"] = "visible") -> None:
    """Scroll to the comments, as a reader does, then wait until the widget has mounted and
    drawn the thread (a list or the 'no comments' note). The widget loads lazily: only when
    its section comes near the viewport (or the address points at the comments)."""
    page.locator("#comments").scroll_into_view_if_needed()
    page.locator(".sdm-comments[data-mounted] .sdm-thread > *").first.wait_for(state=state)


def assert_no_axe_violations(page: Page, what: str) -> None:
    """Run axe-core with the WCAG 2.2 AA tags on the whole page; fail listing every violation."""
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    assert results.violations_count == 0, f"axe on {what} ({page.url}):\n{results.generate_report()}"


def sign_in(page: Page) -> None:
    """Sign in as the moderator and wait for the queue: a navigation started before the
    sign-in's own redirect has landed would cancel it, and the session cookie with it."""
    page.goto("/admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Comments: "))).to_be_visible()


def unique(label: str) -> str:
    """A marker no other test writes, so tests can find their own comments in shared threads."""
    return f"{label}-{time.monotonic_ns() % 10**12}"


def comment_id(page: Page, text: str) -> int:
    """The id of the comment (as the widget drew it) whose body contains `text`."""
    article = page.locator("article.sdm-comment", has_text=text).first
    found = re.fullmatch(r"comment-(\d+)", article.get_attribute("id") or "")
    assert found, f"no comment containing {text!r}"
    return int(found.group(1))
