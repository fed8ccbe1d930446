"""Structured data (JSON-LD) for search engines, built from what the page already says.

Every page gets a BreadcrumbList; the home page a WebSite; health pages a
MedicalWebPage with its review date; the FAQ a FAQPage whose questions are read
back from the rendered page, so the markup always matches what readers see.
Names and the language are the edition's (data/strings.yml). The template prints the
result with Jinja's `tojson`, which escapes `<`.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import _strings
from _schedule import parse_date
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page


@event_priority(-2)  # after search_text.py (-1) gives the page back its citation links
def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    site = config.site_url or "/"
    words = _strings.words(config)
    graph: list[dict[str, Any]] = [breadcrumbs(page, site, words["home"])]
    if page.is_homepage:
        graph.append(
            {
                "@type": "WebSite",
                "name": config.site_name,
                "url": site,
                "description": config.site_description,
                "inLanguage": words["language_tag"],
            }
        )
    if page.meta.get("health"):
        graph.append(medical_web_page(page, site, config.site_name, words))
    if page.meta.get("faq"):
        graph.append(faq_page(page.content or ""))
    context["structured_data"] = {"@context": "https://schema.org", "@graph": graph}
    return context


def breadcrumbs(page: Page, site: str, home: str = "Home") -> dict[str, Any]:
    """Home, then each enclosing section that has its own page, then this page."""
    trail: list[tuple[str, str]] = [(home, site)]
    for ancestor in reversed(list(page.ancestors)):
        children = getattr(ancestor, "children", None)  # ancestors are sections
        index = children[0] if children else None
        if isinstance(index, Page) and index.is_index and index is not page:
            trail.append((str(ancestor.title), site + index.url))
    if not page.is_homepage:
        trail.append((str(page.title), site + page.url))
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def medical_web_page(page: Page, site: str, site_name: str, words: dict[str, Any]) -> dict[str, Any]:
    about: list[dict[str, str]] = [{"@type": "MedicalTherapy", "name": words["therapy"]}]
    if page.meta.get("condition"):
        about.append({"@type": "MedicalCondition", "name": page.meta["condition"]})
    reviewed = parse_date(page.meta.get("last_reviewed"))
    # schema.org's WebPage has lastReviewed but no property for the next review
    # (checked against schema.org/WebPage and MedicalWebPage), so next_review is shown
    # on the page only rather than put under an invented name here.
    data: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "name": str(page.title),
        "description": page.meta.get("description", ""),
        "url": site + page.url,
        "inLanguage": words["language_tag"],
        "lastReviewed": reviewed.isoformat() if reviewed else None,
        "about": about,
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "author": {"@type": "Organization", "name": words["editorial_team"].format(site=site_name)},
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": site},
    }
    if page.meta.get("reviewed_by"):
        data["reviewedBy"] = {"@type": "Person", "name": page.meta["reviewed_by"]}
    return data


def faq_page(content: str) -> dict[str, Any]:
    """One Question per collapsible block (`??? question`) of the rendered page."""
    reader = _DetailsReader()
    reader.feed(content)
    return {
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": question,
                "acceptedAnswer": {"@type": "Answer", "text": answer},
            }
            for question, answer in reader.entries
        ],
    }


class _DetailsReader(HTMLParser):
    """Collects the visible text of each `??? question` block: its <summary>, then the rest.

    Other collapsible blocks (a `??? note`, say) are not questions and are skipped.
    """

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[tuple[str, str]] = []
        self._depth = 0
        self._is_question = False
        self._in_summary = False
        self._question: list[str] = []
        self._answer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS and self._depth:
            self._answer.append(" ")  # "<p>a</p><p>b</p>" reads as "a b", not "ab"
        if tag == "details":
            self._depth += 1
            if self._depth == 1:
                self._question, self._answer = [], []
                self._is_question = "question" in (dict(attrs).get("class") or "").split()
        elif tag == "summary" and self._depth == 1:
            self._in_summary = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "summary":
            self._in_summary = False
        elif tag == "details" and self._depth:
            self._depth -= 1
            if self._depth == 0 and self._is_question:
                self.entries.append((_clean(self._question), _clean(self._answer)))

    def handle_data(self, data: str) -> None:
        if self._depth:
            (self._question if self._in_summary else self._answer).append(data)


_BLOCKS = {"p", "br", "li", "ul", "ol", "div", "table", "tr", "td", "th", "blockquote", "h2", "h3", "h4"}


def _clean(parts: list[str]) -> str:
    return " ".join("".join(parts).split())
