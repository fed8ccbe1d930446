"""robots.txt, written at build time so the sitemap link follows `site_url`."""

from __future__ import annotations

import os

from mkdocs.config.defaults import MkDocsConfig


def on_post_build(config: MkDocsConfig) -> None:
    site = (config.site_url or "/").rstrip("/") + "/"
    text = f"User-agent: *\nDisallow: /admin\nDisallow: /api/\n\nSitemap: {site}sitemap.xml\n"
    with open(os.path.join(config.site_dir, "robots.txt"), "w", encoding="utf-8") as handle:
        handle.write(text)
