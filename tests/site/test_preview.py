"""The live preview, `make preview`: it follows edits to shared files, and each page shows its problems.

The browser tests run the command `make preview` runs (read from `make -n`) in a copy
of the project, on a free port of 127.0.0.1, open a page in Chromium, edit a file and
wait for the page to reload itself with the change. The helpers of
overrides/hooks/preview.py are tested on their own first.
"""

from __future__ import annotations

import importlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.e2e.conftest import free_port
from tests.site.conftest import HOOKS
from tests.site.pages import ROOT

PAGE = "docs/evidence/neck-pain.md"
URL = "evidence/neck-pain/"


@pytest.fixture(scope="module")
def preview() -> Iterator[ModuleType]:
    sys.path.insert(0, str(HOOKS))
    try:
        yield importlib.import_module("preview")
    finally:
        sys.path.remove(str(HOOKS))


# -- The banner's helpers ------------------------------------------------------------------


def test_messages_go_to_the_page_they_name_and_the_rest_to_every_page(
    preview: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    messages = [
        "docs/evidence/neck-pain.md:12: citation [@E999] is not in the sources register",
        "data/sources.yml:40: X1: grade must be A, B or C",
        "docs/evidence/neck-pain.md:12: citation [@E999] is not in the sources register",
        "docs/faq.md:3: 'description' is missing",
        "Something MkDocs says about no file in particular",
    ]
    own, shared = preview.by_page(messages, str(tmp_path / "docs"))
    assert own == {
        "evidence/neck-pain.md": [messages[0]],
        "faq.md": [messages[3]],
    }
    assert shared == [messages[1], messages[4]]


def test_the_banner_goes_above_the_content_and_replaces_the_last_one(preview: ModuleType) -> None:
    page = '<body><article class="md-content__inner md-typeset"><h1>Neck pain</h1></article></body>'
    first = preview.with_banner(page, preview.banner(["docs/x.md:3: <b>bold</b> problem"], []))
    assert first.index("sdm-problems") < first.index("<h1>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in first  # messages are text, never markup
    assert "1 problem on this page" in first
    second = preview.with_banner(
        first, preview.banner([], ["data/sources.yml:4: X1: grade must be A, B or C"])
    )
    assert second.count('sdm-problems"') == 1
    assert "docs/x.md:3" not in second
    assert "data/sources.yml:4" in second
    assert preview.with_banner(second, preview.banner([], [])) == page


def test_the_banner_carries_no_script(preview: ModuleType) -> None:
    # The site's Content-Security-Policy allows only the inline scripts it has hashed.
    banner = preview.banner(["docs/x.md:3: a problem"], ["data/sources.yml:4: another"])
    assert "<script" not in banner.lower()
    assert not re.search(r"\son\w+=", banner)


# -- The preview in a browser --------------------------------------------------------------


def preview_command(port: int) -> list[str]:
    """The `mkdocs serve` command of `make preview PORT=port`, as make would run it."""
    dry_run = subprocess.run(
        ["make", "-s", "-n", "preview", f"PORT={port}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    line = next(line for line in dry_run.stdout.splitlines() if "mkdocs serve" in line)
    argv = shlex.split(line)
    return [str(ROOT / argv[0]), *argv[1:]]


def test_make_preview_takes_the_port_and_rebuilds_only_saved_pages() -> None:
    assert preview_command(8123)[1:] == ["serve", "--dirty", "--dev-addr", "127.0.0.1:8123"]


class Preview:
    """`make preview`'s server on a copy of the project, and its terminal output."""

    def __init__(self, project: Path, base_url: str, log: Path) -> None:
        self.project, self.base_url, self.log = project, base_url, log

    def edit(self, relative: str, change: Callable[[str], str]) -> Callable[[], None]:
        """Save `relative` changed by `change`; returns what puts it back."""
        path = self.project / relative
        original = path.read_text(encoding="utf-8")
        path.write_text(change(original), encoding="utf-8")
        return lambda: path.write_text(original, encoding="utf-8")

    def terminal_warnings(self) -> list[str]:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return [line.split("WARNING -  ", 1)[1] for line in text.splitlines() if "WARNING -  " in line]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    project = tmp_path_factory.mktemp("preview")
    for part in ("docs", "overrides", "includes", "data"):
        shutil.copytree(ROOT / part, project / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    port = free_port()
    log = project / "preview.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            preview_command(port),
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base_url = f"http://127.0.0.1:{port}/"
        _wait_until_served(base_url, process, log)
        yield Preview(project, base_url, log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _wait_until_served(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make preview stopped:\n{log.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"make preview did not answer:\n{log.read_text()}", pytrace=False)


@pytest.fixture
def tab(browser: Any, served: Preview) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(served.base_url + URL)
    yield page
    context.close()


def wait_for(tab: Any, script: str, arg: object = None, timeout: float = 60) -> Any:
    """Poll `script` in the page until it returns something true; the page may reload meanwhile."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = tab.evaluate(script, arg)
            if found:
                return found
        except Error:  # the page is reloading
            pass
        time.sleep(0.05)
    pytest.fail(f"the page never showed it: {script} ({arg})", pytrace=False)


BANNER_ITEMS = "() => [...document.querySelectorAll('.sdm-problems li')].map(item => item.textContent)"


def test_the_preview_says_what_a_save_rebuilds_instead_of_mkdocs_dirty_warning(served: Preview) -> None:
    output = served.log.read_text(encoding="utf-8", errors="replace")
    assert "Preview: a save rebuilds its page; a change to a shared file rebuilds every page" in output
    assert "A 'dirty' build is being performed" not in output
    assert served.terminal_warnings() == []  # the real site previews without a problem


@pytest.mark.browser
def test_an_edit_of_the_sources_register_shows_in_the_open_page(served: Preview, tab: Any) -> None:
    restore = served.edit(
        "data/sources.yml",
        lambda text: text.replace(
            "    title: Massage for neck pain\n", "    title: Massage for sore necks\n", 1
        ),
    )
    try:
        wait_for(
            tab, "() => document.querySelector('.sdm-sources').textContent.includes('Massage for sore necks')"
        )
    finally:
        restore()
    wait_for(
        tab, "() => document.querySelector('.sdm-sources').textContent.includes('Massage for neck pain')"
    )


@pytest.mark.browser
def test_an_edit_of_the_abbreviations_shows_in_the_open_page(served: Preview, tab: Any) -> None:
    restore = served.edit(
        "includes/abbreviations.md",
        lambda text: re.sub(r"(?m)^\*\[sham\]: .*$", "*[sham]: A fake treatment.", text),
    )
    try:
        wait_for(
            tab, "() => [...document.querySelectorAll('abbr')].some(a => a.title === 'A fake treatment.')"
        )
    finally:
        restore()
    # Wait for the restoring rebuild, or its reload lands in the next test's page.
    wait_for(tab, "() => [...document.querySelectorAll('abbr')].some(a => a.title.startsWith('A pretend'))")


@pytest.mark.browser
def test_an_edit_of_a_template_in_overrides_shows_in_the_open_page(served: Preview, tab: Any) -> None:
    # The preview keeps compiled templates between rebuilds; a changed one is compiled again.
    links = "() => document.querySelector('.sdm-footer-links').textContent"
    wait_for(tab, f"() => ({links})().includes('Medical disclaimer')")
    restore = served.edit(
        "overrides/partials/copyright.html",
        lambda text: text.replace(">{{ words.disclaimer }}<", ">Disclaimer<"),
    )
    try:
        wait_for(
            tab, f"() => !({links})().includes('Medical disclaimer') && ({links})().includes('Disclaimer')"
        )
    finally:
        restore()
    wait_for(tab, f"() => ({links})().includes('Medical disclaimer')")


@pytest.mark.browser
def test_a_problem_introduced_while_previewing_shows_at_the_top_of_the_page(
    served: Preview, tab: Any
) -> None:
    assert tab.locator(".sdm-problems").count() == 0
    restore = served.edit(
        PAGE, lambda text: text.replace("\n## ", "\nMassage cures everything [@E999].\n\n## ", 1)
    )
    try:
        items = wait_for(tab, BANNER_ITEMS)
        line = (served.project / PAGE).read_text().splitlines().index("Massage cures everything [@E999].") + 1
        expected = f"docs/evidence/neck-pain.md:{line}: citation [@E999] is not in the sources register"
        assert [item for item in items if item.startswith(expected)] == [
            warning for warning in served.terminal_warnings() if warning.startswith(expected)
        ][:1]
        banner, heading = tab.locator(".sdm-problems").bounding_box(), tab.locator("h1").bounding_box()
        assert banner["y"] < heading["y"]  # above the page's title
        assert tab.locator(".sdm-problems").is_visible()
    finally:
        restore()
    wait_for(tab, "() => !document.querySelector('.sdm-problems') && document.querySelector('h1')")


@pytest.mark.browser
def test_a_problem_in_a_shared_file_shows_on_every_page(served: Preview, tab: Any) -> None:
    restore = served.edit(
        "data/sources.yml", lambda text: text.replace("    grade: A\n", "    grade: Z\n", 1)
    )
    try:
        items = wait_for(tab, BANNER_ITEMS)
        assert any(re.match(r"data/sources\.yml:\d+: \w+: grade must be A, B or C", item) for item in items)
        other = tab.context.new_page()
        other.goto(served.base_url + "faq/")
        assert any("grade must be A, B or C" in item for item in other.evaluate(BANNER_ITEMS))
        other.close()
    finally:
        restore()
    wait_for(tab, "() => !document.querySelector('.sdm-problems') && document.querySelector('h1')")
