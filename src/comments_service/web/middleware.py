"""Request guards that must act before any handler: body size, floods, safe headers, proxies."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..core.clients import client_address, client_key, untrusted_local_proxy
from ..core.guard import FullWindows, too_fast
from ..core.tokens import Signer
from ..infra.settings import Settings
from .problems import page_language, problem

log = logging.getLogger(__name__)


class BodyLimit:
    """Refuse bodies over the limit with 413 before anything parses them.

    A declared Content-Length is checked first; a body sent without one is read
    only up to the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        try:
            too_big = declared is not None and int(declared) > self.max_bytes
        except ValueError:
            too_big = True
        if too_big:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        detail = f"The request is larger than {self.max_bytes // 1024} KB; nothing was saved."
        payload = json.dumps({"detail": detail, "field": "body"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


class FloodGate:
    """Answer 429 at once to posts from a client already known to be over its limit.

    Posting (core/posting.py) records such clients in `full_windows`. Their next posts
    are refused here, before the body is read, parsed or validated and before a worker
    thread is taken: the cost of two HMACs, so that one client's flood takes little
    from the readers sharing the service.
    """

    def __init__(self, app: ASGIApp, settings: Settings, signer: Signer, full_windows: FullWindows):
        self.app, self.settings, self.signer, self.full_windows = app, settings, signer, full_windows

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/api/comments":
            peer = scope.get("client")
            address = client_address(
                peer[0] if peer else None,
                Headers(scope=scope).get("x-forwarded-for"),
                self.settings.trusted_proxies,
            )
            wait = self.full_windows.wait(client_key(self.signer, address, self.settings.ipv6_prefix_length))
            if wait:
                refused = too_fast(wait)
                said = refused.said_in(page_language(QueryParams(scope.get("query_string", b""))))
                await problem(429, said, refused.field, retry_after=wait)(scope, receive, send)
                return
        await self.app(scope, receive, send)


@dataclass
class ProxyNotice:
    """The first local proxy seen forwarding requests without being trusted, for /admin's banner."""

    address: str | None = None


class ProxyCheck:
    """Notice, once per process, requests forwarded by a local proxy that is not trusted.

    Behind nginx without COMMENTS_TRUSTED_PROXIES every visitor is 127.0.0.1 to the
    limits. This logs a loud warning and keeps the address for a banner in /admin.
    """

    def __init__(self, app: ASGIApp, settings: Settings, notice: ProxyNotice):
        self.app, self.settings, self.notice = app, settings, notice

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.notice.address is None:
            peer = scope.get("client")
            address = peer[0] if peer else None
            if untrusted_local_proxy(address, Headers(scope=scope), self.settings.trusted_proxies):
                self.notice.address = address
                log.warning(
                    "REQUESTS COME THROUGH A PROXY AT %s THAT IS NOT TRUSTED: every visitor counts as %s "
                    "for rate limits and the login lockout. Set COMMENTS_TRUSTED_PROXIES=%s.",
                    address,
                    address,
                    address,
                )
        await self.app(scope, receive, send)


# The policy of a site built without one (see site_files.site_policy): framing is still refused.
FRAMING_ONLY = "frame-ancestors 'self'"


class SecurityHeaders:
    """Headers every response carries, and those every page carries.

    A page's Content-Security-Policy is the built site's (its pages and this service's
    own share the site's shell) or the plain shell's. No other site may frame a page
    (`frame-ancestors 'self'`, and X-Frame-Options for browsers without CSP), so a
    framed form cannot be clicked from elsewhere; /admin is never framed or cached.
    Scripts, styles and JSON go without the policy: it rules documents only, and over
    HTTP/1.1 each copy would cost every request most of a kilobyte.
    """

    def __init__(self, app: ASGIApp, policy: str):
        self.app = app
        self.always = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
        self.page = [(b"content-security-policy", policy.encode()), (b"x-frame-options", b"SAMEORIGIN")]
        self.admin_always = [*self.always, (b"cache-control", b"no-store")]
        self.admin_page = [
            (b"content-security-policy", _frame_ancestors(policy, "'none'").encode()),
            (b"x-frame-options", b"DENY"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        admin = scope["path"].startswith("/admin")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                added = self.admin_always if admin else self.always
                if any(name == b"content-type" and value.startswith(b"text/html") for name, value in headers):
                    added = added + (self.admin_page if admin else self.page)
                names = {name for name, _ in added}
                message["headers"] = [h for h in headers if h[0] not in names] + added
            await send(message)

        await self.app(scope, receive, with_headers)


def _frame_ancestors(policy: str, sources: str) -> str:
    """The policy with its frame-ancestors directive set to `sources`."""
    directives = [
        d.strip() for d in policy.split(";") if d.strip() and not d.strip().startswith("frame-ancestors")
    ]
    return "; ".join([*directives, f"frame-ancestors {sources}"])
