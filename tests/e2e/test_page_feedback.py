""" "Was this page helpful?" in Chromium, with and without JavaScript, on the real site and service.

Each path runs in both palettes at phone and desktop widths, answering Yes in two of
the four and No in the others; axe-core (WCAG 2.2 AA) checks the feedback section in
every state: the question, the invitation to add a text, and the thanks. With
JavaScript the answer is posted in place (no navigation) and the first view makes no
request for it; without, the service sends the reader back to the page's next step.
The answers are read back with `comments feedback export`.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Request, expect

from tests.browser import RECORD_CSP_VIOLATIONS, WCAG_22_AA
from tests.e2e.conftest import (
    Stack,
    Visitor,
    assert_no_axe_violations,
    running_stack,
    sign_in,
    unique,
)
from tests.harness import free_port

# One xdist worker runs every e2e test, so the site is built and served once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("e2e")]

PAGE = "/evidence/neck-pain/"
CASES = [("light", 390, "yes"), ("dark", 390, "no"), ("light", 1280, "no"), ("dark", 1280, "yes")]
CASE_IDS = [f"{scheme}-{width}-{answer}" for scheme, width, answer in CASES]
SECTION = ".sdm-feedback"


def assert_section_accessible(page: Page, state: str) -> None:
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
    results = Axe().run(page, context=SECTION, options=options)
    assert results.violations_count == 0, f"axe on the feedback form, {state}:\n{results.generate_report()}"


def assert_accessible_at(new_visitor: Visitor, url: str, scheme: str, width: int, state: str) -> None:
    """axe on the section as `url` shows it, in a page with JavaScript: axe cannot run without
    it, and without JavaScript the state is the address's anchor (:target), the same there."""
    page = new_visitor(color_scheme=scheme, viewport={"width": width, "height": 900})
    page.goto(url)
    page.locator(SECTION).scroll_into_view_if_needed()
    assert_section_accessible(page, state)
    page.close()


def exported(stack: Stack, page: str = PAGE) -> list[list[str]]:
    return list(csv.reader(io.StringIO(stack.cli("feedback", "export", "--page", page))))[1:]


def open_page(new_visitor: Visitor, scheme: str, width: int, javascript: bool) -> tuple[Page, list[str]]:
    """The page for a new reader; the list every request it makes is added to."""
    page = new_visitor(
        java_script_enabled=javascript, color_scheme=scheme, viewport={"width": width, "height": 900}
    )
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    requests: list[str] = []

    def on_request(request: Request) -> None:
        requests.append(request.url)

    page.on("request", on_request)
    page.goto(PAGE)
    page.wait_for_load_state("networkidle")
    return page, requests


@pytest.mark.parametrize(("scheme", "width", "answer"), CASES, ids=CASE_IDS)
def test_with_javascript_the_answer_and_the_text_are_sent_in_place(
    new_visitor: Visitor, stack: Stack, scheme: str, width: int, answer: str
) -> None:
    page, requests = open_page(new_visitor, scheme, width, javascript=True)
    first_view = list(requests)
    assert not [url for url in first_view if "/api/" in url or "feedback" in url], first_view
    section = page.locator(SECTION)
    section.scroll_into_view_if_needed()
    assert_section_accessible(page, f"first view ({scheme}, {width}px)")

    section.get_by_role("button", name=answer.capitalize()).click()
    step = page.locator(f"#sdm-feedback-more-{answer}")
    expect(step).to_be_visible()
    expect(step).to_be_focused()
    expect(section.locator(".sdm-feedback-vote")).to_be_hidden()
    assert urlpath(page.url) == PAGE  # no navigation: posted in place
    assert len([url for url in requests if url.endswith("/feedback.js")]) == 1
    assert_section_accessible(page, f"after {answer} ({scheme}, {width}px)")

    marker = unique(f"js-{answer}")
    step.get_by_role("textbox").fill(f"Posted in place. {marker}")
    step.get_by_role("button", name="Send").click()
    expect(page.locator("#sdm-feedback-thanks")).to_be_visible()
    expect(step).to_be_hidden()
    assert_section_accessible(page, f"thanks ({scheme}, {width}px)")
    assert page.evaluate("window.__cspViolations") == []
    assert [answer, f"Posted in place. {marker}"] in [[row[2], row[3]] for row in exported(stack)]


@pytest.mark.parametrize(("scheme", "width", "answer"), CASES, ids=CASE_IDS)
def test_without_javascript_the_service_sends_the_reader_back_to_each_step(
    new_visitor: Visitor, stack: Stack, scheme: str, width: int, answer: str
) -> None:
    page, _ = open_page(new_visitor, scheme, width, javascript=False)
    section = page.locator(SECTION)
    expect(section.locator(".sdm-feedback-vote")).to_be_visible()
    assert_accessible_at(new_visitor, page.url, scheme, width, f"first view ({scheme}, {width}px)")

    section.get_by_role("button", name=answer.capitalize()).click()
    assert page.url.endswith(f"{PAGE}#sdm-feedback-more-{answer}")
    step = page.locator(f"#sdm-feedback-more-{answer}")
    expect(step).to_be_visible()
    expect(section.locator(".sdm-feedback-vote")).to_be_hidden()
    expect(
        page.locator("#sdm-feedback-more-yes" if answer == "no" else "#sdm-feedback-more-no")
    ).to_be_hidden()
    assert_accessible_at(new_visitor, page.url, scheme, width, f"after {answer} ({scheme}, {width}px)")

    marker = unique(f"nojs-{answer}")
    step.get_by_role("textbox").fill(f"Sent the plain way. {marker}")
    step.get_by_role("button", name="Send").click()
    assert page.url.endswith(f"{PAGE}#sdm-feedback-thanks")
    expect(page.locator("#sdm-feedback-thanks")).to_be_visible()
    expect(step).to_be_hidden()
    assert_accessible_at(new_visitor, page.url, scheme, width, f"thanks ({scheme}, {width}px)")
    # The text joined the answer: one row with both.
    rows = [[row[2], row[3]] for row in exported(stack) if marker in row[3]]
    assert rows == [[answer, f"Sent the plain way. {marker}"]]


def test_a_text_over_the_limit_is_refused_in_place_and_kept(new_visitor: Visitor) -> None:
    page, _ = open_page(new_visitor, "light", 1280, javascript=True)
    page.locator(SECTION).get_by_role("button", name="No").click()
    step = page.locator("#sdm-feedback-more-no")
    too_long = "Far too long. " * 80  # 1,120 characters
    step.get_by_role("textbox").fill(too_long)
    step.get_by_role("button", name="Send").click()
    expect(step.get_by_role("alert")).to_contain_text("Please shorten it to 1,000 characters or fewer")
    expect(step.get_by_role("textbox")).to_have_value(too_long)
    expect(page.locator("#sdm-feedback-thanks")).to_be_hidden()
    assert_section_accessible(page, "a refused text")


def test_without_javascript_a_text_over_the_limit_comes_back_to_shorten(new_visitor: Visitor) -> None:
    page, _ = open_page(new_visitor, "dark", 390, javascript=False)
    page.locator(SECTION).get_by_role("button", name="Yes").click()
    too_long = "Far too long. " * 80
    step = page.locator("#sdm-feedback-more-yes")
    step.get_by_role("textbox").fill(too_long)
    step.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Your feedback was not sent")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("1,000 characters or fewer")
    expect(page.locator("#sdm-feedback-text")).to_have_value(too_long)
    page.locator("#sdm-feedback-text").fill("Shorter now.")
    page.get_by_role("button", name="Send").click()
    assert page.url.endswith(f"{PAGE}#sdm-feedback-thanks")


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 390)])
def test_the_page_that_gives_a_refused_text_back_has_no_wcag_violations(
    new_visitor: Visitor, scheme: str, width: int
) -> None:
    page = new_visitor(color_scheme=scheme, viewport={"width": width, "height": 900})
    page.goto(f"{PAGE}#sdm-feedback-more-no")
    page.locator("#sdm-feedback-text-no").fill("Far too long. " * 80)
    # form.submit() skips the submit event, so it posts the plain way, as without JavaScript.
    page.locator("#sdm-feedback-more-no form").evaluate("form => form.submit()")
    expect(page.get_by_role("heading", name="Your feedback was not sent")).to_be_visible()
    assert_no_axe_violations(page, f"the refused text page ({scheme}, {width}px)")


def test_over_the_rate_limit_the_reader_is_told_when_to_try_again(
    new_visitor: Visitor, site_dir: Path, tmp_path: Path
) -> None:
    port = free_port()
    with running_stack(site_dir, tmp_path, port, feedback_rate_per_minute="1", feedback_rate_per_hour="0"):
        page = new_visitor(base_url=f"http://127.0.0.1:{port}")
        page.goto(PAGE)
        page.locator(SECTION).get_by_role("button", name="Yes").click()
        step = page.locator("#sdm-feedback-more-yes")
        step.get_by_role("textbox").fill("A second post within the minute.")
        step.get_by_role("button", name="Send").click()
        expect(step.get_by_role("alert")).to_contain_text(re.compile(r"try again in \d+ seconds"))
        expect(step.get_by_role("textbox")).to_have_value("A second post within the minute.")


def urlpath(url: str) -> str:
    return "/" + url.split("/", 3)[3].split("#")[0].split("?")[0]


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 390)])
def test_the_feedback_admin_pages_have_no_wcag_violations(
    new_visitor: Visitor, stack: Stack, scheme: str, width: int
) -> None:
    marker = unique("admin")
    page, _ = open_page(new_visitor, scheme, width, javascript=True)
    page.locator(SECTION).get_by_role("button", name="No").click()
    page.locator("#sdm-feedback-more-no").get_by_role("textbox").fill(f"For the editors. {marker}")
    page.locator("#sdm-feedback-more-no").get_by_role("button", name="Send").click()
    expect(page.locator("#sdm-feedback-thanks")).to_be_visible()
    sign_in(page)
    page.goto("/admin/feedback")
    expect(page.get_by_role("link", name="Neck pain").first).to_be_visible()
    expect(page.get_by_text(marker)).to_be_visible()
    assert_no_axe_violations(page, f"/admin/feedback ({scheme}, {width}px)")
    page.get_by_role("link", name="Neck pain").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Page feedback: Neck pain")
    expect(page.get_by_role("row")).to_have_count(13)  # the header and 12 weeks
    assert_no_axe_violations(page, f"a page's feedback ({scheme}, {width}px)")
