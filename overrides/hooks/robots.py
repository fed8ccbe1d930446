"""robots.txt, written at build time so that its sitemap links follow `site_url`.

It lives at the site's root and names the search engines' sitemap of each edition
(sitemap-hreflang.xml: every page with its counterparts; see _editions.py): the English
build writes it, each other edition built into its folder of the site adds its own.
"""

from __future__ import annotations

import _editions
from mkdocs.config.defaults import MkDocsConfig

SITEMAP = "sitemap-hreflang.xml"  # theme.static_templates in mkdocs.yml


def on_post_build(config: MkDocsConfig) -> None:
    root = _editions.site_root(config)
    if root is None:
        return  # an edition alone (a preview) has no site root to speak for
    path = root / "robots.txt"
    sitemap = f"Sitemap: {(config.site_url or '/').rstrip('/')}/{SITEMAP}\n"
    if not _editions.current(config).path:
        path.write_text(f"User-agent: *\nDisallow: /admin\nDisallow: /api/\n\n{sitemap}", encoding="utf-8")
    elif path.is_file() and sitemap not in path.read_text(encoding="utf-8"):
        with path.open("a", encoding="utf-8") as handle:
            handle.write(sitemap)
