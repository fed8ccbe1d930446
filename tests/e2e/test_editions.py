"""The two editions in a browser: the language selector lands on the same page in the other
language, Spanish search finds Spanish pages with the Spanish stemmer, a page asks
for no sitemap but its own edition's (Material would fetch one next to each hreflang link),
and a comment on a Spanish page is posted, refused and answered in Spanish.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.conftest import Stack, Visitor, unique, wait_for_thread

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


@pytest.mark.parametrize("start", ["/evidence/low-back-pain/", "/es/evidence/low-back-pain/", "/", "/es/"])
def test_a_page_asks_once_for_its_own_editions_sitemap_and_navigates_instantly(
    new_visitor: Visitor, stack: Stack, start: str
) -> None:
    """Material asks for a sitemap next to each alternate link (the hreflang links, the
    feeds'; a home page's hreflang link is the site itself) and for its own: one request
    goes out, the repeats get its answer, and instant navigation works from it."""
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
    assert asked == [own]
    assert failed == []
    page.evaluate("window.__sameDocument = true")
    tab = page.locator(".md-tabs__link").nth(2)
    target = tab.evaluate("link => link.pathname")
    tab.click()
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))
    expect(page.locator(".md-content h1")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True, "a full page load happened"


SPANISH_ARTICLE = "/es/blog/medical-massage-in-san-diego/"


def test_a_comment_on_a_spanish_page_is_posted_and_answered_in_spanish(new_visitor: Visitor) -> None:
    page = new_visitor(viewport={"width": 1280, "height": 900})
    page.goto(SPANISH_ARTICLE)
    wait_for_thread(page)
    form = page.locator(".sdm-form")
    submit = form.get_by_role("button", name="Publicar comentario")
    # The service's field check, in Spanish.
    comment = form.get_by_role("textbox", name="Comentario")
    comment.fill("Una pregunta sin nombre.")
    submit.click()
    expect(page.locator("#sdm-err-name")).to_have_text("Escriba su nombre.")
    # The service's refusal, in Spanish.
    links = " ".join(f"[enlace {n}](https://example.org/{n})" for n in range(4))
    form.get_by_label("Nombre").fill("Ana")
    comment.fill(f"Demasiados enlaces: {links} {unique('es-links')}")
    submit.click()
    expect(page.locator("#sdm-err-text")).to_have_text("Use como máximo 3 enlaces en un comentario.")
    # A comment that goes through: the status, the badge and the time, in Spanish.
    text = f"¿Sirve el masaje para el dolor de espalda? {unique('es-post')}"
    comment.fill(text)
    submit.click()
    expect(page.locator(".sdm-status")).to_have_text("¡Gracias! Su comentario está esperando moderación.")
    mine = page.locator("article.sdm-comment", has_text=text)
    expect(mine.locator(".sdm-badge")).to_have_text("Esperando moderación")
    expect(mine.locator("time")).to_have_text(re.compile(r"^(ahora|hace \d+ segundos?)$"))
    expect(mine.get_by_role("button", name="Borrar")).to_be_visible()
    # The English article's thread does not show it: Spanish pages have their own.
    page.goto("/blog/medical-massage-in-san-diego/")
    wait_for_thread(page)
    expect(page.locator("article.sdm-comment", has_text=text)).to_have_count(0)
