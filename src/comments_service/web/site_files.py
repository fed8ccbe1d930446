"""The built site's files, served from the same port as the API (`make serve`).

In production a web server serves site/ and forwards /api/ and /admin here
(deploy/nginx.conf); this keeps the one-command setup on the same origin.
Text files go out gzip-compressed when the client accepts it, each form with an
ETag of its own (see representations.py), compressed once per version of the file;
where the build wrote a smaller gzip form beside the file (`name.min.js.gz`, by
zopfli: overrides/hooks/precompress.py), that one is sent. Material's fingerprinted
assets are cached for a year.

The build writes the site's Content-Security-Policy into _headers/ (see
overrides/hooks/content_security_policy.py); the app sends it with every page, and
that folder is never served.
"""

from __future__ import annotations

import gzip
import json
import logging
import mimetypes
import os
import re
from collections import OrderedDict
from pathlib import Path, PurePath

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

from .representations import accepts_gzip, client_has, gzip_etag

log = logging.getLogger(__name__)

_FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(js|css)$")
_COMPRESSIBLE = re.compile(r"^(text/|image/svg\+xml|application/(javascript|json|xml|atom\+xml|rss\+xml))")
MINIMUM_SIZE = 512  # smaller bodies gain less than gzip's own overhead
POLICY_FOLDER = "_headers"
POLICY_FILE = "content-security-policy.json"


def site_policy(directory: Path) -> str | None:
    """The Content-Security-Policy the build wrote for the site in `directory`, if it did."""
    path = directory / POLICY_FOLDER / POLICY_FILE
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["content_security_policy"])
    except (OSError, ValueError, KeyError) as error:
        log.warning(
            "%s is missing or unreadable (%s): the site was built without "
            "overrides/hooks/content_security_policy.py, so its pages get no script policy",
            path,
            error,
        )
        return None


class CompressedFiles:
    """The gzip form of each file, made once per version (its ETag) and kept within a budget."""

    def __init__(self, budget_bytes: int = 32 * 1024 * 1024):
        self._budget = budget_bytes
        self._size = 0
        self._entries: OrderedDict[tuple[str, str], bytes] = OrderedDict()

    async def get(self, path: str, etag: str) -> bytes:
        key = (path, etag)
        body = self._entries.get(key)
        if body is not None:
            self._entries.move_to_end(key)
            return body
        body = await anyio.to_thread.run_sync(_compress, path)
        if key not in self._entries:
            self._entries[key] = body
            self._size += len(body)
        while self._size > self._budget and self._entries:
            self._size -= len(self._entries.popitem(last=False)[1])
        return body


def _compress(path: str) -> bytes:
    """The file's gzip form: the build's own if it wrote one after the file, else made here."""
    built = Path(f"{path}.gz")
    if built.is_file() and built.stat().st_mtime >= os.stat(path).st_mtime:
        return built.read_bytes()
    with open(path, "rb") as handle:
        return gzip.compress(handle.read(), compresslevel=6, mtime=0)


class SiteFiles(StaticFiles):
    def __init__(self, directory: Path):
        super().__init__(directory=directory, html=True)
        self._compressed = CompressedFiles()

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if PurePath(path).parts[:1] == (POLICY_FOLDER,):
            return "", None  # answered with the site's 404 page
        return super().lookup_path(path)

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        # Conditions are checked in get_response, against the representation chosen there.
        return FileResponse(full_path, status_code=status_code, stat_result=stat_result)

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if isinstance(response, FileResponse):
            response = await self._represent(response, Headers(scope=scope), scope["method"])
        return response

    async def _represent(self, file: FileResponse, request: Headers, method: str) -> Response:
        """The file as is or gzip-compressed, or 304 when the client already has that form."""
        path = str(file.path)
        fingerprinted = _FINGERPRINTED.search(path)
        file.headers["Cache-Control"] = (
            "public, max-age=31536000, immutable" if fingerprinted else "public, no-cache"
        )
        response: Response = file
        if _is_compressible(path, file.media_type or "", file.headers):
            file.headers.add_vary_header("Accept-Encoding")
            if accepts_gzip(request.get("accept-encoding", "")):
                etag = gzip_etag(file.headers["etag"])
                body = await self._compressed.get(path, etag)
                headers = {
                    k: v for k, v in file.headers.items() if k not in ("content-length", "accept-ranges")
                }
                headers |= {"etag": etag, "content-encoding": "gzip", "content-length": str(len(body))}
                response = Response(b"" if method == "HEAD" else body, file.status_code, headers)
        if response.status_code == 200 and (
            client_has(request.get("if-none-match"), response.headers["etag"])
            if "if-none-match" in request
            else self.is_not_modified(response.headers, request)  # If-Modified-Since alone
        ):
            return NotModifiedResponse(response.headers)
        return response


def _is_compressible(path: str, media_type: str, headers: Headers) -> bool:
    already_encoded = mimetypes.guess_type(path)[1] is not None  # sitemap.xml.gz
    size = int(headers.get("content-length", "0"))
    return bool(_COMPRESSIBLE.match(media_type)) and not already_encoded and size >= MINIMUM_SIZE


def site_app(directory: Path) -> SiteFiles:
    return SiteFiles(directory)
