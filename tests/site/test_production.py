"""The build to publish (`make site`, PRODUCTION_BUILD=true: overrides/hooks/production.py)
and the contact address from its one setting (overrides/hooks/contact.py).

A production build must never fall back silently to this machine's address or to a
placeholder: each one left is refused with one line saying what to set. Refusals are
tried on the tiny copy of the site (test_build.py); the good build is the real site.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.site.conftest import build_site, html_pages, mkdocs_build
from tests.site.html_tree import parse_file
from tests.site.test_build import TINY_DOCS, make_tiny_site

PUBLIC = "https://massage.real.example/"
GOOD = {
    "PRODUCTION_BUILD": "true",
    "SITE_URL": PUBLIC,
    "CONTACT_EMAIL": "someone@real.example",
    "SITE_URL_SOCIAL_IMAGE": PUBLIC + "assets/images/social-card.png",
}
SETTINGS = (*GOOD, "COMMENTS_API")


def environment(**changes: str | None) -> dict[str, str]:
    """This process's environment without the site's settings, then GOOD with `changes`
    (None leaves a setting unset, so mkdocs.yml's local default applies)."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    for key, value in {**GOOD, **changes}.items():
        if value is not None:
            env[key] = value
    return env


# (case, settings changed from GOOD, the one line expected)
REFUSED = [
    ("site-url-unset", {"SITE_URL": None}, "site_url is http://127.0.0.1:8000/;"),
    ("localhost", {"SITE_URL": "http://localhost:8000/"}, "site_url is http://localhost:8000/;"),
    ("example-domain", {"SITE_URL": "https://www.example.org/"}, "site_url is https://www.example.org/;"),
    ("loopback-v6", {"SITE_URL": "http://[::1]:8000/"}, "site_url is http://[::1]:8000/;"),
    ("plain-http", {"SITE_URL": "http://massage.real.example/"}, "start SITE_URL with https://"),
    ("contact-unset", {"CONTACT_EMAIL": None}, "contact_email is editor@example.org; set CONTACT_EMAIL"),
    ("contact-example", {"CONTACT_EMAIL": "me@example.com"}, "contact_email is me@example.com;"),
    (
        "social-image-unset",
        {"SITE_URL_SOCIAL_IMAGE": None},
        "the feed's social image is http://127.0.0.1:8000/assets/images/social-card.png, not on site_url; "
        f"set SITE_URL_SOCIAL_IMAGE to {PUBLIC}assets/images/social-card.png",
    ),
]


def problem_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "production build:" in line]


@pytest.mark.parametrize(("changes", "expected"), [pytest.param(*case[1:], id=case[0]) for case in REFUSED])
def test_production_build_refuses_a_local_or_placeholder_setting_with_one_line(
    tmp_path: Path, changes: dict[str, str | None], expected: str
) -> None:
    site = make_tiny_site(tmp_path, TINY_DOCS)
    result = mkdocs_build(site, tmp_path / "out", environment(**changes))
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stdout, result.stdout
    lines = problem_lines(result.stdout)
    assert len(lines) == 1, result.stdout
    assert expected in lines[0], result.stdout
    assert not (tmp_path / "out").exists()  # refused before anything is written


def test_a_local_build_keeps_its_local_defaults(tmp_path: Path) -> None:
    site = make_tiny_site(tmp_path, TINY_DOCS)
    result = mkdocs_build(site, tmp_path / "out", environment(PRODUCTION_BUILD=None, SITE_URL=None))
    assert result.returncode == 0, result.stdout
    assert "http://127.0.0.1:8000/" in (tmp_path / "out/index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def production_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, both editions, as `make site` builds it."""
    out = tmp_path_factory.mktemp("production") / "site"
    result = build_site(out, environment())
    assert result.returncode == 0, result.stdout
    return out


def addresses(site: Path) -> dict[str, str]:
    """Every address the build wrote for others to follow, by file: each page's canonical
    link, feed links, social tags and JSON-LD; the sitemap, robots.txt and the feeds."""
    found: dict[str, str] = {}
    for page in html_pages(site):
        tree, parts = parse_file(page), []
        parts += [link.attrs.get("href", "") for link in tree.iter("link")]
        parts += [meta.attrs.get("content", "") for meta in tree.iter("meta")]
        parts += [s.raw_text() for s in tree.iter("script") if s.attrs.get("type") == "application/ld+json"]
        found[page.relative_to(site).as_posix()] = "\n".join(parts)
    for name in (
        "sitemap.xml",
        "sitemap-hreflang.xml",
        "robots.txt",
        "feed_rss_created.xml",
        "feed_rss_updated.xml",
    ):
        found[name] = (site / name).read_text(encoding="utf-8")
    for name in ("sitemap.xml", "sitemap-hreflang.xml", "feed_rss_created.xml", "feed_rss_updated.xml"):
        found[f"es/{name}"] = (site / "es" / name).read_text(encoding="utf-8")
    return found


def test_the_real_site_builds_for_production_with_nothing_local_left(production_site: Path) -> None:
    written = addresses(production_site)
    assert len(written) > 30
    leftovers = {
        f"{name}: {found}"
        for name, text in written.items()
        for found in re.findall(r"127\.0\.0\.1|localhost|example\.org", text)
    }
    assert not leftovers, sorted(leftovers)
    assert f'<link rel="canonical" href="{PUBLIC}">' in (production_site / "index.html").read_text()
    assert f"Sitemap: {PUBLIC}sitemap-hreflang.xml" in written["robots.txt"]
    assert f"Sitemap: {PUBLIC}es/sitemap-hreflang.xml" in written["robots.txt"]
    assert f'<link rel="canonical" href="{PUBLIC}es/">' in (production_site / "es/index.html").read_text()
    assert f"<url>{PUBLIC}assets/images/social-card.png</url>" in written["feed_rss_created.xml"]
    assert f"<url>{PUBLIC}assets/images/social-card.png</url>" in written["es/feed_rss_created.xml"]


def test_the_contact_address_comes_from_its_one_setting(production_site: Path) -> None:
    texts = {
        path.relative_to(production_site).as_posix(): path.read_text(encoding="utf-8")
        for path in [
            *html_pages(production_site),
            production_site / "search/search_index.json",
            production_site / "es/search/search_index.json",
        ]
    }
    assert not [name for name, text in texts.items() if "editor@example.org" in text]
    linked = [
        name for name, text in texts.items() if 'href="mailto:someone@real.example">someone@real' in text
    ]
    assert {"site/disclaimer/index.html", "site/privacy/index.html", "es/site/translation/index.html"} <= set(
        linked
    )
    # The placeholder is filled in everywhere but in the handbook's code, which shows it.
    left = [name for name, text in texts.items() if text.count("{{contact_email}}")]
    assert left == ["contributing/components/index.html"]  # the handbook is not in the search index
    assert texts[left[0]].count("{{contact_email}}") == texts[left[0]].count("<code>{{contact_email}}</code>")
