"""Reliability checks: the two tiers, and a summary of every figure the checks measured.

Fast checks run in `make test`. Long ones carry `@pytest.mark.reliability` and run only
in `make check-reliability` (`pytest -m reliability tests/reliability`). Each check
records its figures with the `figures` fixture; they are printed at the end of the
run (also under pytest-xdist, where they travel back from the workers with the report).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

HERE = __file__.rsplit("/", 1)[0]
FIGURES = "reliability-figures"


def _reliability_selected(markexpr: str) -> bool:
    """True when the -m expression asks for reliability tests (and does not negate them)."""
    return re.search(r"(?<!not )\breliability\b", markexpr or "") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # `make test` runs everything with plain `pytest -n 2`; the long checks must not run
    # there. Rather than a global `-m "not reliability"` in addopts (which `-m reliability`
    # would have to override), reliability-marked tests here are skipped unless the -m
    # expression names the marker, as `make check-reliability` does.
    if _reliability_selected(config.option.markexpr):
        return
    skip = pytest.mark.skip(reason="long reliability check: run `make check-reliability`")
    for item in items:
        if str(item.path).startswith(HERE) and item.get_closest_marker("reliability"):
            item.add_marker(skip)


@pytest.fixture
def figures(record_property: Callable[[str, object], None], request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Report a check's figures: printed now and repeated in the session summary."""

    def report(**values: object) -> None:
        line = f"{request.node.name}: " + ", ".join(f"{key}={value}" for key, value in values.items())
        print(line)
        record_property(FIGURES, line)

    return report


_collected: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Teardown reports carry every property the test and its fixtures recorded.
    if report.when == "teardown":
        _collected.extend(str(value) for name, value in report.user_properties if name == FIGURES)


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _collected:
        terminalreporter.section("reliability figures")
        for line in sorted(_collected):
            terminalreporter.write_line(line)
