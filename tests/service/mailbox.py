"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what the service sends, for mail tests."""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from tests.harness import free_port


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every message; `refuse` makes it answer 554.

    Clearing `open` holds each message in DATA (its sender waits) until it is set again;
    `arriving` is set when one has reached DATA.
    """

    refuse: bool = False
    messages: list[tuple[list[str], email.message.EmailMessage]] = field(default_factory=list)
    open: threading.Event = field(default_factory=threading.Event)
    arriving: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.open.set()

    # The method name is aiosmtpd's hook name.
    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:  # noqa: N802
        self.arriving.set()
        self.open.wait(timeout=30)  # blocks the server's own loop: fine, a test talks to it alone
        if self.refuse:
            return "554 5.7.1 Message refused"
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        message = email.message_from_bytes(content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"


@contextmanager
def listening() -> Iterator[tuple[Inbox, int]]:
    """A fresh Inbox served on 127.0.0.1, and its port, until the block ends."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
