"""Reading a thread for a request: the cached public view, or a browser's own view made from it.

GET /api/comments is the service's busiest route, so what it needs comes as one
dependency: the public view from memory (infra/thread_cache.py) for anyone without an
honoured edit token. A browser with one sees the same cached view with its own
comments marked and its pending ones in their places: one small indexed query for its
own comments (usually none: then the public body itself), never the whole thread again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import anyio.to_thread

from ..core.comments import author_token_hash
from ..core.page_info import PageInfo, page_accepting_comments
from ..core.states import ModerationMode
from ..core.thread_view import answered_among, own_comments, thread_view, with_own
from ..core.tokens import Signer
from ..infra.database import Database
from ..infra.page_list import PageList
from ..infra.settings import Settings
from ..infra.thread_cache import Body, PublicThreads


@dataclass(frozen=True)
class ThreadReader:
    pages: PageList
    public: PublicThreads
    database: Database
    signer: Signer
    settings: Settings

    async def read(self, thread: str, token: str | None) -> tuple[Body, bool]:
        """The thread's body, and whether it is private to this browser; NotFound for no such page."""
        page = page_accepting_comments(self.pages, thread)
        token_hash = author_token_hash(self.signer, self.settings, token)
        public = await self.public.body(page)
        if token_hash is None:
            return public, False
        return await anyio.to_thread.run_sync(self._own_view, page, token_hash, public), True

    def _own_view(self, page: PageInfo, token_hash: str, public: Body) -> Body:
        with self.database.read() as session:
            own = own_comments(session, page.thread, token_hash)
            if not own:
                return public  # nothing of theirs shows: exactly what everyone sees
            answered: set[int | None] = set()
            if self.settings.moderation is ModerationMode.ALL:
                answered = answered_among(session, [row.id for row in own])
            merged = with_own(json.loads(public.raw), own, token_hash, self.settings, answered)
            if merged is None:
                merged = thread_view(session, self.settings, page, token_hash)
        return Body.of(merged)
