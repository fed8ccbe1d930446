"""Accessibility of everything around comments, checked by axe-core (WCAG 2.2 AA) in Chromium.

Covered: an article whose thread holds approved comments, a nested reply, the visitor's
own pending comment and a form showing an error, in the light and the dark palette and
at phone and desktop widths; the no-JavaScript discussion page (also with errors); the
moderator's sign-in, queue and email-link confirmation pages. Screenshots of the
article's comments go to /tmp/screenshots/ for a human look.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from comments_service.core.tokens import Signer
from tests.e2e.conftest import (
    ARTICLES,
    PASSWORD,
    SECRET_KEY,
    Stack,
    Visitor,
    assert_no_axe_violations,
    unique,
    wait_for_thread,
)

# One xdist worker runs every e2e test, so the site is built and served once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("e2e")]

THREAD = "articles/check-a-california-massage-certificate"
SCREENSHOTS = Path("/tmp/screenshots")
WIDTHS = (390, 1280)


@dataclass(frozen=True)
class Discussion:
    url: str
    visitor_token: str  # the edit token of the visitor whose comment is pending
    pending_id: int
    marker: str


@pytest.fixture(scope="module")
def discussion(stack: Stack) -> Discussion:
    """A thread with approved comments, a nested reply and one visitor's pending comment."""
    marker = unique("a11y")
    first = stack.approved_comment(
        THREAD,
        "Maria",
        f"I checked my therapist on *camtc.org* in two minutes ({marker}):\n\n"
        "- search by **name**\n- or by `certificate number`\n\n> Worth doing before a first visit.",
    )
    stack.approved_comment(
        THREAD, "Sam", f"Same here, [the lookup](https://www.camtc.org/) is quick. {marker}", first
    )
    stack.approved_comment(
        THREAD, "Lee", f"Two questions ({marker}):\n\n1. Does it show the expiry date?\n2. Is it per city?"
    )
    pending = stack.post(THREAD, "Jordan", f"Thanks, my question is waiting here. {marker}")
    return Discussion(ARTICLES[THREAD], pending["token"], int(pending["comment"]["id"]), marker)


def open_as_visitor(new_visitor: Visitor, discussion: Discussion, scheme: str) -> Page:
    """The article for the visitor who posted the pending comment (their token preloaded)."""
    page = new_visitor(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    token = json.dumps(discussion.visitor_token)
    page.add_init_script(f"localStorage.setItem('sdm-comment-token', {token})")
    page.goto(discussion.url)
    wait_for_thread(page)
    return page


@pytest.mark.parametrize(("scheme", "palette"), [("light", "default"), ("dark", "slate")])
def test_article_with_comments_has_no_wcag_violations(
    new_visitor: Visitor, discussion: Discussion, scheme: str, palette: str
) -> None:
    page = open_as_visitor(new_visitor, discussion, scheme)
    # The states this test claims to cover really are on the page.
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", palette)
    own = page.locator(f"#comment-{discussion.pending_id}")
    expect(own.locator(".sdm-badge")).to_have_text("Awaiting moderation")
    expect(page.locator(".sdm-list .sdm-list article.sdm-comment", has_text=discussion.marker)).to_have_count(
        1
    )
    expect(page.locator(".sdm-count")).to_be_visible()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        show_at_width(page, width)
        screenshot_comments(page, SCREENSHOTS / f"comments-{scheme}-{width}.png")
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(600)  # Material swaps the header title with a transition on scroll
        page.screenshot(path=str(SCREENSHOTS / f"article-top-{scheme}-{width}.png"))

    # An error state: a comment without a name.
    page.locator("#sdm-text").fill("A draft without a name")
    page.locator(".sdm-form [type=submit]").click()
    expect(page.locator("#sdm-err-name")).to_be_visible()
    for width in WIDTHS:
        show_at_width(page, width)
        assert_no_axe_violations(page, f"the article with comments, {scheme} palette, {width}px")


def screenshot_comments(page: Page, path: Path) -> None:
    """The comments section, cut from a full-page shot so Material's sticky header is not over it."""
    box = page.evaluate(
        """() => { const r = document.querySelector("#comments").getBoundingClientRect();
                   return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; }"""
    )
    page.screenshot(path=str(path), full_page=True, clip=box)


def show_at_width(page: Page, width: int) -> None:
    """Resize, then let Material's layout transitions (e.g. the search field's) finish:
    axe measuring colours mid-transition reports contrasts no reader ever sees."""
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(600)


def test_lists_in_comments_keep_their_bullets_and_numbers(
    new_visitor: Visitor, discussion: Discussion
) -> None:
    page = open_as_visitor(new_visitor, discussion, "light")
    items = page.evaluate(
        """() => [...document.querySelectorAll(".sdm-body li")].map(li => ({
             text: li.textContent, type: getComputedStyle(li).listStyleType,
             room: li.getBoundingClientRect().left - li.closest(".sdm-body").getBoundingClientRect().left
           }))"""
    )
    kinds = {item["text"]: item["type"] for item in items}
    assert kinds["search by name"] == "disc"
    assert kinds["Does it show the expiry date?"] == "decimal"
    cramped = [item for item in items if item["room"] < 16]  # no room left for the marker
    assert cramped == [], f"list markers are cut off: {cramped}"


def test_no_javascript_discussion_page_has_no_wcag_violations(
    new_visitor: Visitor, discussion: Discussion
) -> None:
    page = new_visitor()
    page.goto(f"/api/discussion?thread={THREAD}")
    expect(page.locator(".sdm-comment", has_text=discussion.marker)).to_have_count(3)
    assert_no_axe_violations(page, "the no-JavaScript discussion page")

    page.locator(".sdm-form [type=submit]").click()  # nothing filled in: every error shows
    expect(page.locator("#sdm-err-name")).not_to_be_empty()
    assert_no_axe_violations(page, "the no-JavaScript discussion page with errors")


def test_moderator_pages_have_no_wcag_violations(
    new_visitor: Visitor, discussion: Discussion, stack: Stack
) -> None:
    page = new_visitor()
    page.goto("/admin")
    expect(page.get_by_role("heading", name="Moderator sign-in")).to_be_visible()
    assert_no_axe_violations(page, "the moderator sign-in page")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(f"#comment-{discussion.pending_id}")).to_be_visible()
    assert_no_axe_violations(page, "the moderation queue")

    token = Signer(SECRET_KEY).moderation_token(discussion.pending_id, "approve")
    page.goto(f"/admin/moderate/{discussion.pending_id}/approve?token={token}")
    expect(page.get_by_role("heading", name="Approve this comment?")).to_be_visible()
    assert_no_axe_violations(page, "the email-link confirmation page")
