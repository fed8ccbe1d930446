"""Every built page of both editions in Chromium, as `make serve` serves it (`comments serve --site`, which
sends the build's Content-Security-Policy): axe-core (WCAG 2.2 AA) in the light and the
dark palette, and not one violation of the policy.

One Debian chromium per worker, one context per palette (the palette follows the
system preference, which the context emulates), one tab reused for every page. An init
script records every `securitypolicyviolation` event; Chromium's console errors about
the policy and any request to another host count too. The service's own pages (the
no-JavaScript discussion, the moderator sign-in) are swept with the site's.
What only happens on use (the comments widget, search, the palette toggle, instant
navigation) is tried under the policy in tests/e2e/test_content_security_policy.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Request

from tests.browser import RECORD_CSP_VIOLATIONS, SCHEMES, WCAG_22_AA

pytestmark = pytest.mark.browser


def swept_paths(built_site: Path, built_pages: list[Path]) -> list[str]:
    """Every built page, then the service's own pages, as paths from the site's root."""
    paths = [path.relative_to(built_site).as_posix().removesuffix("index.html") for path in built_pages]
    threads = json.loads((built_site / "comments-pages.json").read_text(encoding="utf-8"))["threads"]
    return [*paths, f"api/discussion?thread={next(iter(threads))}", "admin"]


def report(found: list[tuple[str, str]]) -> str:
    return "\n".join(f"{page}: {problem}" for page, problem in found)


@pytest.mark.parametrize("palette", sorted(SCHEMES))
def test_every_page_has_no_wcag_22_aa_violations_and_keeps_the_security_policy(
    browser: Browser, served_site: str, built_site: Path, built_pages: list[Path], palette: str
) -> None:
    axe = Axe()
    context = browser.new_context(color_scheme=palette)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    ours = urlsplit(served_site).netloc
    axe_found: list[tuple[str, str]] = []
    policy_found: list[tuple[str, str]] = []
    here = ""

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            policy_found.append((here, message.text))

    def request(sent: Request) -> None:
        if urlsplit(sent.url).scheme in ("http", "https") and urlsplit(sent.url).netloc != ours:
            policy_found.append((here, f"request to another host: {sent.url}"))

    paths = swept_paths(built_site, built_pages)
    try:
        tab = context.new_page()
        tab.on("console", console)
        tab.on("request", request)
        for here in paths:  # the listeners above read `here`
            response = tab.goto(served_site + here, wait_until="load")
            assert response is not None
            assert response.headers.get("content-security-policy"), f"{here}: sent without a policy"
            # The palette really is the one under test (Material sets it from the preference).
            scheme = tab.evaluate("document.body.getAttribute('data-md-color-scheme')")
            assert scheme == SCHEMES[palette], f"{here}: palette {scheme}"
            result = axe.run(
                tab,
                options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
            )
            for violation in result.response["violations"]:
                for node in violation["nodes"]:
                    target = " ".join(str(part) for part in node["target"])
                    axe_found.append((here, f"{violation['id']} [{violation.get('impact')}] {target}"))
            policy_found += [(here, text) for text in tab.evaluate("window.__cspViolations")]
    finally:
        context.close()
    assert len(paths) == len(built_pages) + 2
    assert len([path for path in paths if path.startswith("es/")]) > 10  # the Spanish edition too
    assert not policy_found, f"{len(policy_found)} policy violations ({palette}):\n{report(policy_found)}"
    assert not axe_found, f"{len(axe_found)} axe violations ({palette}):\n{report(axe_found)}"
