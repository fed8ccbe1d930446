"""How `comments serve` runs uvicorn: limits for a server that may face clients directly.

uvicorn's httptools protocol sets no limit on a request's head and no time limit on
receiving a request: a connection sending half a request stayed open for good, and
20 connections each sending a 30 MB header line took the process from 98 to 758 MB.
GuardedHttpToolsProtocol adds both (nginx has its own, but an operator may skip it):

- a request's head (request line and headers) over MAX_HEAD_BYTES is answered 431
  and the connection closed, before the parser has kept more than a read's worth;
- a request must arrive whole (head and body) within REQUEST_SECONDS of its first
  byte, or of the connection opening; otherwise the connection is closed.

Between requests, uvicorn's keep-alive timeout (KEEP_ALIVE_SECONDS) closes idle
connections, and beyond MAX_CONNECTIONS per worker new requests get a 503.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 32 * 1024  # as nginx's default large_client_header_buffers (4 × 8k)
REQUEST_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 5
MAX_CONNECTIONS = 1000


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a size limit on request heads and a time limit on requests."""

    # uvicorn's own signature, which narrows asyncio.Protocol's (its ignore is repeated here).
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._in_head = True
        self._head_bytes = 0
        self._deadline: asyncio.TimerHandle | None = None
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._deadline is None:
            self._arm()  # bytes of a next request after a keep-alive pause
        super().data_received(data)
        if self._in_head and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse(431, b"Request Header Fields Too Large")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head, self._head_bytes = True, 0
        self._arm()

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()  # the whole request is here: the app takes as long as it takes
        super().on_message_complete()

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(REQUEST_SECONDS, self._too_slow)

    def _disarm(self) -> None:
        deadline: asyncio.TimerHandle | None = getattr(self, "_deadline", None)  # None before the first _arm
        if deadline is not None:
            deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            if self.cycle is None or self.cycle.response_complete:
                self._refuse(408, b"Request Timeout")
            else:
                self.transport.close()  # a response is under way: just stop

    def _refuse(self, status: int, reason: bytes) -> None:
        body = reason + b"\n"
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
            b"connection: close\r\n\r\n%s" % (status, reason, len(body), body)
        )
        self.transport.close()


def options(app: str, host: str, port: int) -> dict[str, Any]:
    """uvicorn.Config's arguments for `comments serve`."""
    return {
        "app": app,
        "host": host,
        "port": port,
        "http": f"{__name__}:GuardedHttpToolsProtocol",
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "limit_concurrency": MAX_CONNECTIONS,
        "access_log": False,  # no log of visitors' addresses (see the privacy page)
        "proxy_headers": False,  # X-Forwarded-For is handled by core/clients.py
        "server_header": False,
        "log_level": "info",
    }
