"""Fixtures for service tests: a real SMTP server on 127.0.0.1 that keeps what it receives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.service.mailbox import Inbox, listening


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with listening() as served:
        yield served
