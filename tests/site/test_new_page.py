"""scripts/new_page.py: the nav edit keeps mkdocs.yml's text, and a new page keeps the contract."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from mkdocs.utils.meta import get_data

from tests.site.pages import ROOT, load_config, nav_files


@pytest.fixture(scope="module")
def new_page() -> ModuleType:
    spec = importlib.util.spec_from_file_location("new_page", ROOT / "scripts" / "new_page.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["new_page"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


SAMPLE_CONFIG = """\
site_name: Test  # a comment that must survive
site_url: !ENV [SITE_URL, "http://127.0.0.1:8000/"]

nav:
  - Home: index.md
  # The research section
  - Research:
      - evidence/index.md
      - Neck pain: evidence/neck-pain.md   # keep me

  - About this site:
      - Privacy: site/privacy.md
"""


def test_add_to_nav_appends_to_the_section_and_keeps_comments(new_page: ModuleType) -> None:
    updated = new_page.add_to_nav(
        SAMPLE_CONFIG, "Research", "Plantar fasciitis: heel pain", "evidence/heel.md"
    )
    assert updated == SAMPLE_CONFIG.replace(
        "      - Neck pain: evidence/neck-pain.md   # keep me\n",
        "      - Neck pain: evidence/neck-pain.md   # keep me\n"
        '      - "Plantar fasciitis: heel pain": evidence/heel.md\n',
    )


def test_add_to_nav_refuses_an_unknown_section(new_page: ModuleType) -> None:
    with pytest.raises(new_page.NavError, match="no nav section called 'Recipes'"):
        new_page.add_to_nav(SAMPLE_CONFIG, "Recipes", "Soup", "recipes/soup.md")


def test_add_to_nav_keeps_the_closing_pages_of_a_section_last(new_page: ModuleType) -> None:
    config = SAMPLE_CONFIG.replace(
        "      - Neck pain: evidence/neck-pain.md   # keep me\n",
        "      - Neck pain: evidence/neck-pain.md   # keep me\n      - Other conditions: evidence/other.md\n",
    )
    updated = new_page.add_to_nav(
        config, "Research", "Heel pain", "evidence/heel.md", last=("evidence/other.md",)
    )
    assert (
        "evidence/neck-pain.md   # keep me\n      - Heel pain: evidence/heel.md\n      - Other conditions"
        in updated
    )


def test_add_to_nav_puts_the_page_after_the_one_the_editor_names(new_page: ModuleType) -> None:
    updated = new_page.add_to_nav(
        SAMPLE_CONFIG, "Research", "Heel pain", "evidence/heel.md", after="Neck pain"
    )
    assert "# keep me\n      - Heel pain: evidence/heel.md\n\n  - About this site:" in updated
    with pytest.raises(new_page.NavError, match="has no page called 'Knee pain'; choose one of 'Neck pain'"):
        new_page.add_to_nav(SAMPLE_CONFIG, "Research", "Heel pain", "evidence/heel.md", after="Knee pain")


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "docs" / "evidence").mkdir(parents=True)
    return tmp_path


def test_new_page_script_creates_a_page_that_keeps_the_contract(
    new_page: ModuleType, hooks: SimpleNamespace, site_copy: Path
) -> None:
    description = "What research shows about massage for heel pain, how strong it is and what is unknown."
    code = new_page.main(
        [
            "evidence",
            "Plantar fasciitis",
            "--description",
            description,
            "--sources",
            "E1, E4",
            "--root",
            str(site_copy),
        ]
    )
    assert code == 0
    source = (site_copy / "docs" / "evidence" / "plantar-fasciitis.md").read_text(encoding="utf-8")
    body, meta = get_data(source)
    assert meta["sources"] == ["E1", "E4"]
    assert meta["last_reviewed"] == dt.date.today()
    # evidence/ is a health folder: its .meta.yml adds health: true.
    assert hooks.front_matter.check({**meta, "health": True}, body, source) == []
    assert "evidence/plantar-fasciitis.md" in nav_files(load_config(site_copy / "mkdocs.yml")["nav"])


def test_new_page_script_refuses_an_unknown_source_key(
    new_page: ModuleType, site_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    description = "What research shows about massage for heel pain, how strong it is and what is unknown."
    with pytest.raises(SystemExit):
        new_page.main(
            [
                "evidence",
                "Heel pain",
                "--description",
                description,
                "--sources",
                "NOPE1",
                "--root",
                str(site_copy),
            ]
        )
    assert "unknown source key 'NOPE1'" in capsys.readouterr().err
    assert not (site_copy / "docs" / "evidence" / "heel-pain.md").exists()


def test_new_page_script_starts_an_article_outside_the_nav(
    new_page: ModuleType, hooks: SimpleNamespace, site_copy: Path
) -> None:
    description = "What to ask before a first massage appointment in San Diego, and why it matters."
    config_before = (site_copy / "mkdocs.yml").read_text(encoding="utf-8")
    code = new_page.main(
        [
            "articles",
            "First appointment",
            "--description",
            description,
            "--sources",
            "E1,E4",
            "--root",
            str(site_copy),
        ]
    )
    assert code == 0
    source = (site_copy / "docs" / "blog" / "posts" / "first-appointment.md").read_text(encoding="utf-8")
    body, meta = get_data(source)
    assert meta["comments_id"] == "articles/first-appointment"
    assert meta["date"] == {"created": dt.date.today()}
    assert "<!-- more -->" in body
    assert hooks.front_matter.check({**meta, "health": True}, body, source) == []
    # The blog lists posts by date; the nav stays as it was.
    assert (site_copy / "mkdocs.yml").read_text(encoding="utf-8") == config_before


def test_new_page_script_starts_a_handbook_page_outside_the_nav(
    new_page: ModuleType, site_copy: Path
) -> None:
    description = "How editors check a page's links before they hand it over for review."
    config_before = (site_copy / "mkdocs.yml").read_text(encoding="utf-8")
    code = new_page.main(
        ["contributing", "Checking links", "--description", description, "--root", str(site_copy)]
    )
    assert code == 0
    assert (site_copy / "docs" / "contributing" / "checking-links.md").is_file()
    # The handbook is published outside the reader's nav (not_in_nav), so mkdocs.yml is unchanged.
    assert (site_copy / "mkdocs.yml").read_text(encoding="utf-8") == config_before


def nav_sections() -> dict[str, list[str]]:
    """Each section of the real nav: its title and the paths of its pages, in order."""
    return {
        next(iter(item)): nav_files(next(iter(item.values())))
        for item in load_config()["nav"]
        if isinstance(item, dict) and isinstance(next(iter(item.values())), list)
    }


def test_every_nav_section_of_the_script_is_in_the_real_nav(new_page: ModuleType) -> None:
    sections = nav_sections()
    for section in new_page.SECTIONS:
        if section.nav is not None:
            assert section.nav in sections
            # The pages that close a section are its last ones, in that order.
            pages = sections[section.nav]
            assert pages[len(pages) - len(section.last) :] == list(section.last)


@pytest.mark.parametrize(
    ("typed", "folder"),
    [
        ("evidence", "evidence"),
        ("Research", "evidence"),
        ("research", "evidence"),
        ("What does the research say?", "evidence"),
        ("what does the research say", "evidence"),
        ("Is it right for me?", "about"),
        ("about", "about"),
        ("Is it safe?", "safety"),
        ("About this site", "site"),
        ("site", "site"),
        ("Articles", "articles"),
        ("blog", "articles"),
        ("Handbook", "contributing"),
    ],
)
def test_sections_are_known_by_folder_and_by_the_tab_editors_see(
    new_page: ModuleType, typed: str, folder: str
) -> None:
    assert new_page.find_section(typed).name == folder


def test_an_unknown_section_is_refused_with_every_name_it_could_be(
    new_page: ModuleType, site_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    description = "What research shows about massage for heel pain, how strong it is and what is unknown."
    with pytest.raises(SystemExit):
        new_page.main(["Recipes", "Soup", "--description", description, "--root", str(site_copy)])
    error = capsys.readouterr().err
    assert "no section called 'Recipes'" in error
    for section in new_page.SECTIONS:
        for name in new_page.names(section):
            assert repr(name) in error
    assert list((site_copy / "docs").rglob("*.md")) == []


def test_a_new_condition_goes_after_the_last_condition(new_page: ModuleType, site_copy: Path) -> None:
    description = "What research shows about massage for heel pain, how strong it is and what is unknown."
    argv = ["What does the research say?", "Plantar fasciitis", "--description", description]
    assert new_page.main([*argv, "--sources", "E1,E4", "--root", str(site_copy)]) == 0
    pages = nav_files(load_config(site_copy / "mkdocs.yml")["nav"])
    before = nav_files(load_config()["nav"])
    place = before.index("evidence/other-conditions.md")
    assert pages == [*before[:place], "evidence/plantar-fasciitis.md", *before[place:]]


def test_a_new_page_goes_where_the_editor_says(new_page: ModuleType, site_copy: Path) -> None:
    description = "What research shows about massage for heel pain, how strong it is and what is unknown."
    argv = [
        "Research",
        "Heel pain",
        "--description",
        description,
        "--sources",
        "E1,E4",
        "--after",
        "Neck pain",
    ]
    assert new_page.main([*argv, "--root", str(site_copy)]) == 0
    pages = nav_files(load_config(site_copy / "mkdocs.yml")["nav"])
    assert pages[pages.index("evidence/neck-pain.md") + 1] == "evidence/heel-pain.md"


def test_a_page_named_by_after_must_be_in_the_section(
    new_page: ModuleType, site_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    description = "What research shows about massage for heel pain, how strong it is and what is unknown."
    argv = ["Research", "Heel pain", "--description", description, "--sources", "E1,E4", "--after", "Privacy"]
    config_before = (site_copy / "mkdocs.yml").read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        new_page.main([*argv, "--root", str(site_copy)])
    assert "has no page called 'Privacy'; choose one of 'Low back pain'" in capsys.readouterr().err
    assert not (site_copy / "docs" / "evidence" / "heel-pain.md").exists()
    assert (site_copy / "mkdocs.yml").read_text(encoding="utf-8") == config_before


def handbook_sections() -> list[tuple[str, list[str], bool]]:
    """The handbook's table of SECTION values: (folder, other names, health page?) per row."""
    text = (ROOT / "docs" / "contributing" / "writing-a-page.md").read_text(encoding="utf-8")
    table = text[text.index("| `SECTION` |") :].split("\n\n", 1)[0].splitlines()[2:]
    rows = []
    for row in table:
        folder, others, _, health = (cell.strip() for cell in row.strip("|").split("|"))
        rows.append((folder.strip("`"), re.findall(r"`([^`]+)`", others), health == "yes"))
    return rows


def test_the_handbook_lists_the_sections_the_script_takes(new_page: ModuleType) -> None:
    expected = [(s.name, new_page.names(s)[1:], s.health) for s in new_page.SECTIONS]
    assert handbook_sections() == expected
