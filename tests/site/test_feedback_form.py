""" "Was this page helpful?" in the built site: which pages ask, what the form posts, what it costs.

overrides/hooks/feedback_pages.py lists the pages for the service (feedback-pages.json);
overrides/partials/feedback.html draws the form on exactly those pages. The form must
name its page as the service knows it, state the service's own text limit, and load
nothing on a first view (feedback.js comes on the first submit only).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mkdocs.utils.yaml import yaml_load

from comments_service.infra.settings import Settings
from tests.site.html_tree import Element, parse_file
from tests.site.pages import ROOT


@pytest.fixture(scope="module")
def listed(built_site: Path) -> dict[str, dict[str, str]]:
    pages: dict[str, dict[str, str]] = json.loads((built_site / "feedback-pages.json").read_text())["pages"]
    return pages


@pytest.fixture(scope="module")
def trees(built_pages: list[Path], built_site: Path) -> dict[str, Element]:
    """Every built page by its path on the site ("/faq/"), parsed once."""
    return {
        "/" + p.parent.relative_to(built_site).as_posix().removeprefix(".") + "/": parse_file(p)
        for p in built_pages
    }


def sections(tree: Element) -> list[Element]:
    return [e for e in tree.iter("section") if "sdm-feedback" in e.classes()]


def test_mkdocs_yml_states_the_services_default_text_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COMMENTS_FEEDBACK_MAX_LENGTH", raising=False)
    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert (
        config["extra"]["feedback"]["text_max_length"] == Settings.model_fields["feedback_max_length"].default
    )


def test_reader_pages_ask_and_the_home_page_handbook_and_article_lists_do_not(
    listed: dict[str, dict[str, str]],
) -> None:
    for path in ("/faq/", "/evidence/neck-pain/", "/site/privacy/", "/blog/medical-massage-in-san-diego/"):
        assert listed[path]["url"] == path
    assert listed["/faq/"]["title"]
    for path in listed:
        assert path != "/"
        assert not path.startswith("/contributing/"), path
        assert not path.startswith(("/blog/archive/", "/blog/category/")), path
    assert "/blog/" not in listed


def test_exactly_the_listed_pages_carry_the_form_naming_their_own_page(
    trees: dict[str, Element], listed: dict[str, dict[str, str]]
) -> None:
    asking = {path for path, tree in trees.items() if sections(tree)}
    assert asking == set(listed)
    for path in listed:
        (section,) = sections(trees[path])
        forms = list(section.iter("form"))
        assert len(forms) == 3, path  # Yes/No, then a text form after each answer
        for form in forms:
            assert form.attrs["method"] == "post"
            assert form.attrs["action"] == "/api/feedback"
            pages = [i.attrs["value"] for i in form.iter("input") if i.attrs.get("name") == "page"]
            assert pages == [path]
            assert [i for i in form.iter("input") if i.attrs.get("name") == "website"], "no honeypot"


def test_the_text_forms_warn_about_health_details_and_state_the_limit(trees: dict[str, Element]) -> None:
    (section,) = sections(trees["/faq/"])
    text = " ".join(section.text().split())
    assert text.count("Please don't include personal health details or contact information") == 2
    assert text.count("At most 1,000 characters.") == 2
    for answer in ("yes", "no"):
        (area,) = [t for t in section.iter("textarea") if t.attrs["id"] == f"sdm-feedback-text-{answer}"]
        assert "maxlength" not in area.attrs  # the service says what is too long; nothing is cut silently
        assert area.attrs["aria-describedby"] == f"sdm-feedback-help-{answer}"


def test_feedback_comes_before_the_comments_and_loads_nothing_by_itself(
    trees: dict[str, Element], built_site: Path
) -> None:
    page = (built_site / "blog/medical-massage-in-san-diego/index.html").read_text(encoding="utf-8")
    assert page.index('class="sdm-feedback"') < page.index('class="sdm-comments"')
    for path, tree in trees.items():
        sources = [s.attrs.get("src", "") for s in tree.iter("script")]
        assert not [s for s in sources if "feedback" in s], path
    (stub,) = [s.raw_text() for s in trees["/faq/"].iter("script") if "__sdmFeedback" in s.raw_text()]
    (asset,) = re.findall(r'"([^"]*feedback\.js)"', stub)
    assert (built_site / "faq").joinpath(asset).resolve().is_file()
