"""The plain-text tables every benchmark prints (bench/text_tables.py)."""

from __future__ import annotations

from types import SimpleNamespace


def test_numbers_are_right_aligned_and_text_left_aligned(bench: SimpleNamespace) -> None:
    text = bench.text_tables.table("Title", ["name", "per s"], [["ours", 1234.5], ["isso", 3.25]])
    assert text.splitlines() == [
        "Title",
        "name     per s",
        "----  --------",
        "ours  1,234.50",
        "isso      3.25",
    ]


def test_missing_and_special_values_have_a_readable_form(bench: SimpleNamespace) -> None:
    fmt = bench.text_tables.fmt
    assert [fmt(None), fmt(True), fmt(float("nan")), fmt(float("inf")), fmt(12000), fmt("x")] == [
        "-",
        "yes",
        "-",
        "inf",
        "12,000",
        "x",
    ]
    text = bench.text_tables.table("T", ["a", "b"], [[None, 1.0], ["long text", None]])
    assert text.splitlines()[3:] == ["-          1.00", "long text     -"]
