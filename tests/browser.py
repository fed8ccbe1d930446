"""How every browser check drives Chromium: Debian's build, nothing from another host, and
a record of anything the Content-Security-Policy blocks.

Used by the browser tests (tests/e2e, tests/site/test_accessibility.py) and by the
benchmarks that load pages (bench/page_weight.py, bench/lighthouse.py), so they all
see the site the same way. Nothing here downloads a browser.
"""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing leaves the machine: every host but ours fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]
# axe-core's tags for WCAG 2.2 level AA (which includes A, and 2.0 and 2.1).
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Material's value of data-md-color-scheme for each emulated system preference (the
# site's palette follows the reader's system setting; a browser context emulates it).
SCHEMES = {"light": "default", "dark": "slate"}
# An init script (context.add_init_script): it runs in every document before the page's
# own scripts and keeps each `securitypolicyviolation` in window.__cspViolations.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"} ` +
    `(${event.sourceFile}:${event.lineNumber}) ${event.sample}`);
});
"""
