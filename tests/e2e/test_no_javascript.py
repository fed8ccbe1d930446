"""Comments without JavaScript: the article's <noscript> link and the service's plain page.

A visitor with JavaScript off follows the link, reads the approved comments on a
page that wears the site's look, and posts through the plain form; after approval
their comment is listed there.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTICLES, MIN_SUBMIT_SECONDS, Stack, Visitor, unique

# One xdist worker runs every e2e test, so the site is built and served once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("e2e")]

THREAD = "articles/massage-for-back-and-neck-pain-research"


def pending_id(stack: Stack, text: str) -> int:
    """The id of the pending comment containing `text`, from `comments list`."""
    for line in stack.cli("list", "--state", "pending", "--limit", "500").splitlines():
        if text in line:
            return int(line.split()[0])
    raise AssertionError(f"no pending comment containing {text!r}")


def test_a_visitor_without_javascript_reads_and_posts_on_the_plain_page(
    new_visitor: Visitor, stack: Stack
) -> None:
    marker = unique("nojs")
    stack.approved_comment(THREAD, "Robin", f"Already approved, readable without scripts. {marker}")
    page = new_visitor(java_script_enabled=False)

    page.goto(ARTICLES[THREAD])
    link = page.locator("#comments noscript a")
    expect(link).to_have_text(re.compile("works without JavaScript"))
    expect(page.locator(".sdm-form")).to_be_hidden()  # the widget's form needs the script
    link.click()

    assert "/api/discussion?thread=" in page.url
    expect(page.locator("header.md-header")).to_be_visible()  # Material's header: the same look
    expect(page.get_by_role("heading", level=1)).to_contain_text("Comments on")
    expect(page.locator(".sdm-comment", has_text=marker)).to_contain_text("Robin")
    shown_at = time.monotonic()

    own_text = f"Posted with the plain form. {marker}-plain"
    page.get_by_label("Name").fill("Quinn")
    page.locator("#sdm-text").fill(own_text)
    # The service refuses posts sooner than the minimum time after the form was shown.
    time.sleep(max(0.0, MIN_SUBMIT_SECONDS + 0.2 - (time.monotonic() - shown_at)))
    page.get_by_role("button", name="Post comment").click()

    assert "posted=pending" in page.url
    expect(page.get_by_role("status")).to_have_text("Thanks! Your comment is awaiting moderation.")
    # Only its author sees it while it waits (the edit token rides in a cookie).
    expect(page.locator(".sdm-comment", has_text=own_text)).to_contain_text("only you can see it")

    stack.approve(pending_id(stack, own_text))
    page.reload()
    expect(page.locator(".sdm-comment", has_text=own_text)).to_contain_text("Quinn")
    expect(page.locator(".sdm-comment", has_text=own_text)).not_to_contain_text("only you can see it")


def test_a_plain_form_without_a_name_shows_the_error_there_and_keeps_the_text(
    new_visitor: Visitor,
) -> None:
    page = new_visitor(java_script_enabled=False)
    page.goto(f"/api/discussion?thread={THREAD}")
    page.get_by_label("Email").fill("sky@example.org")
    page.locator("#sdm-text").fill("Sent without a name.")
    page.get_by_role("button", name="Post comment").click()

    name = page.get_by_label("Name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#sdm-err-name")).to_have_text("Please enter your name.")
    assert "sdm-err-name" in (name.get_attribute("aria-describedby") or "").split()
    expect(page.get_by_label("Email")).to_have_value("sky@example.org")
    expect(page.locator("#sdm-text")).to_have_value("Sent without a name.")
