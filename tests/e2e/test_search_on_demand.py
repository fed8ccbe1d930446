"""Search costs a first view nothing: Material requests its index and starts its search
worker on every page load; the page holds back both (overrides/assets/javascripts/
lazy-search.js) until the reader opens search, which then works in either edition."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Request, expect

from tests.e2e.conftest import Visitor

# One xdist worker runs every e2e test, so the site is built and served once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("e2e")]


def is_search(request: Request) -> bool:
    path = urlsplit(request.url).path
    return path.endswith("/search/search_index.json") or "/javascripts/workers/" in path


@pytest.mark.parametrize(
    ("start", "query", "found"),
    [("/safety/", "certificate", "/blog/check-a-california-massage-certificate/"),
     ("/es/safety/", "certificado", "/es/blog/check-a-california-massage-certificate/")],
)  # fmt: skip
def test_neither_the_index_nor_the_worker_loads_until_search_opens(
    new_visitor: Visitor, start: str, query: str, found: str
) -> None:
    page = new_visitor(viewport={"width": 1280, "height": 900})
    asked: list[str] = []
    page.context.on("request", lambda request: asked.append(request.url) if is_search(request) else None)
    page.goto(start)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # Material starts its worker once its bundle has run
    assert asked == []

    page.keyboard.press("/")
    page.keyboard.type(query)
    results = page.locator(".md-search-result__item > .md-search-result__link")
    expect(results.first).to_be_visible()
    paths = [urlsplit(href).path for href in results.evaluate_all("links => links.map(a => a.href)")]
    assert found in paths[:5], paths
    assert any(url.endswith("search_index.json") for url in asked)
    assert any("/workers/search-worker.js" in url for url in asked)
