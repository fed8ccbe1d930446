"""Review dates: the next review is due 12 months after the last one (or sooner, by
`next_review`), shown under every page, a warning when late, a note when near, and
listed by `make review-due` (scripts/review_due.py).

Builds here set REVIEW_TODAY so the result does not depend on the day the tests run.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from tests.site.conftest import mkdocs_build
from tests.site.html_tree import parse_file
from tests.site.pages import ROOT
from tests.site.test_build import DESCRIPTION, TINY_DOCS, make_tiny_site, page

GOOD = {"title": "Neck pain", "description": DESCRIPTION, "last_reviewed": dt.date(2026, 11, 1)}


def review_due() -> ModuleType:
    spec = importlib.util.spec_from_file_location("review_due", ROOT / "scripts" / "review_due.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# -- The schedule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (dt.date(2026, 11, 26), dt.date(2027, 11, 26)),
        (dt.date(2028, 2, 29), dt.date(2029, 2, 28)),
        (dt.date(2026, 1, 31), dt.date(2027, 1, 31)),
        (dt.date(2026, 12, 31), dt.date(2027, 12, 31)),
    ],
)
def test_next_review_defaults_to_twelve_months_after_the_last(
    hooks: SimpleNamespace, last: dt.date, due: dt.date
) -> None:
    assert hooks._schedule.due_date(last, None) == due


def test_a_written_next_review_wins(hooks: SimpleNamespace) -> None:
    assert hooks._schedule.due_date(dt.date(2026, 11, 26), dt.date(2027, 3, 1)) == dt.date(2027, 3, 1)


def test_review_today_sets_the_build_date(hooks: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEW_TODAY", "2027-01-02")
    assert hooks._schedule.today() == dt.date(2027, 1, 2)
    monkeypatch.setenv("REVIEW_TODAY", "02/01/2027")
    with pytest.raises(ValueError, match="REVIEW_TODAY='02/01/2027' is not a date"):
        hooks._schedule.today()
    monkeypatch.delenv("REVIEW_TODAY")
    assert hooks._schedule.today() == dt.date.today()


# -- The front-matter contract ---------------------------------------------------------------


def test_next_review_is_a_known_field_and_may_bring_the_review_forward(hooks: SimpleNamespace) -> None:
    assert hooks.front_matter.check({**GOOD, "next_review": dt.date(2027, 5, 1)}, "", "") == []
    assert hooks.front_matter.check({**GOOD, "next_review": "2027-11-01"}, "", "") == []


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("soon", "'next_review' is 'soon', not a date; write it as YYYY-MM-DD"),
        (dt.date(2026, 11, 1), "'next_review' is 2026-11-01; it must come after last_reviewed (2026-11-01)"),
        (dt.date(2026, 10, 1), "it must come after last_reviewed"),
        (
            dt.date(2027, 11, 2),
            "more than 12 months after last_reviewed; every page is reviewed at least yearly",
        ),
    ],
)
def test_a_bad_next_review_is_reported_at_its_line(
    hooks: SimpleNamespace, value: object, phrase: str
) -> None:
    source = "---\ntitle: Neck pain\ndescription: x\nlast_reviewed: 2026-11-01\nnext_review: x\n---\n"
    found = hooks.front_matter.check({**GOOD, "next_review": value}, "", source)
    assert any(line == 5 and phrase in message for line, message in found), found


# -- In the build ------------------------------------------------------------------------------


def build(tmp_path: Path, today: str, docs: dict[str, str]) -> tuple[int, str]:
    site = make_tiny_site(tmp_path, {**TINY_DOCS, **docs})
    result = mkdocs_build(site, tmp_path / "out", today=today)
    return result.returncode, result.stdout


# The tiny site's pages were last reviewed on 2026-11-01: next review due 2027-11-01.
def test_a_page_past_its_review_date_fails_the_strict_build_with_file_and_line(tmp_path: Path) -> None:
    code, output = build(tmp_path, "2027-11-02", {})
    assert code == 1, output
    lines = output.splitlines()
    assert any(
        "WARNING" in line
        and "docs/about/page.md:4: review overdue: the next review was due on 2027-11-01, 1 day ago" in line
        for line in lines
    ), output


def test_a_written_next_review_is_enforced_at_its_own_line(tmp_path: Path) -> None:
    front = (
        f'title: A page\ndescription: "{DESCRIPTION}"\nlast_reviewed: 2026-11-01\nnext_review: 2027-02-01\n'
    )
    code, output = build(tmp_path, "2027-03-01", {"about/page.md": page(front)})
    assert code == 1, output
    assert (
        "docs/about/page.md:5: review overdue: the next review was due on 2027-02-01, 28 days ago" in output
    )
    assert "docs/index.md" not in output  # the others are due in November


def test_a_review_due_within_30_days_is_noted_but_the_build_passes(tmp_path: Path) -> None:
    code, output = build(tmp_path, "2027-10-20", {})
    assert code == 0, output
    notes = [line for line in output.splitlines() if "review due soon" in line]
    assert any(
        line.startswith("INFO") and "docs/about/page.md:4: review due soon: on 2027-11-01, in 12 days" in line
        for line in notes
    ), output
    assert "WARNING" not in output


def test_a_review_further_off_is_not_mentioned(tmp_path: Path) -> None:
    code, output = build(tmp_path, "2027-09-30", {})
    assert code == 0, output
    assert "review due" not in output


def test_a_bad_review_today_stops_the_build_with_its_reason(tmp_path: Path) -> None:
    code, output = build(tmp_path, "tomorrow", {})
    assert code == 1, output
    assert "REVIEW_TODAY='tomorrow' is not a date; write it as YYYY-MM-DD" in output
    assert "Traceback" not in output


def test_the_page_shows_last_reviewed_and_next_review_due(tmp_path: Path) -> None:
    front = (
        f'title: A page\ndescription: "{DESCRIPTION}"\nlast_reviewed: 2026-11-01\nnext_review: 2027-05-01\n'
    )
    code, output = build(tmp_path, "2026-12-01", {"about/page.md": page(front)})
    assert code == 0, output
    for built, due in (("about/page/index.html", "2027-05-01"), ("index.html", "2027-11-01")):
        review = next(
            e for e in parse_file(tmp_path / "out" / built).iter("aside") if "sdm-review" in e.classes()
        )
        assert "Next review due:" in review.text()
        assert [t.attrs.get("datetime") for t in review.iter("time")] == ["2026-11-01", due]


# -- make review-due ----------------------------------------------------------------------------


def test_review_due_lists_every_page_soonest_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    (docs / "b").mkdir(parents=True)
    (docs / "late.md").write_text("---\ntitle: Late\nlast_reviewed: 2025-06-01\n---\n", encoding="utf-8")
    (docs / "b" / "soon.md").write_text(
        "---\ntitle: Soon\nlast_reviewed: 2026-11-01\nnext_review: 2027-01-15\n---\n", encoding="utf-8"
    )
    (docs / "later.md").write_text("---\ntitle: Later\nlast_reviewed: 2026-11-26\n---\n", encoding="utf-8")
    (docs / "broken.md").write_text("---\ntitle: Broken\nlast_reviewed: soon\n---\n", encoding="utf-8")
    monkeypatch.setenv("REVIEW_TODAY", "2027-01-01")
    assert review_due().main(["--docs", str(docs)]) == 0
    out, err = capsys.readouterr()
    rows = [line.split() for line in out.splitlines()[2:]]
    assert rows[0][:4] == ["Due", "date", "Days", "left"]
    assert [row[:3] for row in rows[1:]] == [
        ["2026-06-01", "-214", "docs/late.md"],
        ["2027-01-15", "14", "docs/b/soon.md"],
        ["2027-11-26", "329", "docs/later.md"],
    ]
    assert [row[3:] for row in rows[1:]] == [["Late"], ["Soon"], ["Later"]]
    assert "docs/broken.md: no readable review date" in err


def test_review_due_covers_every_page_of_the_real_site(capsys: pytest.CaptureFixture[str]) -> None:
    assert review_due().main([]) == 0
    out = capsys.readouterr().out
    listed = [line.split()[2] for line in out.splitlines()[3:] if line.strip()]
    expected = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "docs").rglob("*.md"))
    assert sorted(listed) == expected
    dates = [line.split()[0] for line in out.splitlines()[3:] if line.strip()]
    assert dates == sorted(dates)
