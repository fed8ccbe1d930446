"""Reading a thread for a request: the cached public view, or a browser's own view.

GET /api/comments is the service's busiest route, so what it needs comes as one
dependency: the public view from memory (infra/thread_cache.py) for anyone without an
honoured edit token, and a fresh view with that author's pending comments for anyone with one.
"""

from __future__ import annotations

from dataclasses import dataclass

import anyio.to_thread

from ..core.comments import author_token_hash
from ..core.page_info import PageInfo, page_accepting_comments
from ..core.thread_view import thread_view
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
        if token_hash is None:
            return await self.public.body(page), False
        return await anyio.to_thread.run_sync(self._own_view, page, token_hash), True

    def _own_view(self, page: PageInfo, token_hash: str) -> Body:
        with self.database.read() as session:
            return Body.of(thread_view(session, self.settings, page, token_hash))
