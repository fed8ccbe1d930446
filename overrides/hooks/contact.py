"""The editors' contact address, from one setting: `extra.contact_email` (CONTACT_EMAIL).

A page or an include writes `{{contact_email}}` wherever the address goes, as text or
in a link (`[{{contact_email}}](mailto:{{contact_email}})`); this hook puts the address
in once the page is rendered, except inside code, where the handbook shows the
placeholder itself. Markdown leaves the placeholder alone, so nothing else parses it.
"""

from __future__ import annotations

import html
import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

PLACEHOLDER = "{{contact_email}}"
_CODE = re.compile(r"(<code\b.*?</code>)", re.DOTALL)


@event_priority(50)  # before plugins read the HTML (search, the blog's excerpts, the RSS feed)
def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if PLACEHOLDER not in content:
        return content
    address = html.escape(str(config.extra["contact_email"]), quote=True)
    parts = _CODE.split(content)  # odd items are code
    return "".join(
        part if index % 2 else part.replace(PLACEHOLDER, address) for index, part in enumerate(parts)
    )
