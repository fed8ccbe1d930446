"""The grade rule on health pages (overrides/hooks/_grades.py): commentary says whose view
it is, and a section with health facts rests on at least one grade A source.

The build tests in test_build.py show the same rule failing `mkdocs build --strict`.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

SOURCES = {
    "A1": {"grade": "A", "group": "evidence"},
    "B1": {"grade": "B", "group": "claims"},
    "C1": {"grade": "C", "group": "claims"},
    "LAW": {"grade": "B", "group": "law"},
    "MONEY": {"grade": "C", "group": "practice"},
}
CITATION = re.compile(r"\[@(\w+)\]")


def check(hooks: SimpleNamespace, markdown: str) -> list[tuple[int, str]]:
    citations = [(match.start(), match.group(1)) for match in CITATION.finditer(markdown)]
    return hooks._grades.problems(markdown, citations, SOURCES)


@pytest.mark.parametrize(
    "sentence",
    [
        "PainScience.com says there is no reason to drink extra water [@C1].",
        "Critics called the results marginal [@C1].",
        "A Seattle clinic says plans may ask for a letter [@C1].",
        "According to one commentary, the data show publication bias [@C1].",
        # The Spanish edition's pages, under the same rule.
        "PainScience.com dice que no hay razón para beber más agua [@C1].",
        "Los críticos dijeron que los resultados eran marginales [@C1].",
        "Según un comentario, los datos muestran un sesgo de publicación [@C1].",
        "Una clínica de Seattle afirma que los planes pueden pedir una carta [@C1].",
        "Algunos sitios web dicen que el masaje elimina toxinas [@C1].",
    ],
)
def test_commentary_that_says_whose_view_it_is_passes(hooks: SimpleNamespace, sentence: str) -> None:
    assert check(hooks, f"# Page\n\nA finding [@A1].\n\n{sentence}\n") == []


def test_commentary_stated_as_fact_is_reported_at_its_line(hooks: SimpleNamespace) -> None:
    found = check(hooks, "# Page\n\nA finding [@A1].\n\nExtra water flushes nothing out [@C1].\n")
    assert [(line, message.split(":")[0]) for line, message in found] == [
        (5, "[@C1] is grade C (commentary)")
    ]


def test_spanish_commentary_stated_as_fact_is_reported_after_an_inverted_question(
    hooks: SimpleNamespace,
) -> None:
    markdown = "# Página\n\nUn hallazgo [@A1]. ¿Y el agua? El agua extra no expulsa nada [@C1].\n"
    assert [line for line, _ in check(hooks, markdown)] == [3]
    assert check(hooks, markdown.replace("El agua", "PainScience.com dice que el agua")) == []


def test_attribution_counts_only_in_the_citations_own_sentence(hooks: SimpleNamespace) -> None:
    markdown = "# Page\n\nA finding [@A1]. PainScience.com says a lot. Water flushes nothing [@C1].\n"
    assert [line for line, _ in check(hooks, markdown)] == [3]


def test_a_wrapped_paragraph_is_read_as_one_sentence(hooks: SimpleNamespace) -> None:
    markdown = (
        "# Page\n\nA finding [@A1]. The science website\n"
        "PainScience.com says there is no reason\nto drink more [@C1].\n"
    )
    assert check(hooks, markdown) == []


def test_a_table_cell_is_its_own_sentence(hooks: SimpleNamespace) -> None:
    markdown = "# Page\n\n| Claim | What critics say |\n|---|---|\n| Toxins [@A1] | No evidence [@C1] |\n"
    assert [line for line, _ in check(hooks, markdown)] == [5]


def test_a_health_section_without_a_grade_a_source_is_reported_at_its_heading(hooks: SimpleNamespace) -> None:
    markdown = (
        "# Page\n\nIntro [@A1].\n\n## Water\n\nDrinking water is optional [@B1].\n\n"
        "## Pain\n\nShort-term [@A1].\n"
    )
    assert check(hooks, markdown) == [
        (5, "section 'Water' cites no grade A source (B1 (B)); back its health facts with a grade A "
         "source, or say whose statement each cited sentence is")
    ]  # fmt: skip


def test_a_section_of_attributed_statements_needs_no_grade_a_source(hooks: SimpleNamespace) -> None:
    markdown = "# Page\n\n## Water\n\nA Duke doctor said he knew of no studies [@B1]. Critics agree [@C1].\n"
    assert check(hooks, markdown) == []


def test_a_section_citing_only_law_or_insurance_sources_is_left_to_editors(hooks: SimpleNamespace) -> None:
    markdown = (
        "# Page\n\n## Reviews\n\nAn FTC rule bans fake reviews [@LAW]. A clinic says plans vary [@MONEY].\n"
    )
    assert check(hooks, markdown) == []


def test_the_text_before_the_first_section_is_checked_too(hooks: SimpleNamespace) -> None:
    found = check(hooks, "# Page\n\nDrinking water is optional [@B1].\n\n## Pain\n\nShort-term [@A1].\n")
    assert [(line, message.split(" cites")[0]) for line, message in found] == [
        (1, "section 'the top of the page'")
    ]


def test_headings_inside_code_fences_are_not_sections(hooks: SimpleNamespace) -> None:
    markdown = "# Page\n\nIntro [@A1].\n\n```markdown\n## Not a section\n```\n\nMore text [@B1].\n"
    assert check(hooks, markdown) == []
