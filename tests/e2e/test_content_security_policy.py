"""What only runs on use, tried under the site's Content-Security-Policy as `make serve`
sends it: the comments widget (loaded on scroll, then posting), search (its worker starts
when search opens), the palette toggle and Material's instant navigation.

Every load of every page is watched: a `securitypolicyviolation` event, a console error
about the policy or a request to another host fails the test. The sweep of every page
on load is in tests/site/test_accessibility.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote, urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, expect

from tests.browser import RECORD_CSP_VIOLATIONS
from tests.e2e.conftest import ARTICLES, MIN_SUBMIT_SECONDS, Stack, Visitor, unique, wait_for_thread

# One xdist worker runs every e2e test, so the site is built and served once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("e2e")]


def watched(new_visitor: Visitor, stack: Stack) -> tuple[Page, list[str]]:
    """A new visitor's tab, and the list every blocked or foreign load is added to."""
    page = new_visitor(viewport={"width": 1280, "height": 900})
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    ours = urlsplit(stack.base_url).netloc
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(message.text)

    def on_request(request: Request) -> None:
        if urlsplit(request.url).scheme in ("http", "https") and urlsplit(request.url).netloc != ours:
            problems.append(f"request to another host: {request.url}")

    page.on("console", on_console)
    page.on("request", on_request)
    return page, problems


def violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__cspViolations"))


def test_the_comments_widget_loads_and_posts_under_the_policy(new_visitor: Visitor, stack: Stack) -> None:
    page, problems = watched(new_visitor, stack)
    response = page.goto(ARTICLES["articles/medical-massage-in-san-diego"])
    assert response is not None
    assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
    wait_for_thread(page)  # scrolls there: comments.css and comments.js load, then the thread
    shown_at = time.monotonic()
    form = page.locator(".sdm-form")
    form.get_by_label("Name").fill("Robin")
    form.get_by_role("textbox", name="Comment").fill(f"Posted under the policy. {unique('csp')}")
    time.sleep(max(0.0, MIN_SUBMIT_SECONDS + 0.2 - (time.monotonic() - shown_at)))
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator(".sdm-status")).to_contain_text("awaiting moderation")
    assert violations(page) == []
    assert problems == []


def test_search_the_palette_and_instant_navigation_work_under_the_policy(
    new_visitor: Visitor, stack: Stack
) -> None:
    page, problems = watched(new_visitor, stack)
    response = page.goto("/")
    assert response is not None
    assert "worker-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")  # Material intercepts links once its sitemap is in
    page.evaluate("window.__sameDocument = true")

    # Search: opening it releases the index, and the worker loads Material's search code.
    page.keyboard.press("/")
    page.keyboard.type("certificate")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    page.keyboard.press("Escape")

    # The palette toggle: from the system's preference to light, then to dark.
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-media", "(prefers-color-scheme)")
    page.locator("form[data-md-component=palette] label:visible").click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    page.locator("form[data-md-component=palette] label:visible").click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")

    # Instant navigation: the second tab's link swaps its page in without a new document.
    tab = page.locator(".md-tabs__link").nth(1)
    title = page.title()
    target = tab.evaluate("link => link.pathname")
    assert target != "/"
    tab.click()
    expect(page).not_to_have_title(title)
    assert urlsplit(page.url).path == target
    assert page.evaluate("window.__sameDocument") is True, "a full page load happened"
    page.wait_for_load_state("networkidle")

    assert violations(page) == []
    assert problems == []


@pytest.fixture(scope="module")
def other_origin() -> Iterator[str]:
    """A server on another port of 127.0.0.1: another origin, in the same (local) address
    space, so Chromium's local-network checks let its frames reach the stack."""

    class Framer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = unquote(self.path.partition("?src=")[2])
            html = f'<!doctype html><iframe title="framed" src="{escape(body)}"></iframe>'.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Framer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("framer", ["another origin", "the site itself"])
def test_only_the_site_itself_can_frame_the_comment_form(
    new_visitor: Visitor, stack: Stack, other_origin: str, framer: str
) -> None:
    """Clickjacking: a page of another origin that frames the no-JavaScript form gets an
    empty frame. The framing page has no policy of its own."""
    page = new_visitor()
    discussion = stack.url("/api/discussion?thread=articles%2Fmedical-massage-in-san-diego")
    if framer == "another origin":
        page.goto(f"{other_origin}/?src={quote(discussion)}")
    else:
        html = f'<!doctype html><iframe title="framed" src="{discussion}"></iframe>'
        page.route(stack.url("/framer"), lambda route: route.fulfill(content_type="text/html", body=html))
        page.goto(stack.url("/framer"))
    frame = page.wait_for_selector("iframe").content_frame()
    assert frame is not None
    frame.wait_for_load_state()
    assert frame.locator("form.sdm-form").count() == (0 if framer == "another origin" else 1)
