"""The comments widget on the real stack, as visitors and a moderator use it in Chromium.

The story test follows one discussion from the first post to a deleted comment whose
reply keeps its place. The others check what must hold on every visit: errors tied
to their field, keyboard-only use, Material's instant navigation, the one-request
budget, and lazy loading (nothing of the widget in an article's first view; it loads
when the reader nears the comments, or at once for an address that points at them).
Every test writes its own unique text, so tests do not depend on their order.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.conftest import ARTICLES, PASSWORD, Stack, Visitor, comment_id, unique, wait_for_thread

# One xdist worker runs every e2e test, so the site is built and served once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("e2e")]

THREAD = "articles/medical-massage-in-san-diego"
ARTICLE = ARTICLES[THREAD]


def count_shown(page: Page) -> int:
    """The approved-comment count the widget shows next to the article's title."""
    found = re.fullmatch(r"(\d+) comments?", page.locator(".sdm-count").inner_text())
    assert found, page.locator(".sdm-count").inner_text()
    return int(found.group(1))


def open_article(page: Page) -> None:
    page.goto(ARTICLE)
    wait_for_thread(page)


def post_through_form(page: Page, name: str, text: str) -> None:
    form = page.locator(".sdm-form")
    form.get_by_label("Name").fill(name)
    form.get_by_role("textbox", name="Comment").fill(text)
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator(".sdm-status")).to_contain_text("awaiting moderation")


def test_a_discussion_from_first_post_to_deleted_comment(new_visitor: Visitor, stack: Stack) -> None:
    marker = unique("story")
    first_text = f"Does *medical massage* help after surgery? {marker}"
    edited_text = f"Does **medical massage** help after knee surgery? {marker}"

    # A visitor finds the section and a form whose fields are labelled.
    author = new_visitor()
    open_article(author)
    expect(author.get_by_role("heading", name="Comments", exact=True)).to_be_visible()
    form = author.get_by_role("form", name="Leave a comment")
    for label in ("Name", "Email", "Comment"):
        expect(form.get_by_role("textbox", name=label)).to_be_editable()

    # They post: a polite live region says it waits, and their comment is marked so.
    post_through_form(author, "Avery", first_text)
    expect(author.locator(".sdm-status")).to_have_attribute("aria-live", "polite")
    mine = author.locator("article.sdm-comment", has_text=marker)
    expect(mine.locator(".sdm-badge")).to_have_text("Awaiting moderation")
    first_id = comment_id(author, marker)
    mine = author.locator(f"#comment-{first_id}")

    # Within the edit window they fix it: the box holds their Markdown as typed.
    # (Edited while it waits: where every comment is moderated, the service refuses
    # edits to a comment that already has replies.)
    mine.get_by_role("button", name="Edit").click()
    box = author.get_by_role("textbox", name="Edit your comment")
    expect(box).to_be_focused()
    expect(box).to_have_value(first_text)
    box.fill(edited_text)
    mine.get_by_role("button", name="Save").click()
    expect(author.locator(".sdm-status")).to_contain_text(re.compile("saved", re.IGNORECASE))
    expect(mine.locator(".sdm-body strong")).to_have_text("medical massage")
    expect(mine.locator(".sdm-meta")).to_contain_text("edited")

    # Someone else does not see a comment that waits for moderation.
    reader = new_visitor()
    open_article(reader)
    expect(reader.locator(f"#comment-{first_id}")).to_have_count(0)
    count_before = count_shown(reader)

    # The moderator signs in and approves it from the queue.
    moderator = new_visitor()
    moderator.goto("/admin")
    moderator.get_by_label("Password").fill(PASSWORD)
    moderator.get_by_role("button", name="Sign in").click()
    queued = moderator.locator(f"#comment-{first_id}")
    expect(queued).to_contain_text("help after knee surgery")
    queued.get_by_role("button", name=f"Approve comment {first_id} by Avery").click()
    expect(moderator.get_by_role("status")).to_have_text("Comment approved.")

    # Now the other visitor sees it, without the badge, and the count went up.
    reader.reload()
    wait_for_thread(reader)
    shown = reader.locator(f"#comment-{first_id}")
    expect(shown.locator(".sdm-body")).to_have_text(re.compile("Does medical massage help after knee"))
    expect(shown.locator(".sdm-badge")).to_have_count(0)
    expect(shown.locator(".sdm-name > bdi")).to_have_text("Avery")  # isolated: see comments.js
    assert count_shown(reader) == count_before + 1

    # They reply; once approved (through the CLI), the reply sits inside the parent's <li>.
    shown.get_by_role("button", name="Reply").click()
    expect(reader.locator(".sdm-replying")).to_contain_text("Replying to Avery")
    expect(reader.locator(".sdm-replying bdi")).to_have_text("Avery")
    post_through_form(reader, "Blake", f"It helped me, with my surgeon's OK. {marker}-reply")
    reply_id = comment_id(reader, f"{marker}-reply")
    stack.approve(reply_id)
    author.reload()
    wait_for_thread(author)
    nested = author.locator(f"li:has(> #comment-{first_id}) > ol.sdm-list > li > #comment-{reply_id}")
    expect(nested).to_have_count(1)

    # The author deletes their comment: the reply keeps its place under a placeholder.
    author.once("dialog", lambda dialog: dialog.accept())
    mine.get_by_role("button", name="Delete").click()
    expect(author.locator(".sdm-status")).to_have_text("Your comment was deleted.")
    expect(author.locator(f"#comment-{first_id}")).to_have_text("Comment deleted")
    expect(nested).to_have_count(1)
    reader.reload()
    wait_for_thread(reader)
    expect(reader.locator(f"#comment-{first_id}")).to_have_text("Comment deleted")
    expect(reader.locator(f"li:has(> #comment-{first_id}) #comment-{reply_id}")).to_contain_text(
        "It helped me"
    )
    assert count_shown(reader) == count_before + 1  # the reply replaced the deleted comment


def test_a_missing_name_is_reported_on_its_field_and_the_text_is_kept(new_visitor: Visitor) -> None:
    page = new_visitor()
    open_article(page)
    page.locator("#sdm-text").fill("My comment, typed before I forgot my name.")
    page.get_by_role("button", name="Post comment").click()

    name = page.locator("#sdm-name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_be_focused()
    described_by = (name.get_attribute("aria-describedby") or "").split()
    errors = [page.locator(f"#{ref}.sdm-error") for ref in described_by]
    shown = [error for error in errors if error.count() and error.is_visible()]
    assert len(shown) == 1, f"aria-describedby={described_by} should point at one visible error"
    expect(shown[0]).to_have_text("Please enter your name.")
    expect(page.locator("#sdm-text")).to_have_value("My comment, typed before I forgot my name.")


def test_a_refusal_from_the_service_is_shown_next_to_the_comment_field(new_visitor: Visitor) -> None:
    page = new_visitor()
    open_article(page)
    links = " ".join(f"[link {n}](https://example.org/{n})" for n in range(4))
    form = page.locator(".sdm-form")
    form.get_by_label("Name").fill("Casey")
    form.get_by_role("textbox", name="Comment").fill(f"Too many links: {links} {unique('links')}")
    page.get_by_role("button", name="Post comment").click()

    text = page.locator("#sdm-text")
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#sdm-err-text")).to_have_text("Please use at most 3 links in a comment.")
    assert "sdm-err-text" in (text.get_attribute("aria-describedby") or "").split()
    expect(text).to_have_value(re.compile("Too many links"))


def test_the_form_and_the_reply_button_work_from_the_keyboard(new_visitor: Visitor, stack: Stack) -> None:
    marker = unique("keys")
    parent_id = stack.approved_comment(THREAD, "Dana", f"Approved, so it can be replied to. {marker}")
    page = new_visitor()
    open_article(page)

    # Reply from the keyboard: focus lands in the comment box, inside the thread.
    page.locator(f"#comment-{parent_id}").get_by_role("button", name="Reply").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#sdm-text")).to_be_focused()
    expect(page.locator(f"#comment-{parent_id} .sdm-form")).to_have_count(1)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Cancel reply")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".sdm-comments > .sdm-form")).to_have_count(1)

    # Fill in and send a new comment with Tab and Enter only, in reading order.
    page.locator(".sdm-intro a").focus()
    for _ in range(200):  # past the thread's links and buttons to the first field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "sdm-name":
            break
    expect(page.locator("#sdm-name")).to_be_focused()
    page.keyboard.type("Emery")
    page.keyboard.press("Tab")
    expect(page.locator("#sdm-email")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#sdm-text")).to_be_focused()
    page.keyboard.type(f"Sent without a mouse. {marker}")
    page.keyboard.press("Tab")  # the honeypot is skipped: tabindex=-1
    expect(page.get_by_role("button", name="Post comment")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".sdm-status")).to_contain_text("awaiting moderation")
    expect(page.locator("article.sdm-comment", has_text=f"Sent without a mouse. {marker}")).to_have_count(1)


def test_the_reply_form_survives_a_redraw_of_the_thread(new_visitor: Visitor, stack: Stack) -> None:
    marker = unique("redraw")
    parent_id = stack.approved_comment(THREAD, "Gale", f"Reply to me while editing. {marker}")
    page = new_visitor()
    open_article(page)
    post_through_form(page, "Harper", f"My own, still editable. {marker}-own")
    own = page.locator("article.sdm-comment", has_text=f"{marker}-own")

    page.locator(f"#comment-{parent_id}").get_by_role("button", name="Reply").click()
    page.locator("#sdm-text").fill("A reply I am still writing")
    own.get_by_role("button", name="Edit").click()
    own.get_by_role("button", name="Cancel").click()  # redraws the thread

    expect(own.get_by_role("button", name="Edit")).to_be_visible()
    expect(page.locator(".sdm-form")).to_be_visible()
    expect(page.locator(f"#comment-{parent_id} .sdm-form")).to_have_count(1)
    expect(page.locator(".sdm-replying")).to_contain_text("Replying to Gale")
    expect(page.locator("#sdm-text")).to_have_value("A reply I am still writing")


def test_instant_navigation_mounts_the_widget_and_loads_the_thread(new_visitor: Visitor) -> None:
    page = new_visitor(viewport={"width": 1280, "height": 900})
    page.goto("/")
    page.wait_for_load_state("networkidle")  # Material intercepts links once its sitemap is in
    page.evaluate("window.__sameDocument = true")
    api_calls: list[str] = []
    page.on("request", lambda request: api_calls.append(request.url) if "/api/" in request.url else None)

    # From the home page to an article: still lazy, then mounted once the reader scrolls there.
    page.locator(f'.md-content a[href$="{ARTICLE}"]').first.click()
    expect(page.locator(".md-content h1")).to_contain_text("Medical massage in San Diego")
    page.wait_for_load_state("networkidle")
    assert api_calls == []
    wait_for_thread(page)
    assert ARTICLE in page.url
    assert page.evaluate("window.__sameDocument") is True, "a full page load happened"
    expect(page.locator(".sdm-form")).to_be_visible()
    assert api_calls == [stack_url(page, "/api/comments?thread=articles%2Fmedical-massage-in-san-diego")]

    # On to the next article, with comments.js already running: the new section waits
    # for the reader too, then mounts with its own thread.
    other = "articles/check-a-california-massage-certificate"
    page.locator(".md-footer__link--next").click()  # the next article, by Material's footer
    expect(page.locator(".md-content h1")).to_contain_text("certificate")
    page.wait_for_load_state("networkidle")
    assert len(api_calls) == 1
    expect(page.locator(".sdm-comments[data-mounted]")).to_have_count(0)
    wait_for_thread(page)
    assert page.evaluate("window.__sameDocument") is True, "a full page load happened"
    assert ARTICLES[other] in page.url
    expect(page.locator(".sdm-form")).to_be_visible()
    assert api_calls[1:] == [stack_url(page, f"/api/comments?thread={quote(other, safe='')}")]
    expect(page.locator(".sdm-comments")).to_have_count(1)


def test_the_first_view_fetches_no_part_of_the_widget_until_the_reader_nears_it(
    new_visitor: Visitor, stack: Stack
) -> None:
    marker = unique("lazy")
    stack.approved_comment(THREAD, "Indra", f"Shown once the reader scrolls down. {marker}")
    page = new_visitor(viewport={"width": 1280, "height": 900})
    widget: list[str] = []

    def record(request: Request) -> None:
        if re.search(r"/api/|/comments\.(js|css)$", request.url):
            widget.append(request.url)

    page.on("request", record)
    page.goto(ARTICLE)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)

    # The first view: the section is there, unmounted, and nothing of the widget was fetched.
    assert widget == []
    section = page.locator("#comments")
    expect(section).not_to_be_in_viewport()
    expect(page.locator(".sdm-comments[data-mounted]")).to_have_count(0)
    expect(page.locator(".sdm-form")).to_be_hidden()
    # Under the title, a link to the comments from the start; the count comes with the thread.
    jump = page.locator(".md-content h1 + a.sdm-count")
    expect(jump).to_have_text("Comments")
    expect(jump).to_have_attribute("href", re.compile(r"#comments$"))

    # The reader scrolls down: style, script and thread load once each, and the thread shows.
    section.scroll_into_view_if_needed()
    expect(page.locator("article.sdm-comment", has_text=marker)).to_be_visible()
    expect(page.locator(".sdm-form")).to_be_visible()
    paths = sorted(url.removeprefix(stack.base_url) for url in widget)
    assert paths == [
        "/api/comments?thread=articles%2Fmedical-massage-in-san-diego",
        "/assets/javascripts/comments.js",
        "/assets/stylesheets/comments.css",
    ]
    expect(jump).to_have_text(re.compile(r"^\d+ comments?$"))


@pytest.mark.parametrize("target", ["comments", "comment"])
def test_an_address_pointing_at_the_comments_loads_them_at_once(
    new_visitor: Visitor, stack: Stack, target: str
) -> None:
    marker = unique("linked")
    linked = stack.approved_comment(THREAD, "Jules", f"Linked to directly. {marker}")
    page = new_visitor(viewport={"width": 1280, "height": 900})
    fragment = "comments" if target == "comments" else f"comment-{linked}"
    page.goto(f"{ARTICLE}#{fragment}")
    # No scrolling by the test: the address alone brings the thread, and the browser
    # (for #comments) or the widget (for one comment) scrolls to it.
    expect(page.locator(f"#comment-{linked}")).to_contain_text(marker)
    expect(page.locator(f"#{fragment}")).to_be_in_viewport()


def test_an_article_view_makes_one_api_request_until_the_form_is_used(new_visitor: Visitor) -> None:
    page = new_visitor()
    api_calls: list[Request] = []
    page.on("request", lambda request: api_calls.append(request) if "/api/" in request.url else None)
    open_article(page)
    page.wait_for_load_state("networkidle")
    assert [request.url for request in api_calls] == [
        stack_url(page, "/api/comments?thread=articles%2Fmedical-massage-in-san-diego")
    ]

    # The form token is only fetched when the visitor starts writing, for this page.
    with page.expect_request("**/api/form-token?*") as fetched:
        page.locator("#sdm-name").focus()
    this_page = "thread=articles%2Fmedical-massage-in-san-diego"
    assert fetched.value.url == stack_url(page, f"/api/form-token?{this_page}")
    assert len(api_calls) == 2


def stack_url(page: Page, path: str) -> str:
    return page.url.split("/blog/")[0] + path


def test_each_comment_is_posted_with_a_fresh_form_token(new_visitor: Visitor) -> None:
    # A form token is good for a few comments only (COMMENTS_FORM_TOKEN_MAX_POSTS): the
    # widget asks for a new one after each comment, so a visitor can go on posting.
    page = new_visitor()
    used: list[str] = []

    def note(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/api/comments"):
            used.append(request.post_data_json["form_token"])

    page.on("request", note)
    open_article(page)
    marker = unique("fresh-token")
    for n in range(2):
        post_through_form(page, "Robin", f"Comment {n} {marker}")
        expect(page.locator("article.sdm-comment", has_text=f"Comment {n} {marker}")).to_have_count(1)
    assert len(used) == 2
    assert used[0] != used[1]
