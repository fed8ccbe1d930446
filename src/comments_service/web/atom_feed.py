"""An Atom feed of one thread's approved comments."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree as ET

from ..core.models import Comment
from ..core.page_info import PageInfo
from ..core.times import as_utc, iso

ATOM = "http://www.w3.org/2005/Atom"


def atom(public_url: str, page: PageInfo, comments: list[Comment]) -> bytes:
    base = public_url.rstrip("/")
    host = urlsplit(base).hostname or "localhost"
    root = ET.Element("feed", xmlns=ATOM)
    ET.SubElement(root, "title").text = f"Comments on {page.title}"
    ET.SubElement(root, "id").text = f"tag:{host},2026:thread:{page.thread}"
    ET.SubElement(root, "link", rel="alternate", href=base + page.url)
    ET.SubElement(root, "link", rel="self", href=f"{base}/api/feed?thread={quote(page.thread, safe='')}")
    newest = max(
        (as_utc(c.edited_at or c.created_at) for c in comments),
        default=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    ET.SubElement(root, "updated").text = iso(newest)
    for comment in comments:
        entry = ET.SubElement(root, "entry")
        ET.SubElement(entry, "title").text = f"Comment by {comment.name}"
        ET.SubElement(entry, "id").text = f"tag:{host},2026:comment:{comment.id}"
        ET.SubElement(entry, "link", rel="alternate", href=f"{base}{page.url}#comment-{comment.id}")
        ET.SubElement(entry, "updated").text = iso(comment.edited_at or comment.created_at)
        ET.SubElement(entry, "published").text = iso(comment.created_at)
        ET.SubElement(ET.SubElement(entry, "author"), "name").text = comment.name
        ET.SubElement(entry, "content", type="html").text = comment.html
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
