"""Unit tests of the build hooks: plain functions, no build (scripts/new_page.py: test_new_page.py).

The hooks log problems on MkDocs' "mkdocs.hooks" logger as `path:line: message`;
caplog reads them back.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from tests.site.pages import ROOT

GOOD = {
    "title": "Neck pain",
    "description": "What research shows about massage for neck pain, and how sure anyone can be.",
    "last_reviewed": dt.date(2026, 11, 1),
}


def problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "mkdocs.hooks"]


# -- front_matter.check and parse_date ---------------------------------------------


def test_check_accepts_a_page_that_keeps_the_contract(hooks: SimpleNamespace) -> None:
    assert hooks.front_matter.check({**GOOD, "health": True, "sources": ["E1"]}, "# Neck pain\n", "") == []


def test_check_points_at_the_line_of_a_too_short_description(hooks: SimpleNamespace) -> None:
    source = "---\ntitle: Neck pain\ndescription: Too short\nlast_reviewed: 2026-11-01\n---\n"
    found = hooks.front_matter.check({**GOOD, "description": "Too short"}, "", source)
    assert found == [(3, "'description' is 9 characters long; write 50–160 characters")]


@pytest.mark.parametrize(
    ("changes", "phrase"),
    [
        ({"title": "  "}, "'title' is missing"),
        ({"description": "x" * 161}, "is 161 characters long"),
        ({"last_reviewed": "26/11/2026"}, "not a date"),
        ({"last_reviewed": dt.date.today() + dt.timedelta(days=1)}, "a date in the future"),
        ({"health": "yes"}, "'health' must be true or false"),
        ({"sources": "E1, E2"}, "'sources' must be a list"),
        ({"health": True}, "health pages must list their 'sources'"),
        ({"comments_id": "Articles/Neck Pain"}, "'comments_id' must be lowercase"),
        ({"colour": "blue"}, "unknown front-matter field 'colour'"),
        ({"reviewed_by": ""}, "'reviewed_by' must be a short line of text"),
    ],
)
def test_check_reports_each_broken_field(
    hooks: SimpleNamespace, changes: dict[str, object], phrase: str
) -> None:
    messages = [message for _, message in hooks.front_matter.check({**GOOD, **changes}, "", "")]
    assert any(phrase in message for message in messages), messages


def test_check_reports_missing_last_reviewed(hooks: SimpleNamespace) -> None:
    meta = {key: value for key, value in GOOD.items() if key != "last_reviewed"}
    assert [message for _, message in hooks.front_matter.check(meta, "", "")] == [
        "'last_reviewed' is missing; add the date you checked the page, e.g. 2026-11-26"
    ]


def test_check_explains_unreadable_yaml_even_when_folder_defaults_fill_meta(hooks: SimpleNamespace) -> None:
    # MkDocs hands over the whole file when its front matter fails to parse.
    markdown = "---\ntitle: Neck pain\ndescription: [unclosed\nlast_reviewed: 2026-11-01\n---\n\n# Neck\n"
    found = hooks.front_matter.check({"health": True}, markdown, markdown)
    assert len(found) == 1
    assert found[0][0] == 4
    assert found[0][1].startswith("front matter is not valid YAML")


def test_check_names_the_line_of_an_impossible_date(hooks: SimpleNamespace) -> None:
    markdown = "---\ntitle: Neck pain\nlast_reviewed: 2026-13-01\n---\n\n# Neck\n"
    assert hooks.front_matter.check({}, markdown, markdown) == [
        (3, "front matter has an impossible date (month must be in 1..12); write it as YYYY-MM-DD")
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2026, 11, 26), dt.date(2026, 11, 26)),
        (dt.datetime(2026, 11, 26, 9, 30), dt.date(2026, 11, 26)),
        ("2026-11-26", dt.date(2026, 11, 26)),
        (" 2026-11-26 ", dt.date(2026, 11, 26)),
        ("26/11/2026", None),
        ("2026-13-01", None),
        ("", None),
        (20261126, None),
        (None, None),
    ],
)
def test_parse_date_accepts_only_real_iso_dates(
    hooks: SimpleNamespace, value: object, expected: dt.date | None
) -> None:
    assert hooks.front_matter.parse_date(value) == expected


# -- sources ---------------------------------------------------------------------------


def test_format_citation_escapes_text_and_links_the_title(hooks: SimpleNamespace) -> None:
    entry = {
        "author": "Smith <b>& Co</b>",
        "year": 2015,
        "title": "Massage for pain.",
        "publisher": "Cochrane Library",
        "url": "https://www.example.org/review?a=1&b=2",
    }
    assert hooks.sources.format_citation(entry) == (
        "Smith &lt;b&gt;&amp; Co&lt;/b&gt; (2015). "
        '<a href="https://www.example.org/review?a=1&amp;b=2"><cite>Massage for pain</cite></a>. '
        'Cochrane Library. <span class="sdm-host">example.org</span>'
    )


def test_format_citation_says_no_date_and_skips_a_publisher_equal_to_the_author(
    hooks: SimpleNamespace,
) -> None:
    entry = {
        "author": "NCCIH",
        "year": None,
        "title": "Massage",
        "publisher": "NCCIH",
        "url": "https://nccih.nih.gov/x",
    }
    assert hooks.sources.format_citation(entry) == (
        'NCCIH (n.d.). <a href="https://nccih.nih.gov/x"><cite>Massage</cite></a>. '
        '<span class="sdm-host">nccih.nih.gov</span>'
    )


REGISTER = """\
groups:
  evidence: Systematic reviews and trials
sources:
  GOOD1:
    group: evidence
    author: A
    title: T
    publisher: P
    year: 2020
    url: https://example.org/
    grade: A
  BAD1:
    group: nowhere
    author: A
    title: ""
    publisher: P
    year: 20
    url: ftp://example.org/bad
    grade: D
  BAD2: just text
"""
PUBLISHERS = "publishers:\n  P: [example.org]\n"


def test_load_register_reports_each_bad_entry_at_its_line(
    hooks: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "sources.yml").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "publishers.yml").write_text(PUBLISHERS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the hook shows paths relative to where the build runs
    register = hooks.sources.load_register(str(tmp_path / "sources.yml"), str(tmp_path / "publishers.yml"))
    assert sorted(register["sources"]) == ["BAD1", "BAD2", "GOOD1"]
    assert problems(caplog) == [
        "sources.yml:12: BAD1: 'title' is missing",
        "sources.yml:12: BAD1: group 'nowhere' is not one of ['evidence']",
        "sources.yml:12: BAD1: grade must be A, B or C",
        "sources.yml:12: BAD1: 'year' must be a four-digit year or null",
        "sources.yml:12: BAD1: 'url' must start with https:// or http://",
        "sources.yml:20: BAD2: each source must be a mapping of fields",
    ]


def test_the_real_register_loads_without_problems(
    hooks: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    register = hooks.sources.load_register(
        str(ROOT / "data" / "sources.yml"), str(ROOT / "data" / "publishers.yml")
    )
    assert len(register["sources"]) > 50
    assert problems(caplog) == []


# -- glossary ------------------------------------------------------------------------------


def test_load_terms_keeps_good_lines_and_reports_the_rest(
    hooks: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "abbreviations.md").write_text(
        "*[DVT]: A blood clot in a deep vein.\n"
        "\n"
        "DVT means a clot\n"
        "*[DVT]: Defined again.\n"
        '*[MLD]: A "gentle" technique.\n'
        "*[RCT]:\n"
        "*[sham]: A pretend treatment.\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    terms = hooks.glossary.load_terms(str(tmp_path / "abbreviations.md"))
    assert terms == {"DVT": "A blood clot in a deep vein.", "sham": "A pretend treatment."}
    assert problems(caplog) == [
        "abbreviations.md:3: expected a definition like: *[DVT]: A blood clot in a deep vein.",
        "abbreviations.md:4: 'DVT' is defined twice",
        'abbreviations.md:5: definitions cannot contain the " character',
        "abbreviations.md:6: expected a definition like: *[DVT]: A blood clot in a deep vein.",
    ]


def test_render_glossary_sorts_terms_by_letter_ignoring_case_and_escapes_them(hooks: SimpleNamespace) -> None:
    html = hooks.glossary.render_glossary(
        {"sham": "Pretend <treatment>.", "DVT": "A clot.", "CAMTC": "Council.", "cortisol": "A hormone."}
    )
    sections = html[html.index("</nav>") + len("</nav>") :]
    assert sections == (
        '<h2 id="letter-c">C</h2><dl class="sdm-glossary">'
        '<dt id="term-camtc">CAMTC</dt><dd>Council.</dd>'
        '<dt id="term-cortisol">cortisol</dt><dd>A hormone.</dd>'
        "</dl>"
        '<h2 id="letter-d">D</h2><dl class="sdm-glossary">'
        '<dt id="term-dvt">DVT</dt><dd>A clot.</dd>'
        "</dl>"
        '<h2 id="letter-s">S</h2><dl class="sdm-glossary">'
        '<dt id="term-sham">sham</dt><dd>Pretend &lt;treatment&gt;.</dd>'
        "</dl>"
    )


def test_glossary_jump_list_links_only_letters_that_have_terms(hooks: SimpleNamespace) -> None:
    html = hooks.glossary.render_glossary({"DVT": "A clot.", "sham": "Pretend.", "5-HT": "A chemical."})
    jump = html[: html.index("</nav>")]
    assert re.findall(r'<a href="#(letter-[a-z]+)">', jump) == ["letter-d", "letter-s", "letter-other"]
    assert re.findall(r'<span class="sdm-az__none">(.)</span>', jump) == [
        x for x in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if x not in "DS"
    ]
    assert '<h2 id="letter-other">#</h2>' in html


def test_a_spanish_glossary_files_accented_terms_under_their_letter_and_n_tilde_after_n(
    hooks: SimpleNamespace,
) -> None:
    alphabet = "ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
    html = hooks.glossary.render_glossary(
        {"órtesis": "Un aparato.", "ñame": "Una raíz.", "nervio": "Una vía.", "Ácido láctico": "Un ácido."},
        alphabet,
        "Letras del glosario",
    )
    assert '<nav class="sdm-az" aria-label="Letras del glosario">' in html
    sections = html[html.index("</nav>") :]
    assert re.findall(r'<h2 id="([^"]+)">', sections) == ["letter-a", "letter-n", "letter-ñ", "letter-o"]
    assert re.findall(r'<dt id="([^"]+)">', sections) == [
        "term-acido-lactico",
        "term-nervio",
        "term-name",
        "term-ortesis",
    ]
    assert '<li><a href="#letter-ñ">Ñ</a></li>' in html


def test_dates_are_written_as_readers_of_the_language_write_them(hooks: SimpleNamespace) -> None:
    tables = yaml.safe_load((ROOT / "data" / "strings.yml").read_text(encoding="utf-8"))
    day = dt.date(2026, 11, 26)
    assert hooks._strings.long_date(day, tables["en"]) == "November 26, 2026"
    assert hooks._strings.long_date(day, tables["es"]) == "26 de noviembre de 2026"


def test_a_spanish_page_marks_the_english_title_of_a_source(hooks: SimpleNamespace) -> None:
    entry = {
        "author": "NCCIH",
        "title": "Massage therapy",
        "publisher": "NCCIH",
        "url": "https://nccih.nih.gov/x",
    }
    cited = hooks.sources.format_citation(entry, "s. f.", ' lang="en"')
    assert cited.startswith(
        'NCCIH (s. f.). <a href="https://nccih.nih.gov/x"><cite lang="en">Massage therapy</cite></a>.'
    )


def test_the_real_abbreviations_file_loads_without_problems(
    hooks: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    terms = hooks.glossary.load_terms(str(ROOT / "includes" / "abbreviations.md"))
    assert "CAMTC" in terms
    assert problems(caplog) == []


def test_the_real_abbreviations_file_has_a_blank_line_between_terms() -> None:
    # Every page gets the file appended; a run of definitions without blank lines is one
    # Markdown block, which the parser reads again, whole, for each definition in it.
    lines = (ROOT / "includes" / "abbreviations.md").read_text(encoding="utf-8").splitlines()
    adjacent = [
        number + 1 for number in range(1, len(lines)) if lines[number].strip() and lines[number - 1].strip()
    ]
    assert adjacent == [], f"add a blank line above line(s) {adjacent} of includes/abbreviations.md"


# -- _slots: HTML put into the rendered page, not into the Markdown --------------------------


def test_slots_survive_markdown_and_are_filled_in_place(hooks: SimpleNamespace) -> None:
    import markdown

    slots = hooks._slots
    text = (
        f"## Costs {slots.inline(slots.CITATION, 2)}\n\n"
        f"Some *text* DVT {slots.inline(slots.CITATION, 1)}.\n"
        f"{slots.block(slots.SOURCES)}\nAfter.\n{slots.block(slots.SOURCES)}"
    )
    html = markdown.markdown(text + "\n*[DVT]: A clot.", extensions=["abbr", "toc"])
    html = slots.fill(html, slots.CITATION, lambda number: f"<sup>[{number}]</sup>")
    html = slots.fill(html, slots.SOURCES, lambda _: "<ol></ol>", is_block=True)
    assert html == (
        '<h2 id="costs-2">Costs <sup>[2]</sup></h2>\n'
        '<p>Some <em>text</em> <abbr title="A clot.">DVT</abbr> <sup>[1]</sup>.</p>\n'
        "<ol></ol>\n\n"
        "<p>After.</p>\n"
        "<ol></ol>"
    )


def test_slots_of_another_kind_are_left_alone(hooks: SimpleNamespace) -> None:
    slots = hooks._slots
    html = f"<p>{slots.inline(slots.GLOSSARY, 0)}</p>"
    assert slots.fill(html, slots.SOURCES, lambda _: "<ol></ol>", is_block=True) == html


# -- structured_data.faq_page --------------------------------------------------------------

FAQ_HTML = """
<h2>Costs</h2>
<details class="question"><summary>Does <abbr title="x">HSA</abbr> cover it?</summary>
<p>Sometimes.   Check <a href="#">your plan</a> [1].</p>
<details class="note"><summary>Nested note</summary>
<p>Inner text.</p></details>
</details>
<p>Between questions.</p>
<details class="note"><summary>Not a question</summary><p>A collapsible note.</p></details>
<details class="question"><summary>Does it hurt?</summary><p>It should not.</p></details>
"""


def test_faq_page_has_one_question_per_top_level_question_block(hooks: SimpleNamespace) -> None:
    data = hooks.structured_data.faq_page(FAQ_HTML)
    assert data["@type"] == "FAQPage"
    assert [(q["name"], q["acceptedAnswer"]["text"]) for q in data["mainEntity"]] == [
        ("Does HSA cover it?", "Sometimes. Check your plan [1]. Nested note Inner text."),
        ("Does it hurt?", "It should not."),
    ]


def test_hooks_log_on_the_mkdocs_hooks_logger(
    hooks: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    # `mkdocs build --strict` counts warnings of MkDocs' loggers; the hooks must use one.
    with caplog.at_level(logging.WARNING):
        hooks._report.problem("docs/x.md", 3, "something is wrong")
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("mkdocs.hooks", logging.WARNING, "docs/x.md:3: something is wrong")
    ]


# -- shared text -----------------------------------------------------------------------------


def test_shared_text_is_filled_in_with_the_indentation_of_its_line(
    hooks: SimpleNamespace, tmp_path: Path
) -> None:
    (tmp_path / "fact.md").write_text("First line [@CA3].\n\nSecond paragraph.\n", encoding="utf-8")
    page = '# Page\n\n--8<-- "fact.md"\n\n??? question "Why?"\n\n    --8<-- "fact.md"\n'
    assert hooks.shared_text.fill(page, [str(tmp_path)]) == (
        "# Page\n\nFirst line [@CA3].\n\nSecond paragraph.\n\n"
        '??? question "Why?"\n\n    First line [@CA3].\n\n    Second paragraph.\n'
    )


def test_shared_text_may_include_shared_text_but_not_itself_forever(
    hooks: SimpleNamespace, tmp_path: Path
) -> None:
    (tmp_path / "outer.md").write_text('Outer.\n\n--8<-- "inner.md"\n', encoding="utf-8")
    (tmp_path / "inner.md").write_text("Inner.\n", encoding="utf-8")
    (tmp_path / "loop.md").write_text('Again.\n--8<-- "loop.md"\n', encoding="utf-8")
    assert hooks.shared_text.fill('--8<-- "outer.md"', [str(tmp_path)]) == "Outer.\n\nInner."
    looped = hooks.shared_text.fill('--8<-- "loop.md"', [str(tmp_path)])
    assert looped.count("Again.") == hooks.shared_text.MAX_DEPTH + 1


def test_shared_text_leaves_unknown_names_and_the_escaped_form_to_pymdownx(
    hooks: SimpleNamespace, tmp_path: Path
) -> None:
    text = '--8<-- "missing.md"\n;--8<-- "fact.md"\n'
    (tmp_path / "fact.md").write_text("A fact.\n", encoding="utf-8")
    assert hooks.shared_text.fill(text, [str(tmp_path)]) == text


# -- outbound links ---------------------------------------------------------------------------


def test_links_to_other_hosts_are_marked_and_ours_are_not(hooks: SimpleNamespace) -> None:
    html = (
        '<p><a href="https://www.camtc.org/Consumers.aspx">camtc.org</a> '
        '<a href="../safety/">safety</a> <a href="#source-1">[1]</a> '
        '<a href="http://127.0.0.1:8000/faq/">our FAQ, absolute</a> '
        '<a class="note" href="http://sdsheriff.net/x.html"><cite>Permit</cite></a> '
        '<a href="mailto:editor@example.org">email</a></p>'
    )
    assert hooks.outbound_links.mark(html, "127.0.0.1:8000") == (
        '<p><a href="https://www.camtc.org/Consumers.aspx" class="sdm-outbound">camtc.org'
        '<span class="sdm-visually-hidden"> (another website)</span></a> '
        '<a href="../safety/">safety</a> <a href="#source-1">[1]</a> '
        '<a href="http://127.0.0.1:8000/faq/">our FAQ, absolute</a> '
        '<a class="note sdm-outbound" href="http://sdsheriff.net/x.html"><cite>Permit</cite>'
        '<span class="sdm-visually-hidden"> (another website)</span></a> '
        '<a href="mailto:editor@example.org">email</a></p>'
    )


def test_materials_own_buttons_keep_their_label(hooks: SimpleNamespace) -> None:
    button = '<a href="https://github.com/x/edit/main/docs/faq.md" class="md-content__button md-icon">e</a>'
    assert hooks.outbound_links.mark(button, "example.org") == button
