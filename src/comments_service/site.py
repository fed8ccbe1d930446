"""Serving the built site from the same port as the API (`make serve`).

In production a web server serves site/ and forwards /api/ and /admin here
(deploy/nginx.conf); this keeps the one-command setup on the same origin.
Text files are compressed; Material's fingerprinted assets are cached for a year.
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Scope

_FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(js|css)$")


class SiteFiles(StaticFiles):
    def file_response(self, full_path: str | Path, *args: object, **kwargs: object) -> Response:  # type: ignore[override]
        response = super().file_response(full_path, *args, **kwargs)  # type: ignore[arg-type]
        if _FINGERPRINTED.search(str(full_path)):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["Cache-Control"] = "public, no-cache"
        return response

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if path.endswith(".xml") or path.endswith(".json"):
            response.headers.setdefault("Cache-Control", "public, no-cache")
        return response


def site_app(directory: Path) -> ASGIApp:
    return GZipMiddleware(SiteFiles(directory=directory, html=True), minimum_size=512, compresslevel=6)
