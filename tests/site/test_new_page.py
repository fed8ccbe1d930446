"""scripts/new_page.py: the nav edit keeps mkdocs.yml's text, and a new page keeps the contract."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
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
    with pytest.raises(SystemExit, match="no nav section called 'Recipes'"):
        new_page.add_to_nav(SAMPLE_CONFIG, "Recipes", "Soup", "recipes/soup.md")


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


@pytest.mark.parametrize("section", ["about", "safety", "evidence", "site"])
def test_every_nav_section_of_the_script_is_in_the_real_nav(new_page: ModuleType, section: str) -> None:
    titles = [next(iter(item)) for item in load_config()["nav"] if isinstance(item, dict)]
    assert new_page.SECTIONS[section] in titles
