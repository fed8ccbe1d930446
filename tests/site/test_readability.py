"""Health pages read at grade 11 or below, measured by bench/readability.py's own function."""

from __future__ import annotations

import pytest
import textstat  # type: ignore[import-untyped]

from tests.site import pages
from tests.site.pages import DOCS, ES_DOCS, health_pages

readability = pages.readability()


def test_prose_leaves_out_markup_code_citations_and_urls() -> None:
    markdown = (
        "---\ntitle: T\n---\n\n# Heading\n\n"
        '!!! warning "Talk with your clinician"\n\n'
        "    Massage may help [@E4][@E10]. See [the review](https://example.org/review) and `code`.\n\n"
        "```yaml\nsources: [E4]\n```\n\n"
        "| Claim | Evidence |\n|---|---|\n| A | B |\n\n"
        '- A list item <abbr title="x">DVT</abbr>\n'
    )
    assert readability.prose(markdown) == (
        "Talk with your clinician.\nMassage may help. See the review and .\nA list item DVT."
    )


def test_measure_rates_dense_prose_above_the_limit() -> None:
    dense = (
        "Notwithstanding considerable methodological heterogeneity, contemporaneous systematic "
        "investigations demonstrated statistically indistinguishable physiological consequences "
        "regarding glucocorticoid concentrations following therapeutic manipulation interventions."
    )
    plain = "Massage can feel good. The effect is small. It fades after a few weeks."
    assert readability.measure(dense).grade > readability.MAX_HEALTH_GRADE
    assert readability.measure(plain).grade < 6


def test_the_bench_and_the_tests_agree_on_which_pages_are_health_pages() -> None:
    pages = sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))
    assert [page for page in pages if readability.is_health(page)] == health_pages()


@pytest.mark.parametrize("page", health_pages())
def test_health_page_reads_at_grade_eleven_or_below(page: str) -> None:
    result = readability.measure((DOCS / page).read_text(encoding="utf-8"))
    assert result.words > 100, "the page has too little prose to measure; is the cleaning broken?"
    assert result.grade <= readability.MAX_HEALTH_GRADE, f"{page}: grade {result.grade}"


def test_the_spanish_score_rates_dense_prose_below_normal() -> None:
    dense = (
        "No obstante la considerable heterogeneidad metodológica, las investigaciones sistemáticas "
        "contemporáneas demostraron consecuencias fisiológicas estadísticamente indistinguibles "
        "respecto de las concentraciones de glucocorticoides tras intervenciones terapéuticas."
    )
    plain = "El masaje puede sentirse bien. El efecto es pequeño. Dura unas semanas."
    assert readability.spanish_ease(dense) < readability.MIN_SPANISH_EASE
    assert readability.spanish_ease(plain) > 80


@pytest.mark.parametrize(
    "page", sorted(path.relative_to(ES_DOCS).as_posix() for path in ES_DOCS.rglob("*.md"))
)
def test_spanish_page_reads_normal_or_easier(page: str) -> None:
    text = readability.prose((ES_DOCS / page).read_text(encoding="utf-8"))
    if textstat.lexicon_count(text) < readability.MIN_SCORED_WORDS:
        pytest.skip("too little prose to score")
    ease = readability.spanish_ease(text)
    assert ease >= readability.MIN_SPANISH_EASE, f"es/docs/{page}: Fernández-Huerta {ease}"
