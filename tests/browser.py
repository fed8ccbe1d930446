"""How every browser check drives Chromium: Debian's build, and nothing from another host.

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
