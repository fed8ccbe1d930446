"""Material's fingerprinted scripts and stylesheets, also as .gz files made by zopfli.

Material's bundle and stylesheet are most of a first view (57 KB of about 78 KB
compressed). zopfli writes gzip that any browser reads, 3 to 7 % smaller than gzip's
own best (the stylesheet 21.3 KB instead of 22.8 KB at level 6, the bundle 33.9 KB
instead of 35.0 KB), but it takes seconds, too slow for a server to do as it answers.
So the build writes `<file>.gz` beside each fingerprinted file (`name.0123abcd.min.js`,
whose content never changes under that name), and both servers send it as it is:
`comments serve` (web/site_files.py) and nginx (`gzip_static on` in deploy/nginx.conf).

zopfli takes about 4 s for the lot, so each result is kept in var/cache/precompressed/
under the hash of what it compresses: a build after the first (the other edition, the
next build) takes it from there.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import zopfli.gzip  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig

FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(js|css)$")
CACHE = Path(__file__).resolve().parents[2] / "var" / "cache" / "precompressed"


def on_post_build(config: MkDocsConfig) -> None:
    for path in sorted((Path(config.site_dir) / "assets").rglob("*.min.*")):
        if FINGERPRINTED.search(path.name):
            path.with_name(path.name + ".gz").write_bytes(compressed(path.read_bytes()))


def compressed(data: bytes, cache: Path = CACHE) -> bytes:
    """`data` in gzip form by zopfli, from the cache when it has been made before."""
    kept = cache / f"{hashlib.sha256(data).hexdigest()}.gz"
    if kept.is_file():
        return kept.read_bytes()
    body: bytes = zopfli.gzip.compress(data)
    cache.mkdir(parents=True, exist_ok=True)
    partial = kept.with_name(f"{kept.name}.{os.getpid()}")  # builds may run side by side
    partial.write_bytes(body)
    partial.replace(kept)
    return body
