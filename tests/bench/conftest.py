"""The benchmarks' pure parts as modules: bench/ scripts import their helpers by name."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from tests.conftest import ROOT

BENCH = ROOT / "bench"


@pytest.fixture(scope="session")
def bench() -> Iterator[SimpleNamespace]:
    sys.path.insert(0, str(BENCH))
    try:
        yield SimpleNamespace(
            **{
                name: importlib.import_module(name)
                for name in ("workload", "text_tables", "cross_check", "load_driver")
            }
        )
    finally:
        sys.path.remove(str(BENCH))
