"""The application factory: `create_app(settings)` wires settings, database and routes.

Nothing is built at import time, so tests and several instances can each make
their own app with their own settings.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.telemetry import TelemetryConfig

from . import __version__, errors
from .cache import PublicThreads
from .db import make_engine, migrate, session_factory
from .maintenance import run_forever
from .middleware import FRAMING_ONLY, BodyLimit, FloodGate, ProxyCheck, SecurityHeaders
from .pages import Pages
from .routers import admin, api, discussion
from .security import Signer
from .services import Services
from .settings import Settings
from .shell import FALLBACK_POLICY, Shell
from .site import site_app, site_policy

TELEMETRY_OFF: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(settings.database_url, settings.sqlite_synchronous)
    sessions = session_factory(engine)
    svc = Services(
        settings=settings,
        engine=engine,
        sessions=sessions,
        signer=Signer(settings.resolved_secret()),
        pages=Pages(settings.pages_file),
        threads=PublicThreads(engine, sessions, settings),
        shell=Shell(settings.site_dir),
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.auto_migrate:
            await asyncio.to_thread(migrate, settings.database_url)
        housekeeping = asyncio.create_task(run_forever(svc.sessions, settings))
        try:
            yield
        finally:
            housekeeping.cancel()
            svc.threads.close()
            engine.dispose()

    app = FastAPI(
        title="Comments",
        version=__version__,
        summary="Self-hosted comments for the Medical Massage San Diego site.",
        lifespan=lifespan,
        # No documentation pages: FastAPI's load Swagger UI and ReDoc from a CDN. The schema
        # stays, for any OpenAPI viewer the reader runs themselves.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        # No tracking: FastAPI's built-in OpenTelemetry stays off, whatever the environment says.
        telemetry=TELEMETRY_OFF,
    )
    app.state.services = svc
    errors.install(app)
    app.include_router(api.router)
    app.include_router(discussion.router)
    app.include_router(admin.router)
    # Innermost of the middleware: its 429s still get CORS and security headers.
    app.add_middleware(FloodGate, services=svc)
    app.add_middleware(ProxyCheck, services=svc)
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
    if settings.site_dir is not None:
        app.mount("/", site_app(settings.site_dir), name="site")
    return app
