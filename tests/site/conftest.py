"""Fixtures for the site tests: the real site built once, its pages, a local server, the hooks.

The build is the same `mkdocs build --strict` editors and CI run, into a temporary
directory (./site belongs to other tools). Under pytest-xdist each worker builds
its own copy once; a build takes a few seconds.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.site.pages import ROOT

HOOKS = ROOT / "overrides" / "hooks"
MKDOCS = Path(sys.executable).parent / "mkdocs"
# Built folders that hold Material's assets and the search index, not pages.
NOT_PAGES = ("assets", "search")


def mkdocs_build(config_dir: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build --strict` on the project in `config_dir`; output merged."""
    return subprocess.run(
        [str(MKDOCS), "build", "--strict", "-d", str(site_dir)],
        cwd=config_dir,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )


def html_pages(site_dir: Path) -> list[Path]:
    """Every built HTML page (404.html included), skipping assets/ and search/."""
    return sorted(
        path for path in site_dir.rglob("*.html") if path.relative_to(site_dir).parts[0] not in NOT_PAGES
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("built-site")
    result = mkdocs_build(ROOT, site_dir)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed ({result.returncode}):\n{result.stdout}", pytrace=False)
    return site_dir


@pytest.fixture(scope="session")
def built_pages(built_site: Path) -> list[Path]:
    return html_pages(built_site)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def served_site(built_site: Path) -> Iterator[str]:
    """The built site over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(playwright_session: Any) -> Iterator[Any]:
    """Debian's chromium for the browser checks of the built site (axe, reading comfort)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; run `make system-deps`", pytrace=False)
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="session")
def hooks() -> Iterator[SimpleNamespace]:
    """The build hooks as modules; they import `_report` from their own folder."""
    sys.path.insert(0, str(HOOKS))
    try:
        yield SimpleNamespace(
            **{
                name: importlib.import_module(name)
                for name in (
                    "_report",
                    "_slots",
                    "front_matter",
                    "sources",
                    "glossary",
                    "structured_data",
                    "shared_text",
                    "outbound_links",
                )
            }
        )
    finally:
        sys.path.remove(str(HOOKS))
