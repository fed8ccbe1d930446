"""The application factory: `create_app(settings)` wires settings, database, routes and middleware.

Nothing is built at import time, so tests and several instances can each make
their own app with their own settings. What handlers need is put on `app.state`
once, here, and reaches them as typed dependencies (dependencies.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from anyio import CapacityLimiter
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.telemetry import TelemetryConfig

from .. import __version__
from ..core.feedback import FeedbackContext
from ..core.guard import FullWindows
from ..core.posting import PostingContext
from ..core.tokens import Signer
from ..infra.database import Database
from ..infra.group_commit import GroupCommit
from ..infra.housekeeping import mail_forever, run_forever
from ..infra.page_list import PageList
from ..infra.schema_upgrade import migrate
from ..infra.settings import Settings
from ..infra.thread_cache import PublicThreads
from . import admin_common, problems
from .comment_submission import Submissions
from .middleware import FRAMING_ONLY, BodyLimit, FloodGate, ProxyCheck, ProxyNotice, SecurityHeaders
from .page_shell import FALLBACK_POLICY, PageShell
from .routers import admin, admin_feedback, admin_people, admin_queue, api, commenter, discussion, feedback
from .site_files import site_app, site_policy
from .thread_reader import ThreadReader

TELEMETRY_OFF: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}
# Threads per process that check and render posts; their writes then wait for a batch
# without holding one (a lone post's thread writes it itself: infra/group_commit.py).
# With 16 posting clients, 2 threads posted about 1.2 times as fast
# as the shared pool's 40 (medians of five runs: 644 against 550 posts/s, before group
# commit). Reads and every other request keep the shared pool.
POSTING_THREADS = 2


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    database = Database.open(settings.database_url, settings.sqlite_synchronous)
    app = FastAPI(
        title="Comments",
        version=__version__,
        summary="Self-hosted comments for the Medical Massage San Diego site.",
        lifespan=_lifespan(settings, database),
        # No documentation pages: FastAPI's load Swagger UI and ReDoc from a CDN. The schema
        # stays, for any OpenAPI viewer the reader runs themselves.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        # No tracking: FastAPI's built-in OpenTelemetry stays off, whatever the environment says.
        telemetry=TELEMETRY_OFF,
    )
    _wire(app, settings, database)
    problems.install(app)
    admin_common.install(app)
    app.include_router(api.router)
    app.include_router(discussion.router)
    app.include_router(feedback.router)
    app.include_router(commenter.router)
    app.include_router(admin.router)
    # Before admin_queue: its /comments/{id}/{action} would otherwise take /block and /trust.
    app.include_router(admin_people.router)
    app.include_router(admin_queue.router)
    app.include_router(admin_feedback.router)
    _add_middleware(app, settings)
    if settings.site_dir is not None:
        app.mount("/", site_app(settings.site_dir), name="site")
    return app


def _wire(app: FastAPI, settings: Settings, database: Database) -> None:
    """What the handlers and middleware need, built once (see dependencies.py)."""
    state = app.state
    state.settings, state.database = settings, database
    state.signer = Signer(settings.resolved_secret())
    state.page_list = PageList(settings.pages_file)
    state.public_threads = PublicThreads(database, settings)
    state.thread_reader = ThreadReader(
        state.page_list, state.public_threads, database, state.signer, settings
    )
    state.page_shell = PageShell(settings.site_dir)
    state.group_commit = GroupCommit(
        database, settings.group_commit_max_batch, settings.group_commit_max_wait_ms / 1000
    )
    state.posting = PostingContext(settings, state.signer, state.group_commit, state.page_list, FullWindows())
    state.posting_threads = CapacityLimiter(POSTING_THREADS)
    state.submissions = Submissions(state.posting, settings, database, state.posting_threads)
    feedback_pages = PageList(settings.feedback_pages_file, section="pages")
    state.feedback = FeedbackContext(settings, state.signer, database, feedback_pages)
    state.proxy_notice = ProxyNotice()


def _lifespan(
    settings: Settings, database: Database
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    """Migrations and housekeeping while the app serves; its connections closed after."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.auto_migrate:
            await asyncio.to_thread(migrate, settings.database_url)
        app.state.public_threads.start()
        housekeeping = asyncio.create_task(run_forever(database, settings))
        mail = asyncio.create_task(mail_forever(database, settings, app.state.signer))
        try:
            yield
        finally:
            housekeeping.cancel()
            mail.cancel()
            await asyncio.to_thread(app.state.group_commit.close)
            app.state.public_threads.close()
            database.close()

    return lifespan


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    """The request guards, outermost last."""
    state = app.state
    # Innermost of the middleware: its 429s still get CORS and security headers.
    app.add_middleware(
        FloodGate, settings=settings, signer=state.signer, full_windows=state.posting.full_windows
    )
    app.add_middleware(ProxyCheck, settings=settings, notice=state.proxy_notice)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Content-Type", api.TOKEN_HEADER],
            expose_headers=["ETag"],
            max_age=3600,
        )
    # With a built site, its pages and ours (set in its shell) share the build's policy.
    policy = FALLBACK_POLICY
    if settings.site_dir is not None:
        policy = site_policy(settings.site_dir) or FRAMING_ONLY
    app.add_middleware(SecurityHeaders, policy=policy)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
