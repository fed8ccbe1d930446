"""Typed FastAPI dependencies: each handler names what it needs, built once per app by create_app.

Each reads one thing app_factory.create_app put on `app.state`. They are async: FastAPI
runs a plain def in a worker thread, which would cost every request a thread hop.
"""

from __future__ import annotations

from typing import Annotated

from anyio import CapacityLimiter
from fastapi import Depends, Request

from ..core.clients import client_address
from ..core.feedback import FeedbackContext
from ..core.tokens import Signer
from ..infra.database import Database
from ..infra.page_list import PageList
from ..infra.settings import Settings
from .comment_submission import Submissions
from .middleware import ProxyNotice
from .page_shell import PageShell
from .thread_reader import ThreadReader


async def _settings(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


async def _database(request: Request) -> Database:
    found: Database = request.app.state.database
    return found


async def _signer(request: Request) -> Signer:
    found: Signer = request.app.state.signer
    return found


async def _page_list(request: Request) -> PageList:
    found: PageList = request.app.state.page_list
    return found


async def _thread_reader(request: Request) -> ThreadReader:
    found: ThreadReader = request.app.state.thread_reader
    return found


async def _page_shell(request: Request) -> PageShell:
    found: PageShell = request.app.state.page_shell
    return found


async def _submissions(request: Request) -> Submissions:
    found: Submissions = request.app.state.submissions
    return found


async def _feedback(request: Request) -> FeedbackContext:
    found: FeedbackContext = request.app.state.feedback
    return found


async def _posting_threads(request: Request) -> CapacityLimiter:
    found: CapacityLimiter = request.app.state.posting_threads
    return found


async def _proxy_notice(request: Request) -> ProxyNotice:
    found: ProxyNotice = request.app.state.proxy_notice
    return found


async def _client_address(request: Request) -> str:
    """The client's address, believing X-Forwarded-For only from trusted proxies."""
    settings: Settings = request.app.state.settings
    return client_address(
        request.client.host if request.client else None,
        request.headers.get("x-forwarded-for"),
        settings.trusted_proxies,
    )


SettingsDep = Annotated[Settings, Depends(_settings)]
DatabaseDep = Annotated[Database, Depends(_database)]
SignerDep = Annotated[Signer, Depends(_signer)]
PageListDep = Annotated[PageList, Depends(_page_list)]
ThreadReaderDep = Annotated[ThreadReader, Depends(_thread_reader)]
PageShellDep = Annotated[PageShell, Depends(_page_shell)]
SubmissionsDep = Annotated[Submissions, Depends(_submissions)]
FeedbackDep = Annotated[FeedbackContext, Depends(_feedback)]
# The threads that check and render posts (CPU work): more of them only fight over the
# GIL. A write waits for its batch without a thread, unless the post is alone and its
# thread writes it at once (infra/group_commit.py; see app_factory.POSTING_THREADS).
PostingThreadsDep = Annotated[CapacityLimiter, Depends(_posting_threads)]
ProxyNoticeDep = Annotated[ProxyNotice, Depends(_proxy_notice)]
ClientAddress = Annotated[str, Depends(_client_address)]
