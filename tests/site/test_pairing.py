"""Every English reader page has its Spanish page, and the two say it on the same terms.

The Spanish edition translates the English one (the reference): same file names, the
same sources in the same order, the same review dates and the same citations in the
text, shared text included (order aside: a translated sentence may put them
elsewhere). A Spanish page keeps its English page's slug, so the language switch finds
it, and the same front matter but for what is translated (title, description, the
blog's categories) and its own comment thread (es/...). The editor handbook
(contributing/) stays English only.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.site.pages import (
    DOCS,
    ES_DOCS,
    ES_INCLUDES,
    INCLUDES,
    folder_defaults,
    reader_pages,
    source_pages,
    split,
)

# Front matter a translation changes; every other field is the English page's.
TRANSLATED = {"title", "description", "categories", "comments_id"}
# Shared text every page gets, not translated page by page.
NOT_SHARED_TEXT = {"links.md"}


def citations(hooks: SimpleNamespace, relative: str, docs: Path, includes: Path) -> Counter[str]:
    """Each cited key and how often, shared text filled in, as the build reads it."""
    return cited_keys(hooks, hooks.shared_text.fill(split(relative, docs)[1], [str(includes)]))


def cited_keys(hooks: SimpleNamespace, markdown: str) -> Counter[str]:
    """Each key cited in the Markdown ([@E4], [@E4, E10]) and how often."""
    return Counter(key for citation in hooks._citations.scan(markdown, ())[0] for key in citation.keys)


def differences(english: dict[str, Any], spanish: dict[str, Any]) -> list[str]:
    """The fields of the Spanish front matter that do not follow the English page's."""
    found = [
        f"{field}: {english.get(field)!r} in English, {spanish.get(field)!r} in Spanish"
        for field in sorted((set(english) | set(spanish)) - TRANSLATED)
        if english.get(field) != spanish.get(field)
    ]
    if "comments_id" in english and spanish.get("comments_id") != f"es/{english['comments_id']}":
        found.append(f"comments_id must be es/{english['comments_id']}, not {spanish.get('comments_id')!r}")
    if len(english.get("categories") or []) != len(spanish.get("categories") or []):
        found.append("categories: each English category needs its one Spanish name")
    return found


@pytest.mark.parametrize("relative", reader_pages())
def test_english_page_has_its_spanish_page(relative: str) -> None:
    assert (ES_DOCS / relative).is_file(), f"es/docs/{relative} is missing: translate docs/{relative}"


@pytest.mark.parametrize("relative", reader_pages())
def test_spanish_page_keeps_the_sources_review_dates_and_front_matter_of_its_english_page(
    relative: str,
) -> None:
    if not (ES_DOCS / relative).is_file():
        pytest.fail(f"es/docs/{relative} is missing", pytrace=False)
    english, spanish = split(relative)[0], split(relative, ES_DOCS)[0]
    assert spanish.get("sources") == english.get("sources"), "the same source keys, in the same order"
    assert spanish.get("last_reviewed") == english.get("last_reviewed")
    assert spanish.get("next_review") == english.get("next_review")
    assert differences(english, spanish) == []
    assert folder_defaults(relative, ES_DOCS) == folder_defaults(relative), "the folder's .meta.yml differs"


@pytest.mark.parametrize("relative", reader_pages())
def test_spanish_page_cites_the_same_sources_as_often_as_its_english_page(
    hooks: SimpleNamespace, relative: str
) -> None:
    if not (ES_DOCS / relative).is_file():
        pytest.fail(f"es/docs/{relative} is missing", pytrace=False)
    english = citations(hooks, relative, DOCS, INCLUDES)
    spanish = citations(hooks, relative, ES_DOCS, ES_INCLUDES)
    assert spanish == english, f"only in English: {english - spanish}; only in Spanish: {spanish - english}"


def test_every_spanish_page_translates_an_english_one() -> None:
    assert source_pages(ES_DOCS)
    assert sorted(set(source_pages(ES_DOCS)) - set(reader_pages())) == []


@pytest.mark.parametrize(
    "name", sorted(path.name for path in INCLUDES.glob("*.md") if path.name not in NOT_SHARED_TEXT)
)
def test_every_shared_text_has_its_spanish_version(hooks: SimpleNamespace, name: str) -> None:
    spanish = ES_INCLUDES / name
    assert spanish.is_file(), f"es/includes/{name} is missing: translate includes/{name}"
    english, translated = (
        cited_keys(hooks, path.read_text(encoding="utf-8")) for path in (INCLUDES / name, spanish)
    )
    assert translated == english
    assert not (ES_INCLUDES / "links.md").exists(), (
        "links.md is shared: the Spanish pages use includes/links.md"
    )


def test_a_spanish_page_that_changes_what_must_stay_is_reported() -> None:
    english = {"title": "Neck", "slug": "neck", "comments_id": "articles/neck", "categories": ["Research"]}
    spanish = {"title": "Cuello", "slug": "cuello", "comments_id": "articles/neck", "categories": []}
    assert differences(english, spanish) == [
        "slug: 'neck' in English, 'cuello' in Spanish",
        "comments_id must be es/articles/neck, not 'articles/neck'",
        "categories: each English category needs its one Spanish name",
    ]
    assert differences(english, {**english, "title": "Cuello", "comments_id": "es/articles/neck"}) == []


# English acronyms the Spanish glossary (es/includes/abbreviations.md) gives in their
# Spanish form, as MedlinePlus en español writes them; every other acronym (CAMTC, CMT,
# DOMS, NCCIH...) is the same in both editions.
SPANISH_ACRONYMS = {"DVT": "TVP", "MLD": "DLM", "CDT": "TDC", "RCT": "ECA", "GAD": "TAG"}


def acronym_counts(text: str, acronyms: list[str]) -> dict[str, int]:
    return {acronym: len(re.findall(rf"\b{acronym}\b", text)) for acronym in acronyms}


@pytest.mark.parametrize("relative", reader_pages())
def test_spanish_page_uses_the_spanish_acronym_wherever_its_english_page_uses_the_english_one(
    relative: str,
) -> None:
    if not (ES_DOCS / relative).is_file():
        pytest.fail(f"es/docs/{relative} is missing", pytrace=False)
    english = acronym_counts((DOCS / relative).read_text(encoding="utf-8"), list(SPANISH_ACRONYMS))
    spanish_text = (ES_DOCS / relative).read_text(encoding="utf-8")
    spanish = acronym_counts(spanish_text, list(SPANISH_ACRONYMS.values()))
    assert {SPANISH_ACRONYMS[name]: count for name, count in english.items()} == spanish
    assert acronym_counts(spanish_text, list(SPANISH_ACRONYMS)) == dict.fromkeys(SPANISH_ACRONYMS, 0)


def test_every_spanish_acronym_is_in_the_spanish_glossary_and_the_english_one_in_the_english() -> None:
    def terms(includes: Path) -> set[str]:
        text = (includes / "abbreviations.md").read_text(encoding="utf-8")
        return set(re.findall(r"^\*\[([^\]]+)\]:", text, re.MULTILINE))

    assert set(SPANISH_ACRONYMS) <= terms(INCLUDES)
    assert set(SPANISH_ACRONYMS.values()) <= terms(ES_INCLUDES)
    assert not set(SPANISH_ACRONYMS) & terms(ES_INCLUDES)
