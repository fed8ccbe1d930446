"""A migrated database session for the rules' tests, on each database the suite runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from comments_service.infra.database import make_engine, session_factory
from comments_service.infra.schema_upgrade import migrate
from comments_service.infra.settings import Settings


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as opened:
            yield opened
    finally:
        engine.dispose()
