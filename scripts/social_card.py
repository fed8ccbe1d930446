"""Draw the default social-media card (docs/assets/images/social-card.png, 1200×630).

Link previews (Open Graph, Twitter cards) need a bitmap, so this renders a small
HTML card with the site's logo and colours in Debian's chromium and saves it.
Run it again after changing the logo or the site's name:

    .venv/bin/python scripts/social_card.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
# The browser recipe of the tests: Debian's chromium, nothing loaded from another host.
sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

LOGO = (ROOT / "overrides/assets/images/logo.svg").read_text(encoding="utf-8")
OUTPUT = ROOT / "docs/assets/images/social-card.png"

CARD = f"""<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; width: 1200px; height: 630px; display: flex; flex-direction: column;
  justify-content: center; padding: 0 96px; box-sizing: border-box; background: #0b5e57; color: #fff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }}
.logo {{ width: 120px; height: 120px; margin-bottom: 40px; }}
h1 {{ font-size: 64px; line-height: 1.1; margin: 0 0 28px; font-weight: 700; }}
p {{ font-size: 36px; line-height: 1.35; margin: 0; color: #d7efec; max-width: 960px; }}
</style></head><body>
<div class="logo">{LOGO}</div>
<h1>Medical Massage San Diego</h1>
<p>What it is, what the research shows, and how to use it safely. Every source named.</p>
</body></html>"""


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(CARD)
        page.screenshot(path=str(OUTPUT))
        browser.close()
    print(f"Wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
