"""The built site's output: privacy (nothing loaded from other hosts, by its pages or by the
comments service's own), discovery files (sitemap, robots.txt, RSS, comments-pages.json),
head metadata and JSON-LD, the parts every health page must show (sources, review date,
disclaimer link), and what keeps the first view light (search index and comments widget
held back, the logo inline, Material's palette stylesheet replaced by the part of it
that applies).
"""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import rjsmin  # type: ignore[import-untyped]
from fastapi.testclient import TestClient
from httpx import Response

from comments_service.infra.settings import Settings
from comments_service.web.app_factory import create_app
from tests.site.html_tree import Element, parse, parse_file
from tests.site.pages import (
    EDITIONS,
    HANDBOOK,
    ROOT,
    edition_of,
    health_pages,
    load_config,
    nav_files,
    output_path,
    page_meta,
    source_pages,
    strings,
)

# <link rel> values that name another document rather than load something.
NAVIGATIONAL_RELS = {"canonical", "alternate", "prev", "next", "author", "license", "help"}
# Attributes that make the browser fetch a resource, per element.
LOADING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "object": ("data",),
    "embed": ("src",),
    "input": ("src",),
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?['"]?([^'");\s]+)""")


@pytest.fixture(scope="module")
def trees(built_pages: list[Path], built_site: Path) -> dict[str, Element]:
    """Every built page parsed once, keyed by its path in the site ("faq/index.html")."""
    return {path.relative_to(built_site).as_posix(): parse_file(path) for path in built_pages}


@pytest.fixture(scope="module")
def site_url(trees: dict[str, Element]) -> str:
    """The site_url the build used, read back from the home page's canonical link."""
    return canonical(trees["index.html"])


def is_404(page: str) -> bool:
    """Each edition has its "not found" page (404.html, es/404.html): no canonical link."""
    return page.removeprefix(edition_of(page)) == "404.html"


def edition_pages(trees: dict[str, Element], folder: str) -> dict[str, Element]:
    """The built pages of one edition, by their path within it ("faq/index.html")."""
    return {page.removeprefix(folder): tree for page, tree in trees.items() if edition_of(page) == folder}


def canonical(tree: Element) -> str:
    links = [link.attrs["href"] for link in tree.iter("link") if link.attrs.get("rel") == "canonical"]
    assert len(links) == 1, links
    return links[0]


def meta_content(tree: Element, key: str) -> str:
    for meta in tree.iter("meta"):
        if key in (meta.attrs.get("name"), meta.attrs.get("property")):
            return meta.attrs.get("content", "")
    return ""


def page_url(site: str, built: str) -> str:
    return site + built.removesuffix("index.html")


def json_ld(tree: Element) -> dict[str, dict]:
    """The page's JSON-LD graph keyed by @type (each type appears once)."""
    scripts = [s for s in tree.iter("script") if s.attrs.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    graph = json.loads(scripts[0].raw_text())["@graph"]
    return {node["@type"]: node for node in graph}


def read_xml(path: Path) -> ET.Element:
    return ET.parse(path).getroot()  # noqa: S314 (the site's own build output)


def is_foreign(url: str, site_host: str) -> bool:
    url = url.strip()
    if url.startswith(("data:", "blob:", "#")):
        return False
    return urlsplit(url).netloc not in ("", site_host)


def loaded_urls(tree: Element) -> list[str]:
    """Every URL the page makes the browser fetch by itself (not <a href>)."""
    urls: list[str] = []
    for element in tree.iter():
        rels = set(element.attrs.get("rel", "").lower().split())
        if element.tag == "link" and not rels <= NAVIGATIONAL_RELS:
            urls.append(element.attrs.get("href", ""))
        for attribute in LOADING_ATTRS.get(element.tag, ()):
            value = element.attrs.get(attribute, "")
            # srcset: "a.png 1x, b.png 2x"
            urls += [part.split()[0] for part in value.split(",") if part.strip()]
        if element.tag == "style":
            urls += css_urls(element.raw_text())
        urls += CSS_URL.findall(element.attrs.get("style", ""))
    return urls


def css_urls(css: str) -> list[str]:
    return CSS_URL.findall(css) + CSS_IMPORT.findall(css)


# -- Nothing is loaded from another host ----------------------------------------------


def test_pages_load_nothing_from_other_hosts(trees: dict[str, Element], site_url: str) -> None:
    host = urlsplit(site_url).netloc
    foreign = {
        f"{page}: {url}" for page, tree in trees.items() for url in loaded_urls(tree) if is_foreign(url, host)
    }
    assert not foreign, sorted(foreign)


def test_stylesheets_load_nothing_from_other_hosts(built_site: Path, site_url: str) -> None:
    host = urlsplit(site_url).netloc
    sheets = sorted(built_site.rglob("*.css"))
    assert any(sheet.name == "site.css" for sheet in sheets)
    foreign = {
        f"{sheet.relative_to(built_site)}: {url}"
        for sheet in sheets
        for url in css_urls(sheet.read_text(encoding="utf-8"))
        if is_foreign(url, host)
    }
    assert not foreign, sorted(foreign)


SERVICE_HOST = "testserver"  # TestClient's


def test_service_pages_load_nothing_from_other_hosts(served_responses: dict[str, Response]) -> None:
    assert served_responses["queue"].status_code == 200
    assert "A comment waiting for a moderator." in served_responses["queue"].text
    pages = {
        name: response
        for name, response in served_responses.items()
        if response.headers["content-type"].startswith("text/html")
    }
    assert len(pages) >= 12
    foreign = {
        f"{name}: {url}"
        for name, response in pages.items()
        for url in loaded_urls(parse(response.text))
        if is_foreign(url, SERVICE_HOST)
    }
    assert not foreign, sorted(foreign)


def test_the_service_has_no_documentation_pages_but_keeps_its_schema(tmp_path: Path) -> None:
    """FastAPI's /docs and /redoc pages load Swagger UI and ReDoc from cdn.jsdelivr.net."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'c.sqlite3'}", secret_key="x", site_dir=None)
    with TestClient(create_app(settings)) as client:
        for path in ("/api/docs", "/api/redoc", "/docs", "/redoc", "/api/docs/oauth2-redirect"):
            assert client.get(path).status_code == 404, path
        assert client.get("/api/openapi.json").json()["info"]["title"] == "Comments"


def test_the_foreign_load_check_catches_a_font_stylesheet(site_url: str) -> None:
    tree = parse(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<a href="https://example.org/">a link is fine</a><div style="background:url(//cdn.example/x.png)">'
    )
    host = urlsplit(site_url).netloc
    assert [url for url in loaded_urls(tree) if is_foreign(url, host)] == [
        "https://fonts.googleapis.com/css?family=Roboto",
        "//cdn.example/x.png",
    ]


# -- sitemap.xml, robots.txt ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["sitemap.xml", "sitemap-hreflang.xml"])
@pytest.mark.parametrize("folder", EDITIONS)
def test_each_editions_sitemaps_list_every_page_of_that_edition_except_404(
    built_site: Path, trees: dict[str, Element], site_url: str, folder: str, name: str
) -> None:
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = read_xml(built_site / folder / name)
    listed = [loc.text for loc in root.findall("s:url/s:loc", namespace)]
    # Material's blog archive and category pages are in the sitemap too; only 404 is not.
    expected = {page_url(site_url, page) for page in trees if edition_of(page) == folder and not is_404(page)}
    assert len(listed) == len(set(listed))
    assert set(listed) == expected


def test_robots_txt_points_at_the_search_engines_sitemap_of_each_edition(
    built_site: Path, site_url: str
) -> None:
    """The sitemaps with hreflang links (sitemap.xml, Material's, lists the pages only)."""
    lines = (built_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        f"Sitemap: {site_url}{folder}sitemap-hreflang.xml" for folder in EDITIONS
    ]
    assert "Disallow: /api/" in lines
    assert not (built_site / "es" / "robots.txt").exists()  # robots.txt means something at the root only


# -- Head metadata and JSON-LD ------------------------------------------------------------


def test_every_page_has_description_and_social_tags(trees: dict[str, Element], site_url: str) -> None:
    missing = [
        f"{page}: {key}"
        for page, tree in trees.items()
        for key in ("description", "og:title", "og:description", "og:image", "twitter:card")
        if not meta_content(tree, key).strip()
    ]
    assert not missing
    wrong_canonical = [
        page
        for page, tree in trees.items()
        if not is_404(page) and canonical(tree) != page_url(site_url, page)
    ]
    assert not wrong_canonical


@pytest.mark.parametrize("folder", EDITIONS)
def test_meta_description_is_the_front_matter_description(trees: dict[str, Element], folder: str) -> None:
    docs = EDITIONS[folder]["docs"]
    assert source_pages(docs)
    for source in source_pages(docs):
        built = folder + output_path(source, docs)
        assert meta_content(trees[built], "description") == page_meta(source, docs)["description"]


@pytest.mark.parametrize("folder", EDITIONS)
def test_open_graph_locale_is_the_editions(trees: dict[str, Element], folder: str) -> None:
    locales = {meta_content(tree, "og:locale") for tree in edition_pages(trees, folder).values()}
    assert locales == {strings(folder)["locale"]}


def test_social_image_exists_in_the_built_site(
    trees: dict[str, Element], built_site: Path, site_url: str
) -> None:
    image = meta_content(trees["index.html"], "og:image")
    assert image.startswith(site_url)
    assert (built_site / image.removeprefix(site_url)).is_file()


def test_every_page_has_json_ld_breadcrumbs_ending_at_itself(
    trees: dict[str, Element], site_url: str
) -> None:
    for page, tree in trees.items():
        if is_404(page):
            continue
        trail = json_ld(tree)["BreadcrumbList"]["itemListElement"]
        assert trail[0]["item"] == site_url + edition_of(page), page
        assert trail[0]["name"] == strings(edition_of(page))["home"], page
        assert trail[-1]["item"] == canonical(tree), page
        assert [item["position"] for item in trail] == list(range(1, len(trail) + 1)), page


def page_title(tree: Element) -> str:
    titles = [title.text() for title in tree.iter("title")]
    assert len(titles) == 1, titles
    return titles[0]


@pytest.mark.parametrize("folder", EDITIONS)
def test_page_titles_name_the_page_then_the_site_and_the_home_page_the_site_alone(
    trees: dict[str, Element], folder: str
) -> None:
    site_name = load_config(EDITIONS[folder]["config"])["site_name"]
    pages = edition_pages(trees, folder)
    assert page_title(pages["index.html"]) == site_name
    repeated = []
    for page, tree in pages.items():
        own, _, site = page_title(tree).rpartition(" - ")
        if page != "index.html" and (site != site_name or not own or own.casefold() == site.casefold()):
            repeated.append(f"{page}: {page_title(tree)}")
    assert not repeated


@pytest.mark.parametrize("folder", EDITIONS)
def test_home_page_describes_the_website_in_its_language(
    trees: dict[str, Element], site_url: str, folder: str
) -> None:
    website = json_ld(trees[folder + "index.html"])["WebSite"]
    assert website["url"] == site_url + folder
    assert website["inLanguage"] == strings(folder)["language_tag"]


@pytest.mark.parametrize("folder", EDITIONS)
def test_medical_web_page_markup_only_and_always_on_health_pages(
    trees: dict[str, Element], folder: str
) -> None:
    docs = EDITIONS[folder]["docs"]
    health = {output_path(source, docs): source for source in health_pages(docs)}
    assert {"index.html"} <= set(health)
    for page, tree in edition_pages(trees, folder).items():
        if page == "404.html":
            continue
        graph = json_ld(tree)
        if page not in health:
            assert "MedicalWebPage" not in graph, page
            continue
        medical = graph["MedicalWebPage"]
        assert medical["lastReviewed"] == page_meta(health[page], docs)["last_reviewed"].isoformat(), page
        assert medical["inLanguage"] == strings(folder)["language_tag"], page
        assert medical["about"], page
        assert medical["audience"]["audienceType"], page
        assert medical["url"] == canonical(tree), page


def test_faq_markup_asks_exactly_the_visible_questions(trees: dict[str, Element]) -> None:
    tree = trees["faq/index.html"]
    article = next(e for e in tree.iter("article") if "md-content__inner" in e.classes())
    visible = [
        summary.text()
        for details in top_level(article, "details")
        if "question" in details.classes()  # `??? question` blocks; other collapsibles are not FAQ
        for summary in details.children
        if isinstance(summary, Element) and summary.tag == "summary"
    ]
    marked_up = [question["name"] for question in json_ld(tree)["FAQPage"]["mainEntity"]]
    assert len(visible) >= 5
    assert marked_up == visible


def test_faq_markup_answers_carry_the_citation_numbers_readers_see(trees: dict[str, Element]) -> None:
    """Search reads the FAQ without its citation links (search_text.py); the markup, made
    after, reads the whole page: each answer has the numbers of the sources it cites."""
    tree = trees["faq/index.html"]
    article = next(e for e in tree.iter("article") if "md-content__inner" in e.classes())
    visible = [
        re.findall(r"\[\d+\]", details.text())
        for details in top_level(article, "details")
        if "question" in details.classes()
    ]
    answers = [question["acceptedAnswer"]["text"] for question in json_ld(tree)["FAQPage"]["mainEntity"]]
    assert sum(map(len, visible)) >= 5
    assert [re.findall(r"\[\d+\]", answer) for answer in answers] == visible


def top_level(root: Element, tag: str) -> list[Element]:
    """Elements with this tag that are not inside another one of the same tag."""
    found: list[Element] = []
    for child in root.children:
        if isinstance(child, Element):
            found += [child] if child.tag == tag else top_level(child, tag)
    return found


# -- What every health page shows ----------------------------------------------------------


def every_health_page() -> list[tuple[str, str]]:
    """(edition folder, page) for every health page of both editions."""
    return [(folder, page) for folder in EDITIONS for page in health_pages(EDITIONS[folder]["docs"])]


@pytest.mark.parametrize(("folder", "source"), every_health_page())
def test_health_page_shows_sources_review_dates_and_disclaimer(
    trees: dict[str, Element], hooks: SimpleNamespace, folder: str, source: str
) -> None:
    docs, words = EDITIONS[folder]["docs"], strings(folder)
    tree = trees[folder + output_path(source, docs)]
    # Heading text ends with Material's "¶" permalink.
    headings = [h.text().removesuffix("¶").strip() for h in tree.iter("h2") if h.attrs.get("id") == "sources"]
    assert headings == [words["sources"]["heading"]]
    review = next(e for e in tree.iter("aside") if "sdm-review" in e.classes())
    assert words["review"]["last_reviewed"] in review.text()
    assert words["review"]["next_review"] in review.text()
    meta = page_meta(source, docs)
    schedule = hooks._schedule
    next_review = schedule.due_date(meta["last_reviewed"], schedule.parse_date(meta.get("next_review")))
    times = [t.attrs.get("datetime") for t in review.iter("time")]
    assert times == [meta["last_reviewed"].isoformat(), next_review.isoformat()]
    assert any(a.attrs.get("href", "").endswith("site/disclaimer/") for a in review.iter("a"))


# -- Search waits until it is opened ------------------------------------------------------------


def test_search_index_is_held_back_on_every_page(trees: dict[str, Element], built_site: Path) -> None:
    # As built: minified (overrides/hooks/minify.py).
    lazy = rjsmin.jsmin((ROOT / "overrides/assets/javascripts/lazy-search.js").read_text(encoding="utf-8"))
    for page, tree in trees.items():
        scripts = list(tree.iter("script"))
        holder = next(i for i, s in enumerate(scripts) if lazy in s.raw_text())
        bundle = next(i for i, s in enumerate(scripts) if "/bundle." in s.attrs.get("src", ""))
        assert holder < bundle, f"{page}: the index must be held back before Material's bundle runs"
        config = json.loads(next(s for s in scripts if s.attrs.get("id") == "__config").raw_text())
        worker = re.fullmatch(
            r"(?:/(?:es/)?|(?:\.\./)*)assets/javascripts/workers/search-worker\.js\?src=(search\.[\w.]+\.js)",
            config["search"],
        )
        assert worker, f"{page}: {config['search']}"
        assert (built_site / "assets/javascripts/workers" / worker.group(1)).is_file()


# -- RSS and the comments list -------------------------------------------------------------


def articles(docs: Path) -> list[str]:
    return [
        s for s in source_pages(docs) if s.startswith("blog/posts/") and not page_meta(s, docs).get("draft")
    ]


@pytest.mark.parametrize("folder", EDITIONS)
def test_each_editions_rss_feed_lists_every_article_of_that_edition(
    built_site: Path, site_url: str, folder: str
) -> None:
    docs = EDITIONS[folder]["docs"]
    channel = read_xml(built_site / folder / "feed_rss_created.xml").find("channel")
    assert channel is not None
    links = [item.findtext("link") for item in channel.findall("item")]
    assert articles(docs)
    assert sorted(links) == sorted(
        page_url(site_url + folder, output_path(post, docs)) for post in articles(docs)
    )


def test_comments_pages_file_lists_exactly_the_pages_with_comments(
    built_site: Path, trees: dict[str, Element]
) -> None:
    threads = json.loads((built_site / "comments-pages.json").read_text(encoding="utf-8"))["threads"]
    assert not (built_site / "es" / "comments-pages.json").exists()  # one file for the whole site
    expected = {}
    for folder, edition in EDITIONS.items():
        for source in source_pages(edition["docs"]):
            meta = page_meta(source, edition["docs"])
            if meta.get("comments") is True:
                url = "/" + folder + output_path(source, edition["docs"]).removesuffix("index.html")
                expected[meta.get("comments_id") or url] = url
    assert len(expected) >= 4
    assert any(thread.startswith("es/") for thread in expected)  # Spanish pages have their own threads
    assert {thread: entry["url"] for thread, entry in threads.items()} == expected
    # And the widget is on those pages, with the same thread id, and nowhere else.
    on_pages = {
        "/" + page.removesuffix("index.html"): section.attrs["data-thread"]
        for page, tree in trees.items()
        for section in tree.iter("section")
        if "sdm-comments" in section.classes()
    }
    assert on_pages == {url: thread for thread, url in expected.items()}


# -- What the first view leaves out ---------------------------------------------------------


def comment_sections(trees: dict[str, Element]) -> dict[str, Element]:
    """The element that holds each page's comments section, by page."""
    return {
        page: parent
        for page, tree in trees.items()
        for parent in tree.iter()
        if any(isinstance(c, Element) and "sdm-comments" in c.classes() for c in parent.children)
    }


def test_comments_widget_waits_for_the_reader(trees: dict[str, Element], built_site: Path) -> None:
    """No page loads comments.js or comments.css by itself: the inline script right after the
    section adds them when the reader comes near (partials/comments.html)."""
    holders = comment_sections(trees)
    assert len(holders) >= 3
    for page, tree in trees.items():
        loaded = [*loaded_urls(tree), *(link.attrs.get("href", "") for link in tree.iter("link"))]
        assert not [url for url in loaded if re.search(r"comments\.(js|css)$", url)], page
    for page, holder in holders.items():
        elements = [c for c in holder.children if isinstance(c, Element)]
        at = next(i for i, c in enumerate(elements) if "sdm-comments" in c.classes())
        loader = elements[at + 1]
        assert loader.tag == "script", page
        assert "src" not in loader.attrs, page
        code = loader.raw_text()
        assert "IntersectionObserver" in code, page
        assert 'rootMargin:"800px"' in code, page  # minified (overrides/hooks/minify.py)
        for asset in re.findall(r'"([^"]*comments\.(?:js|css))"', code):
            assert (built_site / page).parent.joinpath(asset).resolve().is_file(), f"{page}: {asset}"


def test_logo_is_drawn_inline(trees: dict[str, Element], built_site: Path) -> None:
    logo = (ROOT / "overrides/assets/images/logo.svg").read_text(encoding="utf-8").strip()
    assert (built_site / "assets/images/logo.svg").is_file()  # still theme.logo, for anyone linking it
    for page, tree in trees.items():
        logos = [a for a in tree.iter("a") if "md-logo" in a.classes()]
        assert len(logos) == 2, page  # the header and the navigation drawer
        for link in logos:
            assert [c.tag for c in link.children if isinstance(c, Element)] == ["svg"], page
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert home.count(logo) == 2


def material_palette_rules() -> list[str]:
    """The rules of Material's palette.css that can apply with custom primary and accent
    colours (those naming a colour are left out), each with its @media wrapper if any."""
    import material

    sheets = Path(material.__file__).parent / "templates/assets/stylesheets"
    (sheet,) = sheets.glob("palette.*.min.css")
    css = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)

    def split(text: str) -> list[str]:
        rules, depth, start = [], 0, 0
        for index, char in enumerate(text):
            depth += {"{": 1, "}": -1}.get(char, 0)
            if char == "}" and depth == 0:
                rules.append(text[start : index + 1])
                start = index + 1
        return rules

    def named(rule: str) -> bool:
        return "data-md-color-primary=" in rule or "data-md-color-accent=" in rule

    kept = []
    for rule in split(css):
        if rule.startswith("@"):
            head, body = rule.split("{", 1)
            inner = [r for r in split(body[:-1]) if not named(r)]
            if inner:
                kept.append(head + "{" + "".join(inner) + "}")
        elif not named(rule):
            kept.append(rule)
    return kept


def test_material_palette_stylesheet_is_replaced_by_the_rules_that_apply(
    trees: dict[str, Element], built_site: Path
) -> None:
    """main.html drops Material's palette.css; site.css carries, verbatim, every rule of it
    that is not about a named colour. That holds only while every palette uses custom
    colours; after a Material upgrade, copy the rules this test prints into site.css."""
    palettes = load_config()["theme"]["palette"]
    assert all(p.get("primary") == "custom" and p.get("accent") == "custom" for p in palettes)
    for page, tree in trees.items():
        links = tree.iter("link")
        sheets = [link.attrs.get("href", "") for link in links if link.attrs.get("rel") == "stylesheet"]
        assert not [href for href in sheets if "/palette." in href], page
        assert any(href.endswith("/site.css") or href == "site.css" for href in sheets), page
    # The source: the build minifies it (tests/site/test_minify.py).
    site_css = (ROOT / "overrides/assets/stylesheets/site.css").read_text(encoding="utf-8")
    rules = material_palette_rules()
    assert any("[data-md-color-scheme=slate]{" in rule for rule in rules)
    missing = [rule for rule in rules if rule not in site_css]
    assert not missing, "\n".join(missing)


# -- The reader's nav and search leave the editor handbook out --------------------------------


def test_handbook_is_published_outside_the_nav(trees: dict[str, Element]) -> None:
    assert "contributing/index.html" in trees
    assert not [page for page in nav_files(load_config()["nav"]) if page.startswith(HANDBOOK)]
    in_nav = {
        f"{page}: {link.attrs.get('href')}"
        for page, tree in trees.items()
        for nav in tree.iter("nav")
        if {"md-nav", "md-tabs"} & nav.classes()
        for link in nav.iter("a")
        if HANDBOOK in link.attrs.get("href", "")
    }
    assert not in_nav, sorted(in_nav)


def test_handbook_is_not_in_the_search_index(built_site: Path) -> None:
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    assert any(location.startswith("safety/finding-a-therapist/") for location in locations)
    assert not [location for location in locations if location.startswith(HANDBOOK)]
    # "Components cheat sheet" was a result for CAMTC; now only reader pages are.
    camtc = {doc["location"].split("#")[0] for doc in index["docs"] if "CAMTC" in doc["title"] + doc["text"]}
    assert camtc
    assert not [location for location in camtc if location.startswith(HANDBOOK)]


def test_about_this_site_leads_the_footer_and_has_its_own_tab(trees: dict[str, Element]) -> None:
    for page, tree in trees.items():
        footer = next(nav for nav in tree.iter("nav") if "sdm-footer-links" in nav.classes())
        first = next(footer.iter("a"))
        assert first.text() == strings(edition_of(page))["footer"]["about"], page
        href = first.attrs["href"]  # relative, or from the root on the 404 page
        target = href.strip("/") if href.startswith("/") else posixpath.join(posixpath.dirname(page), href)
        assert posixpath.normpath(target) == edition_of(page) + "site", page
    tabs = [
        link.text()
        for nav in trees["index.html"].iter("nav")
        if "md-tabs" in nav.classes()
        for link in nav.iter("a")
    ]
    assert tabs == [
        "Home",
        "Is it right for me?",
        "Is it safe?",
        "Who can I see?",
        "What does the research say?",
        "Articles",
        "FAQ",
        "Glossary",
        "About this site",
    ]


# -- Pages that let the reader act -----------------------------------------------------------------


def article(tree: Element) -> Element:
    """The page's content area (Material's content block: the text, or the list of articles)."""
    return next(e for e in tree.iter("div") if e.attrs.get("data-md-component") == "content")


def unlinked_text(
    root: Element, skip: tuple[str, ...] = ("a", "code", "pre", "script", "style")
) -> list[str]:
    """Text that is not inside a link (or code): what a reader cannot click. A source's host
    name after its link (sdm-host, "camtc.org") labels that link, so it is left out too."""
    found: list[str] = []
    for child in root.children:
        if isinstance(child, str):
            found.append(child)
        elif child.tag not in skip and "sdm-host" not in child.classes():
            found += unlinked_text(child, skip)
    return found


def test_care_card_only_and_always_on_health_pages(trees: dict[str, Element]) -> None:
    health = {folder + output_path(page, EDITIONS[folder]["docs"]) for folder, page in every_health_page()}
    assert {"index.html", "faq/index.html", "safety/index.html", "evidence/neck-pain/index.html"} <= health
    assert {"es/index.html", "es/evidence/low-back-pain/index.html"} <= health
    assert "site/index.html" not in health
    for page, tree in trees.items():
        cards = [s for s in article(tree).iter("section") if "sdm-care" in s.classes()]
        assert len(cards) == (1 if page in health else 0), page


@pytest.mark.parametrize(("folder", "source"), every_health_page())
def test_health_page_says_when_to_get_help_before_its_sources(
    trees: dict[str, Element], built_site: Path, folder: str, source: str
) -> None:
    built = folder + output_path(source, EDITIONS[folder]["docs"])
    words = strings(folder)["care"]
    body = article(trees[built])
    card = next(s for s in body.iter("section") if "sdm-care" in s.classes())
    assert [h.text() for h in card.iter("h2")] == [words["title"]]
    parts = [h.text() for h in card.iter("h3")]
    assert parts == [words["emergency_heading"], words["urgent_heading"]]
    assert "911" in parts[0]
    # It comes before the Sources heading, and the table of contents lists it.
    order = [h.attrs.get("id") for h in body.iter("h2")]
    assert order.index("sdm-care-title") == order.index("sources") - 1
    assert any(a.attrs.get("href") == "#sdm-care-title" for a in trees[built].iter("a"))
    # Its link leads to the safety page's warning signs, which exist.
    (link,) = [a.attrs["href"] for a in card.iter("a")]
    target, _, anchor = link.partition("#")
    resolved = (built_site / built).parent.joinpath(target, "index.html").resolve()
    assert resolved == (built_site / folder / "safety/index.html").resolve()
    assert any(h.attrs.get("id") == anchor for h in trees[folder + "safety/index.html"].iter("h2"))


def test_every_camtc_org_mention_is_a_link_to_camtc(trees: dict[str, Element]) -> None:
    plain = {
        f"{page}: ...{text.strip()[:60]}"
        for page, tree in trees.items()
        for text in unlinked_text(article(tree))
        if "camtc.org" in text.lower()
    }
    assert not plain, sorted(plain)
    links = [
        a
        for tree in trees.values()
        for a in article(tree).iter("a")
        if "camtc.org" in a.text().lower() and not a.attrs.get("href", "").startswith("#")
    ]
    assert len(links) >= 8
    assert {urlsplit(a.attrs["href"]).netloc for a in links} == {"www.camtc.org"}


def test_the_camtc_link_check_catches_a_plain_mention() -> None:
    from tests.site.html_tree import parse

    tree = parse(
        '<p>Search <a href="https://www.camtc.org/">camtc.org</a> or type camtc.org <code>camtc.org</code>'
        '<span class="sdm-host">camtc.org</span></p>'
    )
    assert [t for t in unlinked_text(tree) if "camtc.org" in t] == [" or type camtc.org "]


def test_links_to_other_websites_are_marked_and_ours_are_not(
    trees: dict[str, Element], site_url: str
) -> None:
    host = urlsplit(site_url).netloc
    wrong: list[str] = []
    outbound = 0
    for page, tree in trees.items():
        words = strings(edition_of(page))["outbound"]
        for link in article(tree).iter("a"):
            href = link.attrs.get("href", "")
            marked = "sdm-outbound" in link.classes()
            hidden = [s.text() for s in link.iter("span") if "sdm-visually-hidden" in s.classes()]
            if urlsplit(href).scheme in {"http", "https"} and urlsplit(href).netloc != host:
                outbound += 1
                if not marked or hidden != [words] or link.attrs.get("target"):
                    wrong.append(f"{page}: {href} is not marked (or opens a new tab)")
            elif marked or hidden:
                wrong.append(f"{page}: {href} is ours but marked as another website")
    assert outbound > 100
    assert not wrong, wrong[:20]
