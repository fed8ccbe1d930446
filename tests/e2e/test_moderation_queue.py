"""The moderation queue in Chromium: search, select all and bulk actions, confirmed deletes,
with and without JavaScript; the new /admin pages pass axe (WCAG 2.2 AA) in both palettes
at phone and desktop widths, and the Nu HTML checker.

The e2e stack is shared, so each test finds its own comments by searching for a marker
only it wrote (which also exercises the search).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import ROOT, Stack, Visitor, assert_no_axe_violations, sign_in, unique
from tests.site.test_lint import CANARY, VNU, ignored

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("e2e")]

THREAD = "articles/massage-for-back-and-neck-pain-research"
SCREENSHOTS = Path("/tmp/screenshots")


def waiting(stack: Stack, marker: str, count: int) -> list[int]:
    return [
        int(stack.post(THREAD, f"Reader {n}", f"Question {n} ({marker})")["comment"]["id"])
        for n in range(count)
    ]


def states(stack: Stack, ids: list[int]) -> list[str]:
    out = stack.cli("audit", "--format", "json")  # what moderators did, by comment
    done = {entry["comment_id"]: entry["action"] for entry in reversed(json.loads(out))}
    return [done.get(comment_id, "none") for comment_id in ids]


def moderator(new_visitor: Visitor, **options: object) -> Page:
    page = new_visitor(**options)
    sign_in(page)
    return page


def search(page: Page, words: str) -> None:
    page.get_by_label("Text, name or page").fill(words)
    page.get_by_role("button", name="Find").click()


def test_select_all_with_javascript_ticks_every_box_and_bulk_approves_the_ticked(
    new_visitor: Visitor, stack: Stack
) -> None:
    marker = unique("bulk")
    ids = waiting(stack, marker, 3)
    page = moderator(new_visitor)
    search(page, marker)
    expect(page.locator("#sdm-range")).to_have_text("Showing 1–3 of 3 matching.")
    page.get_by_label("All 3 on this page").check()
    expect(page.locator("[data-sdm-pick]:checked")).to_have_count(3)
    page.get_by_label(f"Select comment #{ids[2]} by Reader 2").uncheck()
    expect(page.get_by_label("All 3 on this page")).not_to_be_checked()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_role("status")).to_have_text("2 comments approved.")
    expect(page.locator("#sdm-range")).to_have_text("Showing 1–1 of 1 matching.")  # the search is kept
    assert states(stack, ids) == ["approve", "approve", "none"]


def test_all_on_this_page_ticked_before_the_script_runs_still_ticks_every_box(
    new_visitor: Visitor, stack: Stack
) -> None:
    marker = unique("early")
    waiting(stack, marker, 2)
    page = moderator(new_visitor)
    held: list[Route] = []

    def hold(route: Route) -> None:  # keep the script back until the box is ticked
        held.append(route)

    page.route("**/admin/assets/admin.js", hold)
    search(page, marker)
    expect(page.locator("#sdm-range")).to_have_text("Showing 1–2 of 2 matching.")
    page.get_by_label("All 2 on this page").check()
    expect(page.locator("[data-sdm-pick]:checked")).to_have_count(0)  # no script yet
    assert len(held) == 1, "the queue page asked for its script once"
    held[0].continue_()
    expect(page.locator("[data-sdm-pick]:checked")).to_have_count(2)


def test_without_javascript_all_on_this_page_still_acts_on_the_whole_page(
    new_visitor: Visitor, stack: Stack
) -> None:
    marker = unique("nojs")
    ids = waiting(stack, marker, 2)
    page = moderator(new_visitor, java_script_enabled=False)
    search(page, marker)
    page.get_by_label("All 2 on this page").check()
    expect(page.locator("[data-sdm-pick]:checked")).to_have_count(0)  # no script: the server does it
    page.get_by_role("button", name="Reject selected").click()
    expect(page.get_by_role("status")).to_have_text("2 comments rejected.")
    assert states(stack, ids) == ["reject", "reject"]


@pytest.mark.parametrize("javascript", [True, False])
def test_delete_asks_first_and_a_deleted_comment_can_be_restored(
    new_visitor: Visitor, stack: Stack, javascript: bool
) -> None:
    marker = unique("delete")
    [comment_id] = waiting(stack, marker, 1)
    page = moderator(new_visitor, java_script_enabled=javascript)
    search(page, marker)
    page.get_by_role("link", name=f"Delete comment {comment_id} by Reader 0…").click()
    expect(page.get_by_role("heading", name="Delete this comment?")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("#sdm-range")).to_have_text("Showing 1–1 of 1 matching.")
    assert states(stack, [comment_id]) == ["none"]
    page.get_by_role("link", name=f"Delete comment {comment_id} by Reader 0…").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("status")).to_have_text("Comment deleted.")
    page.get_by_role("link", name=re.compile(r"^Deleted \(")).click()
    search(page, marker)
    page.get_by_role("button", name=f"Restore as approved comment {comment_id} by Reader 0").click()
    expect(page.get_by_role("status")).to_have_text("Comment approved.")
    public = httpx.get(stack.url("/api/comments"), params={"thread": THREAD}).json()
    assert comment_id in [c["id"] for c in public["comments"]]


def admin_pages(stack: Stack, new_visitor: Visitor) -> tuple[Page, dict[str, str]]:
    """A signed-in moderator and the new pages to check, by name."""
    marker = unique("a11y-admin")
    parent = stack.approved_comment(THREAD, "Rosa", f"Does massage help a stiff neck? ({marker})")
    reply = int(stack.post(THREAD, "Ji-ho", f"It helped me. ({marker})", parent)["comment"]["id"])
    page = moderator(new_visitor)
    return page, {
        "the queue, searched": f"/admin?q={marker}",
        "a reply's page": f"/admin/comments/{reply}",
        "the delete confirmation": f"/admin/comments/{reply}/delete",
        "blocks and trust": "/admin/people",
        "the deleted list": "/admin?state=deleted",
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_new_admin_pages_have_no_wcag_violations(
    new_visitor: Visitor, stack: Stack, scheme: str, width: int
) -> None:
    page, pages = admin_pages(
        stack, lambda **o: new_visitor(color_scheme=scheme, viewport={"width": width, "height": 900}, **o)
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    for what, path in pages.items():
        page.goto(path)
        expect(page.locator(".sdm-admin h1")).to_be_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{what} scrolls sideways by {overflow}px at {width}px"
        assert_no_axe_violations(page, f"{what} ({scheme}, {width}px)")
        name = re.sub(r"\W+", "-", what).strip("-")
        page.screenshot(path=str(SCREENSHOTS / f"admin-{name}-{scheme}-{width}.png"), full_page=True)


def test_admin_pages_drop_the_readers_search_tabs_and_navigation(new_visitor: Visitor, stack: Stack) -> None:
    page, pages = admin_pages(stack, new_visitor)
    for path in pages.values():
        page.goto(path)
        for chrome in (".md-search", ".md-tabs", ".md-sidebar--primary", "label[for=__search]", ".md-select"):
            expect(page.locator(chrome)).to_have_count(0)
        expect(page.locator(".md-header")).to_be_visible()  # the site's look stays
        expect(page.locator(".md-footer")).to_be_visible()


def test_new_admin_pages_are_valid_html(new_visitor: Visitor, stack: Stack, tmp_path: Path) -> None:
    assert VNU.exists(), "node_modules/vnu-jar is missing; run `npm ci`"
    assert shutil.which("java"), "java is missing; run `make system-deps`"
    page, pages = admin_pages(stack, new_visitor)
    files = []
    for what, path in pages.items():
        target = tmp_path / (re.sub(r"\W+", "-", what).strip("-") + ".html")
        target.write_text(page.request.get(stack.url(path)).text(), encoding="utf-8")
        files.append(target)
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY, encoding="utf-8")
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, files), str(canary)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    assert any(m.get("url", "").endswith("/canary.html") for m in messages), "the checker reported nothing"
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if not m.get("url", "").endswith("/canary.html") and not ignored(m)
    ]
    assert errors == []
