"""The site's two editions (overrides/hooks/editions.py, es/mkdocs.yml): configured alike,
built into one site, each page in its language, leading to its counterpart in the other.

English is built at the site's root from docs/, Spanish into es/ from es/docs/. The
Spanish configuration INHERITs the English one and must keep its hooks and theme; the
built pages are checked for their language, the language selector, hreflang links, the
sitemap, the translation notice, search, the glossary and the comment threads.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from fastapi.testclient import TestClient

from comments_service.infra.settings import Settings
from comments_service.web.app_factory import create_app
from tests.service.helpers import post
from tests.site.conftest import MKDOCS
from tests.site.html_tree import Element, parse_file
from tests.site.pages import (
    EDITIONS,
    ES_DOCS,
    HANDBOOK,
    ROOT,
    edition_of,
    load_config,
    nav_files,
    output_path,
    page_meta,
    reader_pages,
    source_pages,
    strings,
)
from tests.site.test_build import GOOD_FRONT, TINY_DOCS, TINY_NAV, TINY_TODAY, make_tiny_site
from tests.site.test_build import page as tiny_page

SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def trees(built_pages: list[Path], built_site: Path) -> dict[str, Element]:
    return {path.relative_to(built_site).as_posix(): parse_file(path) for path in built_pages}


@pytest.fixture(scope="module")
def site_url(trees: dict[str, Element]) -> str:
    (link,) = [e.attrs["href"] for e in trees["index.html"].iter("link") if e.attrs.get("rel") == "canonical"]
    return link


def counterpart(built: str) -> str | None:
    """The built path of the same page in the other edition, when that edition has it."""
    folder = edition_of(built)
    other = next(name for name in EDITIONS if name != folder)
    for source in source_pages(EDITIONS[folder]["docs"]):
        built_here = folder + output_path(source, EDITIONS[folder]["docs"])
        if built_here == built and (EDITIONS[other]["docs"] / source).is_file():
            return other + output_path(source, EDITIONS[other]["docs"])
    return None


def resolve(page: str, href: str) -> str:
    """The built file a link of `page` leads to ("es/faq/index.html"); the site is at "/"."""
    path = urlsplit(href).path
    if path.startswith("/"):
        target = path.strip("/")
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    target = "" if target == "." else target
    return target if target.endswith(".html") else posixpath.join(target, "index.html")


# -- Configuration -------------------------------------------------------------------------


def test_the_spanish_configuration_runs_the_same_hooks_from_its_folder() -> None:
    english, spanish = load_config(), load_config(ROOT / "es" / "mkdocs.yml")
    assert spanish["INHERIT"] == "../mkdocs.yml"
    assert spanish["hooks"] == [f"../{hook}" for hook in english["hooks"]]
    assert spanish["theme"]["custom_dir"] == f"../{english['theme']['custom_dir']}"
    assert spanish["theme"]["language"] == "es"
    assert spanish["plugins"]["search"]["lang"] == "es"


def test_the_spanish_palette_is_the_english_one_with_spanish_labels() -> None:
    english, spanish = (
        load_config()["theme"]["palette"],
        load_config(ROOT / "es" / "mkdocs.yml")["theme"]["palette"],
    )

    def without_labels(palette: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**entry, "toggle": {"icon": entry["toggle"]["icon"]}} for entry in palette]

    assert without_labels(spanish) == without_labels(english)
    assert not {e["toggle"]["name"] for e in english} & {e["toggle"]["name"] for e in spanish}


def nav_shape(nav: list[Any]) -> list[Any]:
    """The nav with its labels left out: what links where, and how it is grouped."""
    shape: list[Any] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        shape.append(nav_shape(value) if isinstance(value, list) else value)
    return shape


def nav_labels(nav: list[Any]) -> list[str]:
    labels: list[str] = []
    for item in nav:
        if isinstance(item, dict):
            label, value = next(iter(item.items()))
            labels += [label, *(nav_labels(value) if isinstance(value, list) else [])]
    return labels


def test_the_spanish_nav_is_the_english_one_with_spanish_labels() -> None:
    english, spanish = load_config()["nav"], load_config(ROOT / "es" / "mkdocs.yml")["nav"]
    assert nav_shape(spanish) == nav_shape(english)
    assert not set(nav_labels(spanish)) & set(nav_labels(english))
    assert not [page for page in nav_files(spanish) if page.startswith(HANDBOOK)]


def test_every_language_table_has_the_words_of_the_english_one(hooks: Any) -> None:
    tables = yaml.safe_load((ROOT / "data" / "strings.yml").read_text(encoding="utf-8"))
    register = yaml.safe_load((ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))

    def shape(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items()}
        return len(value) if isinstance(value, list) else type(value).__name__

    reference = tables[hooks._strings.REFERENCE]
    assert set(tables) == {edition["lang"] for edition in EDITIONS.values()}
    for language, table in tables.items():
        if language == hooks._strings.REFERENCE:
            continue
        translated = {key: table[key] for key in table if key not in hooks._strings.TRANSLATED_ONLY}
        assert shape(translated) == shape(reference), language
        assert set(table["register_groups"]) == set(register["groups"]), language
        assert all(table["translation"].values()), language


# -- Each page in its language, leading to its counterpart -----------------------------------


def test_every_page_says_its_language(trees: dict[str, Element]) -> None:
    wrong = {
        page: html.attrs.get("lang")
        for page, tree in trees.items()
        for html in tree.iter("html")
        if html.attrs.get("lang") != EDITIONS[edition_of(page)]["lang"]
    }
    assert len({edition_of(page) for page in trees}) == len(EDITIONS)
    assert not wrong


def selector_links(tree: Element) -> dict[str, Element]:
    """The language selector's links, by language."""
    return {
        link.attrs["hreflang"]: link
        for link in tree.iter("a")
        if "md-select__link" in link.classes() and "hreflang" in link.attrs
    }


def test_the_language_selector_leads_to_the_same_page_in_the_other_language(
    trees: dict[str, Element], built_site: Path
) -> None:
    checked, wrong = 0, []
    for page, tree in trees.items():
        links = selector_links(tree)
        assert set(links) == {edition["lang"] for edition in EDITIONS.values()}, page
        for lang, link in links.items():
            target = resolve(page, link.attrs["href"])
            assert link.attrs.get("lang") == lang, page  # each name is read in its own language
            if lang == EDITIONS[edition_of(page)]["lang"]:
                expected = page if not page.endswith("404.html") else edition_of(page) + "index.html"
            else:
                expected = counterpart(page) or ""
            if expected and target != expected:
                wrong.append(f"{page}: {lang} leads to {target}, not {expected}")
            elif not (built_site / target).is_file():
                wrong.append(f"{page}: {lang} leads to {target}, which is not built")
            checked += bool(expected)
    assert checked > 2 * len(reader_pages(ES_DOCS)) - 1
    assert not wrong, wrong[:20]


def hreflang_links(tree: Element) -> dict[str, str]:
    return {
        link.attrs["hreflang"]: link.attrs["href"]
        for link in tree.iter("link")
        if link.attrs.get("rel") == "alternate" and "hreflang" in link.attrs
    }


def test_a_page_in_both_editions_links_both_and_an_english_default(
    trees: dict[str, Element], site_url: str
) -> None:
    paired = 0
    for page, tree in trees.items():
        other = counterpart(page)
        if other is None:
            assert hreflang_links(tree) == {}, page  # the handbook, the blog's archive: no equivalent
            continue
        english, spanish = (page, other) if edition_of(page) == "" else (other, page)
        expected = {
            "en": site_url + english.removesuffix("index.html"),
            "es": site_url + spanish.removesuffix("index.html"),
            "x-default": site_url + english.removesuffix("index.html"),
        }
        assert hreflang_links(tree) == expected, page
        paired += 1
    assert paired >= 2 * len(reader_pages(ES_DOCS))


def test_each_search_engines_sitemap_names_the_counterpart_of_every_paired_page(
    built_site: Path, site_url: str
) -> None:
    for folder in EDITIONS:
        root = ET.parse(built_site / folder / "sitemap-hreflang.xml").getroot()  # noqa: S314 (our own output)
        for entry in root.findall("s:url", SITEMAP):
            loc = entry.findtext("s:loc", namespaces=SITEMAP) or ""
            built = loc.removeprefix(site_url) + "index.html"
            alternates = {link.get("hreflang"): link.get("href") for link in entry.findall("x:link", SITEMAP)}
            other = counterpart(built)
            assert bool(alternates) == (other is not None), loc
            if other:
                assert loc in alternates.values()
                assert site_url + other.removesuffix("index.html") in alternates.values(), loc


@pytest.mark.parametrize("folder", EDITIONS)
def test_the_sitemap_material_reads_lists_the_same_pages_without_their_counterparts(
    built_site: Path, folder: str
) -> None:
    """sitemap.xml, which Material fetches on every first view, is the search engines'
    sitemap less its hreflang links: the same pages, each with the same lastmod."""

    def entries(name: str) -> tuple[list[tuple[str | None, str | None]], int]:
        root = ET.parse(built_site / folder / name).getroot()  # noqa: S314 (our own output)
        found = [
            (entry.findtext("s:loc", namespaces=SITEMAP), entry.findtext("s:lastmod", namespaces=SITEMAP))
            for entry in root.findall("s:url", SITEMAP)
        ]
        return found, len(root.findall("s:url/x:link", SITEMAP))

    light, light_links = entries("sitemap.xml")
    full, full_links = entries("sitemap-hreflang.xml")
    assert light == full
    assert light_links == 0
    assert full_links >= 3 * len(reader_pages(ES_DOCS))
    assert (built_site / folder / "sitemap.xml").stat().st_size < (
        built_site / folder / "sitemap-hreflang.xml"
    ).stat().st_size / 3


# -- What a Spanish page carries ---------------------------------------------------------------


def test_every_spanish_page_says_it_is_a_translation_and_no_english_page_does(
    trees: dict[str, Element], built_site: Path
) -> None:
    words = strings("es/")["translation"]
    for page, tree in trees.items():
        notices = [aside for aside in tree.iter("aside") if "sdm-translation" in aside.classes()]
        if edition_of(page) == "" or page.endswith("404.html"):
            assert notices == [], page
            continue
        assert len(notices) == 1, page
        (notice,) = notices
        assert words["notice"].split(":")[0] in notice.text(), page
        reference, report = [link.attrs["href"] for link in notice.iter("a")]
        assert resolve(page, reference) == (counterpart(page) or resolve(page, reference)), page
        assert edition_of(resolve(page, reference)) == "", page
        assert (built_site / resolve(page, reference)).is_file(), page
        target, _, anchor = report.partition("#")
        assert resolve(page, target) == "es/site/translation/index.html", page
        assert anchor in {h.attrs.get("id") for h in trees["es/site/translation/index.html"].iter("h2")}


def test_spanish_pages_mark_the_english_titles_of_their_sources(trees: dict[str, Element]) -> None:
    for page, tree in trees.items():
        titles = [
            cite for item in tree.iter("ol") if "sdm-sources" in item.classes() for cite in item.iter("cite")
        ]
        expected = None if edition_of(page) == "" else "en"
        assert {cite.attrs.get("lang") for cite in titles} <= {expected}, page


def test_the_spanish_glossary_gives_the_tooltips_of_spanish_pages(trees: dict[str, Element]) -> None:
    terms = {dt.text(): dt for dt in trees["es/glossary/index.html"].iter("dt")}
    english_terms = {dt.text() for dt in trees["glossary/index.html"].iter("dt")}
    assert "TVP" in terms
    assert "TVP" not in english_terms
    tooltips = {
        abbr.text() for page, tree in trees.items() if edition_of(page) == "es/" for abbr in tree.iter("abbr")
    }
    assert "CAMTC" in tooltips
    assert tooltips <= set(terms)
    headings = [
        h.text()
        for h in trees["es/glossary/index.html"].iter("h2")
        if h.attrs.get("id", "").startswith("letter-")
    ]
    assert headings == sorted(headings, key=lambda letter: "ABCDEFGHIJKLMNÑOPQRSTUVWXYZ#".index(letter))


def test_the_spanish_404_page_is_in_spanish(trees: dict[str, Element]) -> None:
    heading = next(trees["es/404.html"].iter("h1")).text()
    assert heading == strings("es/")["not_found"]["title"]
    assert next(trees["404.html"].iter("h1")).text() == strings("")["not_found"]["title"]


@pytest.mark.parametrize("folder", ["", "es/"])
def test_each_editions_comment_form_and_widget_words_are_in_its_language(
    trees: dict[str, Element], folder: str
) -> None:
    words = strings(folder)["comments"]
    tree = trees[folder + "blog/medical-massage-in-san-diego/index.html"]
    section = next(s for s in tree.iter("section") if "sdm-comments" in s.classes())
    assert json.loads(section.attrs["data-words"]) == words["widget"]
    assert next(section.iter("h2")).text() == words["heading"]
    labels = [" ".join(label.text().split()) for label in section.iter("label")]
    assert labels[:4] == [
        f"{words['name']} {words['required']}",
        f"{words['email']} {words['optional']}",
        words["notify"],
        f"{words['comment']} {words['required']}",
    ]
    assert next(b for b in section.iter("button") if b.attrs.get("type") == "submit").text() == words["post"]


def test_the_spanish_edition_shares_the_english_images(built_site: Path) -> None:
    for name in ("favicon.svg", "social-card.png"):
        assert (built_site / "es/assets/images" / name).read_bytes() == (
            built_site / "assets/images" / name
        ).read_bytes()


# -- Search and comments, per edition -----------------------------------------------------------


@pytest.mark.parametrize("folder", EDITIONS)
def test_each_search_index_holds_only_its_editions_pages_in_its_language(
    built_site: Path, trees: dict[str, Element], folder: str
) -> None:
    index = json.loads((built_site / folder / "search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == [EDITIONS[folder]["lang"]]
    pages = {unquote(doc["location"].split("#")[0]) for doc in index["docs"]}
    assert len(pages) > 10
    for location in pages:
        built = folder + location + ("index.html" if not location.endswith(".html") else "")
        assert built in trees, location
    # Each page's entry is that edition's page: its title is the page's heading.
    for doc in index["docs"]:
        if "#" not in doc["location"] and not doc["location"].startswith("blog/"):
            built = folder + doc["location"] + "index.html"
            (heading,) = [h.text().removesuffix("¶").strip() for h in trees[built].iter("h1")][:1]
            assert doc["title"] == heading, built


@pytest.mark.parametrize("folder", EDITIONS)
def test_search_finds_a_source_on_the_sources_page_not_on_every_page_that_cites_it(
    built_site: Path, folder: str
) -> None:
    # Sources lists and citation numbers stay out of the index (data-search-exclude); the
    # pages' own words, the glossary's terms and the register (one entry per source) stay in.
    docs = json.loads((built_site / folder / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    assert not [doc["location"] for doc in docs if doc["location"].endswith("#sources")]
    assert not [doc["location"] for doc in docs if "<sup>[" in doc["title"] + doc["text"]]
    pages = EDITIONS[folder]["docs"]
    citing = Counter(key for page in reader_pages(pages) for key in page_meta(page, pages).get("sources", []))
    key, count = citing.most_common(1)[0]
    register = yaml.safe_load((ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))["sources"]
    title = html.escape(str(register[key]["title"]).strip().rstrip("."), quote=False)
    found = {doc["location"].split("#")[0] for doc in docs if title in doc["title"] + doc["text"]}
    assert "site/sources/" in found
    assert len(found) < count / 2, (key, count, sorted(found))
    glossary = " ".join(doc["text"] for doc in docs if doc["location"].startswith("glossary/"))
    includes = ROOT / folder / "includes" / "abbreviations.md"
    terms = re.findall(r"^\*\[([^\]]+)\]:", includes.read_text(encoding="utf-8"), re.MULTILINE)
    assert terms
    assert not [term for term in terms if html.escape(term, quote=False) not in glossary]


def test_the_comments_service_takes_comments_on_both_editions_from_the_one_pages_file(
    built_site: Path, tmp_path: Path
) -> None:
    threads = json.loads((built_site / "comments-pages.json").read_text(encoding="utf-8"))["threads"]
    spanish = next(thread for thread, entry in threads.items() if entry["url"].startswith("/es/"))
    english = spanish.removeprefix("es/")
    assert threads[english]["url"] == threads[spanish]["url"].removeprefix("/es")
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'c.sqlite3'}",
        secret_key="editions-test",
        site_dir=built_site,
        pages_file=built_site / "comments-pages.json",
        min_submit_seconds=0,
    )
    with TestClient(create_app(settings)) as client:
        for thread, text in (
            (spanish, "Un comentario en la página en español."),
            (english, "One in English."),
        ):
            assert post(client, text=text, thread=thread).status_code == 202, thread
        assert client.get("/api/comments", params={"thread": "es/no-such-page"}).status_code == 404
        assert client.get(threads[spanish]["url"]).status_code == 200


# -- A tiny site with both editions: what the Spanish build refuses ---------------------------------


def make_tiny_editions(root: Path, spanish: dict[str, str]) -> Path:
    """The tiny English site of test_build.py, with a Spanish edition of the given pages."""
    root.mkdir()
    make_tiny_site(root, TINY_DOCS)
    config = (ROOT / "es" / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "es").mkdir()
    (root / "es" / "mkdocs.yml").write_text(config[: config.index("\nnav:\n")] + TINY_NAV, encoding="utf-8")
    shutil.copytree(ROOT / "es" / "includes", root / "es" / "includes")
    for relative, text in {**TINY_DOCS, **spanish}.items():
        target = root / "es" / "docs" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def build_edition(root: Path, config: str, out: Path, env: dict[str, str] | None = None) -> str:
    """One edition's strict build; its output (empty when it passes)."""
    done = subprocess.run(
        [str(MKDOCS), "build", "--strict", "-f", config, "-d", str(out)],
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "REVIEW_TODAY": TINY_TODAY.isoformat(), **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if done.returncode == 0 else done.stdout + done.stderr


def test_a_spanish_page_may_not_take_an_english_pages_comment_thread(tmp_path: Path) -> None:
    post_page = tiny_page(
        GOOD_FRONT + "date: 2026-11-01\nslug: first\ncomments: true\ncomments_id: articles/first\n"
    )
    root = make_tiny_editions(tmp_path / "site", {"blog/posts/first.md": post_page.replace("A page", "Una")})
    (root / "docs" / "blog" / "posts" / "first.md").write_text(post_page, encoding="utf-8")
    out = tmp_path / "out"
    assert build_edition(root, "mkdocs.yml", out) == ""
    found = build_edition(root, "es/mkdocs.yml", out / "es")
    assert "thread 'articles/first' of /es/blog/first/ is already /blog/first/'s" in found, found
    # With its own thread (es/...), both editions' threads are in the one file.
    (root / "es/docs/blog/posts/first.md").write_text(
        post_page.replace("articles/first", "es/articles/first")
    )
    assert build_edition(root, "es/mkdocs.yml", out / "es") == ""
    threads = json.loads((out / "comments-pages.json").read_text(encoding="utf-8"))["threads"]
    assert {thread: entry["url"] for thread, entry in threads.items()} == {
        "articles/first": "/blog/first/",
        "es/articles/first": "/es/blog/first/",
    }


def test_a_production_build_of_the_spanish_edition_outside_its_folder_is_refused(tmp_path: Path) -> None:
    root = make_tiny_editions(tmp_path / "site", {})
    public = {
        "PRODUCTION_BUILD": "true",
        "SITE_URL": "https://massage.real.example/",
        "CONTACT_EMAIL": "someone@real.example",
        "SITE_URL_SOCIAL_IMAGE": "https://massage.real.example/assets/images/social-card.png",
    }
    assert build_edition(root, "mkdocs.yml", tmp_path / "out", public) == ""
    found = build_edition(root, "es/mkdocs.yml", tmp_path / "elsewhere", public)
    assert "the Español edition builds into the site's es/ folder" in found, found
    assert build_edition(root, "es/mkdocs.yml", tmp_path / "out" / "es", public) == ""
