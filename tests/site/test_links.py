"""Every link and resource of every built page, in both editions, leads somewhere real.

MkDocs checks the links written in Markdown; this checks what templates and hooks write
too (the language selector, the translation notice, the care card, the review line, the
footer, hreflang) and links between the editions, on the built site as a reader gets it:
each address on the site must be a built file, and each #anchor an id on that page.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.site.html_tree import Element, parse_file

# Served by the comments service, not built.
SERVICE_PATHS = ("api/", "admin")
LINKING = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src"}


@pytest.fixture(scope="module")
def trees(built_pages: list[Path], built_site: Path) -> dict[str, Element]:
    return {path.relative_to(built_site).as_posix(): parse_file(path) for path in built_pages}


def target_of(page: str, address: str, site_url: str) -> tuple[str, str] | None:
    """(built file, anchor) an address of `page` leads to; None when it leaves the site."""
    parts = urlsplit(address)
    if parts.scheme in {"mailto", "data", "javascript", "tel"}:
        return None
    if parts.scheme or parts.netloc:
        if not address.startswith(site_url):
            return None  # another website
        parts = urlsplit("/" + address.removeprefix(site_url))  # from the site's root
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    if path.startswith("/"):
        target = path.lstrip("/")
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    target = "" if target == "." else target
    if path.endswith("/") or not posixpath.splitext(target)[1]:
        target = posixpath.join(target, "index.html")
    return target, parts.fragment


def ids(tree: Element) -> set[str]:
    return {element.attrs["id"] for element in tree.iter() if "id" in element.attrs}


def test_every_address_on_the_site_leads_to_a_built_file_and_anchor(
    trees: dict[str, Element], built_site: Path
) -> None:
    (site_url,) = [
        e.attrs["href"] for e in trees["index.html"].iter("link") if e.attrs.get("rel") == "canonical"
    ]
    anchors = {page: ids(tree) for page, tree in trees.items()}
    broken: set[str] = set()
    checked = 0
    for page, tree in trees.items():
        for element in tree.iter(*LINKING):
            address = element.attrs.get(LINKING[element.tag], "")
            found = target_of(page, address, site_url) if address else None
            if found is None or found[0].startswith(SERVICE_PATHS):
                continue
            target, anchor = found
            checked += 1
            if not (built_site / target).is_file():
                broken.add(f"{page}: {address} ({target} is not built)")
            elif anchor and target in anchors and anchor not in anchors[target]:
                broken.add(f"{page}: {address} (no #{anchor} on {target})")
    assert checked > 50 * len(trees)
    assert not broken, "\n".join(sorted(broken)[:40])


def test_the_link_check_finds_a_missing_page_and_a_missing_anchor() -> None:
    site = "http://127.0.0.1:8000/"
    assert target_of("es/faq/index.html", "../site/translation/#avisenos", site) == (
        "es/site/translation/index.html",
        "avisenos",
    )
    assert target_of("es/faq/index.html", "../../faq/", site) == ("faq/index.html", "")
    assert target_of("404.html", "/es/", site) == ("es/index.html", "")
    assert target_of("es/site/index.html", site + "contributing/", site) == ("contributing/index.html", "")
    assert target_of("index.html", "https://www.camtc.org/", site) is None
    assert target_of("index.html", "#sources", site) == ("index.html", "sources")
