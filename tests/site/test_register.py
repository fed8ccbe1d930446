"""The sources register links each source once, on its publisher's own page.

data/publishers.yml is the allow-list (overrides/hooks/_publishers.py): a register
entry whose link is off its publisher's domains, or that repeats another entry's
link or DOI, fails `mkdocs build --strict` with the register's file, line and key.
The list of known copy hosts below is a second, simpler net over the real data.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import yaml

from tests.site.pages import ROOT
from tests.site.test_build import TINY_DOCS, build_tiny, make_tiny_site

# Hosts that copied, mirrored, indexed or summarised sources this site once linked.
COPY_HOSTS = [
    "pdfslide.net", "fdocuments.in", "fdocuments.net", "fdokumen.com", "readkong.com", "studylib.net",
    "researchgate.net", "wikipedia.org", "telegra.ph", "vdocuments.site", "vdocuments.net",
    "bowtiemassage.com", "scribd.com", "docslib.org", "megatopx.com", "deno.dev", "weglot.com",
    "hiragana.jp", "ouci.dntb.gov.ua", "semanticscholar.org", "paperexplained.cn", "brainline.org",
    "prpsurvivalguide.org", "5y1.org", "globalrph.com", "ascensionselfcare.com", "excitingspas.com",
    "vesselwork.org", "wixlib.com", "pages.dev", "20fr.com", "municipal.codes", "elsevierpure.com",
    "experts.illinois.edu", "guidelinecentral.com", "medscape.com", "webarchive.library.unt.edu",
    "archive.org", "veeto.app", "legiplex.com", "climatestotravel.com", "baysidesportsmedicinegroup.com.au",
    "vercel.app", "worldhealth.net", "lifeweavers.org", "weblink.cityofpleasantonca.gov",
]  # fmt: skip

PUBLISHERS = {
    "Cochrane Database of Systematic Reviews": ["cochranelibrary.com", "cochrane.org"],
    "National Institutes of Health": ["nih.gov"],
}
RECORDS = [
    "doi.org",
    "dx.doi.org",
    "pubmed.ncbi.nlm.nih.gov",
    "pmc.ncbi.nlm.nih.gov",
    "ncbi.nlm.nih.gov/pmc/",
]


def register() -> dict[str, dict[str, object]]:
    return yaml.safe_load((ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))["sources"]


def publishers() -> dict[str, object]:
    return yaml.safe_load((ROOT / "data" / "publishers.yml").read_text(encoding="utf-8"))


def on_host(host: str, domain: str) -> bool:
    return host == domain or host.endswith(f".{domain}")


# -- The real data ---------------------------------------------------------------------


def test_no_register_link_is_on_a_known_copy_host() -> None:
    found = {
        key: str(entry["url"])
        for key, entry in register().items()
        if any(on_host((urlsplit(str(entry["url"])).hostname or "").lower(), copy) for copy in COPY_HOSTS)
    }
    assert found == {}


def test_no_publisher_is_allowed_a_copy_host() -> None:
    data = publishers()
    allowed = [str(host) for host in data["any_publisher"]]
    allowed += [str(domain) for domains in data["publishers"].values() for domain in domains]
    assert [host for host in allowed if any(on_host(host.split("/")[0], copy) for copy in COPY_HOSTS)] == []


def test_every_register_entry_links_its_own_publisher_once(hooks: SimpleNamespace) -> None:
    listed, records = hooks._publishers.load(publishers())
    problems = {
        key: reason
        for key, entry in register().items()
        if (reason := hooks._publishers.link_problem(entry, listed, records))
    }
    assert problems == {}
    assert list(hooks._publishers.duplicates(register())) == []


# -- Where a link may point ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("publisher", "url"),
    [
        ("Cochrane Database of Systematic Reviews", "https://www.cochranelibrary.com/cdsr/doi/10.1002/x"),
        ("Cochrane Database of Systematic Reviews", "http://cochrane.org/CD004871/BACK_massage"),
        ("National Institutes of Health", "https://www.nccih.nih.gov/health/massage"),
        ("National Institutes of Health", "https://doi.org/10.1000/182"),
        ("National Institutes of Health", "https://pubmed.ncbi.nlm.nih.gov/26329399/"),
        ("National Institutes of Health", "https://pmc.ncbi.nlm.nih.gov/articles/PMC8734598"),
        ("National Institutes of Health", "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC8734598/"),
    ],
)
def test_a_link_on_the_publishers_domain_or_a_scholarly_record_is_accepted(
    hooks: SimpleNamespace, publisher: str, url: str
) -> None:
    assert hooks._publishers.link_problem({"publisher": publisher, "url": url}, PUBLISHERS, RECORDS) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://www.researchgate.net/publication/266620613_massage",
        "https://cochrane.org.example.net/CD004871",  # the domain inside another host's name
        "https://notcochrane.org/CD004871",  # a look-alike ending
        "https://www.ncbi.nlm.nih.gov.evil.example/pmc/x",
        "https://sci-hub.example/10.1002/14651858",
    ],
)
def test_a_link_off_the_publishers_domains_is_refused_with_the_fix(hooks: SimpleNamespace, url: str) -> None:
    entry = {"publisher": "Cochrane Database of Systematic Reviews", "url": url}
    reason = hooks._publishers.link_problem(entry, PUBLISHERS, RECORDS)
    assert reason is not None
    assert "is not a domain of Cochrane Database of Systematic Reviews" in reason
    assert "its DOI" in reason


def test_a_publisher_missing_from_the_allow_list_is_refused(hooks: SimpleNamespace) -> None:
    entry = {"publisher": "pdfslide.net (copy)", "url": "https://pdfslide.net/documents/x.html"}
    reason = hooks._publishers.link_problem(entry, PUBLISHERS, RECORDS)
    assert reason is not None
    assert "'pdfslide.net (copy)' is not in data/publishers.yml" in reason


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"url": "https://www.camtc.org/FAQ.aspx"}, {"url": "http://camtc.org/FAQ.aspx/"}),
        (
            {"url": "https://doi.org/10.1002/14651858.CD001929.pub3"},
            {"url": "http://dx.doi.org/10.1002/14651858.cd001929.PUB3"},
        ),
        (
            {"url": "https://doi.org/10.1097/MD.0000000000023192"},
            {"url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC7717855", "doi": "10.1097/md.0000000000023192"},
        ),
        (
            {"url": "https://a.example/x", "doi": "doi:10.1000/ABC"},
            {"url": "https://b.example/y", "doi": "10.1000/abc"},
        ),
    ],
)  # fmt: skip
def test_the_same_page_or_doi_under_two_keys_is_found(
    hooks: SimpleNamespace, first: dict[str, str], second: dict[str, str]
) -> None:
    found = list(hooks._publishers.duplicates({"K1": first, "K2": second}))
    assert [(key, earlier) for key, earlier, _ in found] == [("K2", "K1")]


def test_different_pages_of_one_site_are_not_duplicates(hooks: SimpleNamespace) -> None:
    sources = {
        "CA1": {"url": "https://www.camtc.org/FAQ.aspx"},
        "CA2": {"url": "https://www.camtc.org/Consumers.aspx"},
        "Q1": {"url": "https://example.org/page?id=1"},
        "Q2": {"url": "https://example.org/page?id=2"},
    }
    assert list(hooks._publishers.duplicates(sources)) == []


REGISTER = """\
groups:
  evidence: Systematic reviews and trials
sources:
  GOOD:
    group: evidence
    author: Furlan et al.
    title: Massage for low-back pain
    publisher: Cochrane Database of Systematic Reviews
    year: 2015
    url: https://doi.org/10.1002/14651858.CD001929.pub3
    grade: A
  COPY:
    group: evidence
    author: Furlan et al.
    title: Massage for low-back pain
    publisher: Cochrane Database of Systematic Reviews
    year: 2015
    url: https://metajournal.com/articles/journal/1268
    grade: B
  TWICE:
    group: evidence
    author: Furlan et al.
    title: Massage for low-back pain, again
    publisher: Cochrane Database of Systematic Reviews
    year: 2015
    url: http://dx.doi.org/10.1002/14651858.cd001929.pub3
    grade: A
  BADDOI:
    group: evidence
    author: A
    title: T
    publisher: Cochrane Database of Systematic Reviews
    year: 2015
    url: https://www.cochranelibrary.com/x
    doi: not-a-doi
    grade: A
"""


def test_load_register_names_each_link_problem_at_its_key(
    hooks: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "sources.yml").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "publishers.yml").write_text(
        yaml.safe_dump({"any_publisher": RECORDS, "publishers": PUBLISHERS}), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.WARNING):
        hooks.sources.load_register(str(tmp_path / "sources.yml"), str(tmp_path / "publishers.yml"))
    messages = [record.getMessage() for record in caplog.records if record.name == "mkdocs.hooks"]
    assert [message.split(" ", 2)[:2] for message in messages] == [
        ["sources.yml:12:", "COPY:"],
        ["sources.yml:28:", "BADDOI:"],
        ["sources.yml:20:", "TWICE:"],
    ]
    assert "url host metajournal.com is not a domain of" in messages[0]
    assert "'doi' must be a DOI" in messages[1]
    assert "same DOI 10.1002/14651858.cd001929.pub3 as GOOD; one source gets one key" in messages[2]


# -- In the build ----------------------------------------------------------------------------

EXTRA_ENTRIES = {
    "copy": (
        "  ZZ1:\n    group: evidence\n    author: Yuan et al.\n    title: Styles of massage in fibromyalgia\n"
        "    publisher: Manual Therapy\n    year: 2015\n"
        "    url: https://www.researchgate.net/publication/266620613\n    grade: B\n",
        "ZZ1: url host researchgate.net is not a domain of Manual Therapy",
    ),
    "duplicate-link": (
        "  ZZ1:\n    group: law\n    author: CAMTC\n    title: FAQ again\n"
        "    publisher: California Massage Therapy Council\n    year: null\n"
        "    url: http://camtc.org/FAQ.aspx/\n    grade: C\n",
        "ZZ1: same link camtc.org/FAQ.aspx as CA1",
    ),
    "duplicate-doi": (
        "  ZZ1:\n    group: evidence\n    author: Furlan et al.\n    title: PubMed record\n"
        "    publisher: Cochrane Database of Systematic Reviews\n    year: 2015\n"
        "    url: https://pubmed.ncbi.nlm.nih.gov/26329399/\n"
        "    doi: 10.1002/14651858.CD001929.PUB3\n    grade: A\n",
        "ZZ1: same DOI 10.1002/14651858.cd001929.pub3 as E4",
    ),
}


@pytest.mark.parametrize(("entry", "reason"), list(EXTRA_ENTRIES.values()), ids=list(EXTRA_ENTRIES))
def test_strict_build_fails_on_a_register_entry_with_file_line_and_key(
    tmp_path: Path, entry: str, reason: str
) -> None:
    site = make_tiny_site(tmp_path, TINY_DOCS)
    register_file = site / "data" / "sources.yml"
    text = register_file.read_text(encoding="utf-8")
    register_file.write_text(text + entry, encoding="utf-8")
    line = text.count("\n") + 1  # the added key's line
    result = build_tiny(site, tmp_path / "out")
    assert result.returncode == 1, result.stdout
    assert any(f"data/sources.yml:{line}: {reason}" in out for out in result.stdout.splitlines()), (
        result.stdout
    )
