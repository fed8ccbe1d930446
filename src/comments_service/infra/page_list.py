"""The site build's lists of pages, as it last wrote them: those that accept comments
(comments-pages.json, "threads") and those that ask for feedback (feedback-pages.json, "pages").

MkDocs writes the files (overrides/hooks/comment_pages.py, feedback_pages.py). The
service re-reads one when it changes, so a rebuilt site needs no restart. A page that
is not in its file does not exist as far as the rules are concerned (core/page_info.py).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

from ..core.page_info import PageInfo

log = logging.getLogger(__name__)


class PageList:
    """The file's pages by key, read again at most every `check_every` seconds if it changed.

    `section` is the file's map of pages: "threads" (by thread key) or "pages" (by path).
    """

    def __init__(self, path: Path, check_every: float = 1.0, section: str = "threads"):
        self.path = path
        self.section = section
        self._check_every = check_every
        self._checked = 0.0
        self._mtime: float | None = None
        self._pages: dict[str, PageInfo] = {}
        self._lock = threading.Lock()

    def get(self, thread: str) -> PageInfo | None:
        self._refresh()
        return self._pages.get(thread)

    def _refresh(self) -> None:
        if time.monotonic() - self._checked < self._check_every:
            return
        with self._lock:
            now = time.monotonic()
            if now - self._checked < self._check_every:
                return  # another thread refreshed while this one waited
            try:
                self._reload()
            finally:
                # Marked fresh only once loaded: requests skip the lock while it is fresh,
                # and must not read the empty list of a service still loading it (they
                # answered "This page does not accept comments" at startup under load).
                self._checked = now

    def _reload(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            if self._mtime is not None:
                log.warning("%s is missing; no page is listed in it", self.path)
            self._pages, self._mtime = {}, None
            return
        if mtime == self._mtime:
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            threads = data[self.section]
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.error("cannot read %s: %s", self.path, error)
            return
        self._pages = {
            key: PageInfo(thread=key, url=str(info.get("url", "")), title=str(info.get("title", "")))
            for key, info in threads.items()
        }
        self._mtime = mtime
