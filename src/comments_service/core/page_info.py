"""The pages that accept comments, as the rules see them: a thread key, an address, a title.

Which pages those are is the site build's to say (infra/page_list.py reads its list);
a thread that is not on it does not exist as far as the rules are concerned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .errors import NotFound
from .messages import Text


@dataclass(frozen=True)
class PageInfo:
    thread: str
    url: str
    title: str


class KnownPages(Protocol):
    def get(self, thread: str) -> PageInfo | None: ...


def page_accepting_comments(pages: KnownPages, thread: str) -> PageInfo:
    """The page of `thread`; NotFound when no page of the site accepts comments under it."""
    page = pages.get(thread)
    if page is None:
        raise NotFound("thread", Text("page-closed"))
    return page
