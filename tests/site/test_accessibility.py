"""axe-core (WCAG 2.2 AA) over every built page, in the light and the dark palette.

One Debian chromium per worker, one context per palette (the palette follows the
system preference, which the context emulates), one tab reused for every page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from tests.browser import SCHEMES, WCAG_22_AA

pytestmark = pytest.mark.browser


def violations_text(found: list[tuple[str, str, str, str]]) -> str:
    return "\n".join(f"{rule} [{impact}] {target} on {page}" for page, rule, impact, target in found)


@pytest.mark.parametrize("palette", sorted(SCHEMES))
def test_every_page_has_no_wcag_22_aa_violations(
    browser: Browser, served_site: str, built_site: Path, built_pages: list[Path], palette: str
) -> None:
    axe = Axe()
    context = browser.new_context(color_scheme=palette)
    found: list[tuple[str, str, str, str]] = []
    try:
        tab = context.new_page()
        for path in built_pages:
            relative = path.relative_to(built_site).as_posix()
            tab.goto(served_site + relative.removesuffix("index.html"), wait_until="load")
            # The palette really is the one under test (Material sets it from the preference).
            scheme = tab.evaluate("document.body.getAttribute('data-md-color-scheme')")
            assert scheme == SCHEMES[palette], f"{relative}: palette {scheme}"
            result = axe.run(
                tab,
                options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
            )
            for violation in result.response["violations"]:
                for node in violation["nodes"]:
                    target = " ".join(str(part) for part in node["target"])
                    found.append((relative, violation["id"], str(violation.get("impact")), target))
    finally:
        context.close()
    assert not found, f"{len(found)} violations ({palette}):\n{violations_text(found)}"
