"""The two editions in a browser: the language selector lands on the same page in the other
language, Spanish search finds Spanish pages with the Spanish stemmer, and a page asks
for no sitemap but its own edition's (Material would fetch one next to each hreflang link).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.conftest import Stack, Visitor

# One xdist worker runs every e2e test, so the site is built and served once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("e2e")]

# (page, its counterpart, the language to switch to): an evidence page, an article and a
# policy page, each way.
SWITCHES = [
    ("/evidence/low-back-pain/", "/es/evidence/low-back-pain/", "Español"),
    (
        "/es/blog/check-a-california-massage-certificate/",
        "/blog/check-a-california-massage-certificate/",
        "English",
    ),
    ("/es/site/translation/", "/site/translation/", "English"),
]


def switch_language(page: Page, name: str) -> None:
    """Open the header's language selector and choose a language, as a reader does."""
    page.locator(".md-header__option .md-select").hover()
    page.get_by_role("link", name=name, exact=True).click()


@pytest.mark.parametrize(("start", "counterpart", "language"), SWITCHES)
def test_switching_language_lands_on_the_same_page_in_the_other_language(
    new_visitor: Visitor, start: str, counterpart: str, language: str
) -> None:
    page = new_visitor(viewport={"width": 1280, "height": 900})
    page.goto(start)
    page.wait_for_load_state("networkidle")
    title = page.title()
    switch_language(page, language)
    expect(page).not_to_have_title(title)
    assert urlsplit(page.url).path == counterpart
    lang = "es" if counterpart.startswith("/es/") else "en"
    expect(page.locator("html")).to_have_attribute("lang", lang)
    # And back again.
    switch_language(page, "English" if lang == "es" else "Español")
    expect(page).to_have_title(title)
    assert urlsplit(page.url).path == start


def search(page: Page, query: str) -> list[str]:
    """The paths of the results for `query`, best first, once search has answered."""
    page.keyboard.press("/")
    page.keyboard.type(query)
    results = page.locator(".md-search-result__item > .md-search-result__link")
    expect(results.first).to_be_visible()
    return [urlsplit(href).path for href in results.evaluate_all("links => links.map(a => a.href)")]


def test_spanish_search_finds_low_back_pain_first_for_dolor_de_espalda(new_visitor: Visitor) -> None:
    page = new_visitor(viewport={"width": 1280, "height": 900})
    page.goto("/es/")
    page.wait_for_load_state("networkidle")
    found = search(page, "dolor de espalda")
    assert found[0] == "/es/evidence/low-back-pain/", found
    assert all(path.startswith("/es/") for path in found), found


def test_spanish_search_for_camtc_finds_the_certificate_article(new_visitor: Visitor) -> None:
    page = new_visitor(viewport={"width": 1280, "height": 900})
    page.goto("/es/")
    page.wait_for_load_state("networkidle")
    found = search(page, "CAMTC")
    assert "/es/blog/check-a-california-massage-certificate/" in found[:5], found
    assert all(path.startswith("/es/") for path in found), found


@pytest.mark.parametrize("start", ["/evidence/low-back-pain/", "/es/evidence/low-back-pain/"])
def test_a_page_asks_only_for_its_own_editions_sitemap(
    new_visitor: Visitor, stack: Stack, start: str
) -> None:
    page = new_visitor(viewport={"width": 1280, "height": 900})
    asked: list[str] = []
    failed: list[str] = []

    def on_request(request: Request) -> None:
        if urlsplit(request.url).path.endswith("sitemap.xml"):
            asked.append(urlsplit(request.url).path)

    page.on("request", on_request)
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.goto(start)
    page.wait_for_load_state("networkidle")
    assert page.locator("link[rel=alternate][hreflang]").count() == 3
    own = "/es/sitemap.xml" if start.startswith("/es/") else "/sitemap.xml"
    assert asked
    assert set(asked) == {own}
    assert failed == []
