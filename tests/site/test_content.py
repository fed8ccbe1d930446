"""The content rules of the brief: the site map, sources on health pages, corrected claims,
the glossary, California licensing and article authors.

The corrected-claims rule itself lives in tests/site/claims.py; the tests below show
it passing honest sentences and catching bad ones before running it on every page.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from tests.site import claims
from tests.site.html_tree import parse_file
from tests.site.pages import (
    DOCS,
    ES_DOCS,
    ES_INCLUDES,
    INCLUDES,
    ROOT,
    health_pages,
    load_config,
    nav_files,
    page_meta,
    readability,
    source_pages,
    split,
)

# Part 1 of the content brief: the site map every build must keep.
SITE_MAP = [
    "index.md",
    "about/what-is-medical-massage.md",
    "about/medical-vs-relaxation.md",
    "about/benefits.md",
    "about/techniques.md",
    "about/san-diego.md",
    "safety/index.md",
    "safety/finding-a-therapist.md",
    "safety/what-to-expect.md",
    "safety/getting-the-most.md",
    "evidence/index.md",
    "evidence/low-back-pain.md",
    "evidence/neck-pain.md",
    "evidence/fibromyalgia.md",
    "evidence/anxiety-stress.md",
    "evidence/headaches-migraine.md",
    "evidence/lymphedema.md",
    "evidence/sports-recovery.md",
    "evidence/other-conditions.md",
    "evidence/claims-checked.md",
    "faq.md",
    "glossary.md",
    "final-thoughts.md",
    "site/sources.md",
    "site/disclaimer.md",
    "site/editorial-policy.md",
    "site/comments-policy.md",
    "site/privacy.md",
]

# The brief's glossary list (Part 1, "Glossary"), one entry per term it names.
BRIEF_GLOSSARY = [
    "CAMTC", "CMT", "CMP", "contraindication", "precaution", "deep vein thrombosis", "DVT",
    "pulmonary embolism", "anticoagulant", "thrombocytopenia", "osteoporosis", "lymphedema",
    "manual lymphatic drainage", "MLD", "complete decongestive therapy", "CDT", "fascia",
    "myofascial release", "trigger point", "deep tissue massage", "Swedish massage", "sports massage",
    "DOMS", "acute pain", "subacute pain", "chronic pain", "radiculopathy", "fibromyalgia",
    "tension-type headache", "randomized controlled trial", "sham", "placebo", "systematic review",
    "meta-analysis", "Cochrane review", "certainty of evidence", "GRADE", "letter of medical necessity",
    "LMN", "HSA", "FSA",
]  # fmt: skip


def page_blocks(relative: str, docs: Path = DOCS) -> list[tuple[str, str]]:
    return readability().blocks((docs / relative).read_text(encoding="utf-8"))


def md_blocks(markdown: str) -> list[tuple[str, str]]:
    return readability().blocks(markdown)


# -- Site map -----------------------------------------------------------------------------


@pytest.mark.parametrize("relative", SITE_MAP)
def test_site_map_page_exists_and_is_in_the_nav(relative: str) -> None:
    assert (DOCS / relative).is_file()
    assert relative in nav_files(load_config()["nav"])


# -- Sources on health pages ------------------------------------------------------------


@pytest.mark.parametrize(
    "relative",
    [page for page in health_pages()],
)
def test_health_page_cites_every_listed_source_and_at_least_two(
    hooks: SimpleNamespace, relative: str
) -> None:
    register = yaml.safe_load((ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))["sources"]
    listed = [str(key) for key in page_meta(relative).get("sources") or []]
    body = hooks.shared_text.fill(split(relative)[1], [str(INCLUDES)])  # citations in shared text count
    citations, _ = hooks._citations.scan(body, register)
    cited = {key for citation in citations for key in citation.keys}
    assert len(set(listed) & set(register)) >= 2, listed
    assert sorted(set(listed) - cited) == [], "listed in front matter but never cited inline"


# -- Corrected claims ---------------------------------------------------------------------

HONEST = """\
Drink water if you are thirsty, but not to "flush out toxins".

We found no good evidence that it boosts immunity. We don't say massage cures, heals or detoxes.

Some sites say massage lowers cortisol. A single session did not reduce cortisol.

LMT stands for licensed massage therapist. It is a title used in other states.

California has no state massage license. Therapists here are certified, not licensed.

The brief marks some points as unverified. They include:

- that massage speeds healing or prevents injuries.

| What's claimed | What we say instead |
|---|---|
| Flushes out toxins | Drink water if you are thirsty |
"""

BAD = [
    ("Regular massage helps flush out toxins.", "flush out toxins"),
    ("Lymphatic drainage boosts your immune system.", "boosts immunity"),
    ("Massage is not expensive and boosts immunity.", "boosts immunity"),
    ("Massage lowers cortisol, so you feel calm.", "lowers cortisol"),
    ("It improves circulation and removes lactic acid.", "improves circulation"),
    ("It removes lactic acid after a run.", "removes lactic acid"),
    ("Deep work breaks up scar tissue.", "breaks up scar tissue"),
    ("Chronic pain responds well, with lasting relief.", "lasting relief"),
    ("Book with a licensed massage therapist today.", "licensed massage therapist"),
    ("Ask for an LMT when you call.", "LMT"),
    ("Our approach is scientifically proven.", "scientifically proven"),
    ("Medical massage cures sciatica.", "cures"),
    ("Sports massage prevents injuries.", "prevents injuries"),
]


def test_corrected_claims_rule_passes_honest_sentences() -> None:
    assert claims.stated_as_fact(md_blocks(HONEST)) == []
    assert claims.calls_therapists_licensed(md_blocks(HONEST)) == []


@pytest.mark.parametrize(("sentence", "phrase"), BAD)
def test_corrected_claims_rule_catches_a_claim_stated_as_fact(sentence: str, phrase: str) -> None:
    assert phrase in [finding.phrase for finding in claims.stated_as_fact(md_blocks(sentence + "\n"))]


@pytest.mark.parametrize("relative", source_pages())
def test_page_states_no_corrected_claim_as_fact(relative: str) -> None:
    found = [
        f"{finding.phrase!r} in: {finding.sentence}"
        for finding in claims.stated_as_fact(page_blocks(relative))
    ]
    assert found == []


def shared_texts() -> list[str]:
    """The shared text files pages include (not the files added to every page)."""
    return sorted(
        path.name for path in INCLUDES.glob("*.md") if path.name not in {"abbreviations.md", "links.md"}
    )


@pytest.mark.parametrize("name", shared_texts())
def test_shared_text_states_no_corrected_claim_and_never_calls_therapists_licensed(name: str) -> None:
    blocks = md_blocks((INCLUDES / name).read_text(encoding="utf-8"))
    assert [f"{f.phrase!r} in: {f.sentence}" for f in claims.stated_as_fact(blocks)] == []
    assert claims.calls_therapists_licensed(blocks) == []


@pytest.mark.parametrize("name", shared_texts())
def test_every_shared_text_is_used(name: str) -> None:
    used = [
        page for page in source_pages() if f'--8<-- "{name}"' in (DOCS / page).read_text(encoding="utf-8")
    ]
    assert used, f"includes/{name} is on no page"


@pytest.mark.parametrize(
    "sentence",
    [
        "Therapists in California are licensed by the state.",
        "San Diego's licensed therapists can help.",
        "Every practitioner here is fully licensed.",
        "Check your therapist's massage license.",
    ],
)
def test_licensing_rule_catches_licensed_therapists(sentence: str) -> None:
    assert claims.calls_therapists_licensed(md_blocks(sentence + "\n")) == [sentence]


@pytest.mark.parametrize("relative", source_pages())
def test_page_never_calls_california_therapists_licensed(relative: str) -> None:
    assert claims.calls_therapists_licensed(page_blocks(relative)) == []


# -- Corrected claims, in Spanish ----------------------------------------------------------------

HONEST_ES = """\
Beba agua si tiene sed, pero no para "eliminar toxinas".

No encontramos buena evidencia de que refuerce el sistema inmunitario.
No decimos que el masaje cura, sana lesiones ni desintoxica.

Algunos sitios dicen que el masaje reduce el cortisol. Una sola sesión no redujo el cortisol.

LMT significa "licensed massage therapist". Es un título que se usa en otros estados.

California no tiene una licencia estatal de masaje.
Aquí los terapeutas están certificados, no tienen licencia.

- Si el masaje previene lesiones. No encontramos buena evidencia.

| Lo que se afirma | Lo que decimos en cambio |
|---|---|
| Elimina toxinas | Beba agua si tiene sed |
"""

BAD_ES = [
    ("El masaje regular ayuda a eliminar toxinas.", "elimina toxinas"),
    ("El masaje desintoxica el cuerpo.", "desintoxica"),
    ("El drenaje linfático refuerza el sistema inmunitario.", "refuerza el sistema inmunitario"),
    ("El masaje no es caro y fortalece el sistema inmunitario.", "refuerza el sistema inmunitario"),
    ("El masaje reduce el cortisol, así que usted se siente tranquilo.", "reduce el cortisol"),
    ("Mejora la circulación y elimina el ácido láctico.", "mejora la circulación"),
    ("Elimina el ácido láctico después de correr.", "elimina el ácido láctico"),
    ("El trabajo profundo rompe el tejido cicatricial.", "rompe el tejido cicatricial"),
    ("El dolor crónico responde bien, con alivio duradero.", "alivio duradero"),
    ("Reserve hoy con un terapeuta de masaje con licencia.", "terapeuta de masaje con licencia"),
    ("Pida un LMT cuando llame.", "LMT"),
    ("Nuestro método está científicamente probado.", "científicamente probado"),
    ("El masaje médico cura la ciática.", "cura"),
    ("El masaje deportivo previene lesiones.", "previene lesiones"),
]


def test_corrected_claims_rule_passes_honest_spanish_sentences() -> None:
    assert claims.stated_as_fact(md_blocks(HONEST_ES)) == []
    assert claims.calls_therapists_licensed(md_blocks(HONEST_ES)) == []


@pytest.mark.parametrize(("sentence", "phrase"), BAD_ES)
def test_corrected_claims_rule_catches_a_spanish_claim_stated_as_fact(sentence: str, phrase: str) -> None:
    assert phrase in [finding.phrase for finding in claims.stated_as_fact(md_blocks(sentence + "\n"))]


@pytest.mark.parametrize(
    "sentence",
    [
        "En California, los terapeutas de masaje tienen licencia del estado.",
        "Los terapeutas con licencia de San Diego pueden ayudarle.",
        "Verifique la licencia de masaje de su terapeuta.",
        "California otorga una licencia estatal a los masajistas.",
    ],
)
def test_licensing_rule_catches_licensed_therapists_in_spanish(sentence: str) -> None:
    assert claims.calls_therapists_licensed(md_blocks(sentence + "\n")) == [sentence]


def spanish_texts() -> list[Path]:
    """Every Spanish page and shared text (the glossary and links are not prose)."""
    return sorted(ES_DOCS.rglob("*.md")) + sorted(
        path for path in ES_INCLUDES.glob("*.md") if path.name != "abbreviations.md"
    )


@pytest.mark.parametrize("path", spanish_texts(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_spanish_text_states_no_corrected_claim_and_never_calls_therapists_licensed(path: Path) -> None:
    blocks = md_blocks(path.read_text(encoding="utf-8"))
    assert [f"{f.phrase!r} in: {f.sentence}" for f in claims.stated_as_fact(blocks)] == []
    assert claims.calls_therapists_licensed(blocks) == []


# -- Glossary ---------------------------------------------------------------------------------


def abbreviation_terms(includes: Path = INCLUDES) -> list[str]:
    text = (includes / "abbreviations.md").read_text(encoding="utf-8")
    return re.findall(r"^\*\[([^\]]+)\]:", text, re.MULTILINE)


@pytest.mark.parametrize(("folder", "includes"), [("", INCLUDES), ("es/", ES_INCLUDES)])
def test_each_glossary_page_lists_exactly_its_editions_abbreviation_terms(
    built_site: Path, folder: str, includes: Path
) -> None:
    terms = [dt.text() for dt in parse_file(built_site / folder / "glossary/index.html").iter("dt")]
    assert len(terms) == len(set(terms))
    assert sorted(terms) == sorted(abbreviation_terms(includes))


@pytest.mark.parametrize("term", BRIEF_GLOSSARY)
def test_brief_glossary_term_is_defined(term: str) -> None:
    assert term in abbreviation_terms()


# -- Articles ---------------------------------------------------------------------------------


def test_every_article_is_by_the_editorial_team(built_site: Path) -> None:
    authors = yaml.safe_load((DOCS / "blog" / ".authors.yml").read_text(encoding="utf-8"))["authors"]
    assert authors["editorial-team"]["name"] == "Editorial team"
    posts = [page for page in source_pages() if page.startswith("blog/posts/")]
    assert len(posts) >= 3
    for post in posts:
        assert page_meta(post).get("authors") == ["editorial-team"], post
        slug = page_meta(post).get("slug") or Path(post).stem
        profile = next(
            e
            for e in parse_file(built_site / "blog" / slug / "index.html").iter("div")
            if "md-post__authors" in e.classes()
        )
        assert [s.text() for s in profile.iter("strong")] == ["Editorial team"], post
