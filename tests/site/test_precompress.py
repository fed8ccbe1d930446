"""Material's fingerprinted assets come with a smaller gzip form made by zopfli
(overrides/hooks/precompress.py), which both servers send as it is."""

from __future__ import annotations

import gzip
import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.site.conftest import HOOKS


@pytest.fixture(scope="module")
def precompress() -> Iterator[ModuleType]:
    sys.path.insert(0, str(HOOKS))
    try:
        yield importlib.import_module("precompress")
    finally:
        sys.path.remove(str(HOOKS))


@pytest.mark.parametrize("folder", ["", "es/"])
def test_each_fingerprinted_asset_has_a_smaller_gzip_form_of_itself(built_site: Path, folder: str) -> None:
    assets = built_site / folder / "assets"
    fingerprinted = sorted(
        p for p in assets.rglob("*.min.*") if re.search(r"\.[0-9a-f]{8}\.min\.(js|css)$", p.name)
    )
    names = {p.name.split(".")[0] for p in fingerprinted}
    assert {"bundle", "main", "search"} <= names
    for path in fingerprinted:
        packed = Path(f"{path}.gz").read_bytes()
        assert gzip.decompress(packed) == path.read_bytes(), path
        assert len(packed) < len(gzip.compress(path.read_bytes(), compresslevel=9)), path


def test_a_compressed_form_is_made_once_then_taken_from_the_cache(
    precompress: ModuleType, tmp_path: Path
) -> None:
    data = b"body{color:red}\n" * 500
    made = precompress.compressed(data, tmp_path)
    assert gzip.decompress(made) == data
    (kept,) = tmp_path.iterdir()
    kept.write_bytes(b"from the cache")
    assert precompress.compressed(data, tmp_path) == b"from the cache"
