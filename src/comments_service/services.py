"""What every request handler needs, built once per app by `create_app(settings)`."""

from __future__ import annotations

from dataclasses import dataclass, field

from anyio import CapacityLimiter
from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .cache import PublicThreads
from .guard import FullWindows, Limit, client_group
from .pages import Pages
from .security import Signer
from .settings import Settings
from .shell import Shell


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    signer: Signer
    pages: Pages
    threads: PublicThreads
    shell: Shell
    full_windows: FullWindows = field(default_factory=FullWindows)
    # Posts write one at a time (SQLite has one writer; PostgreSQL locks the thread's row),
    # so more posting threads only fight over the GIL and stretch the time each holds the
    # write lock. With 16 posting clients, 2 threads per process posted about 1.2 times
    # as fast as the shared pool's 40 (medians of five runs: 644 against 550 posts/s).
    # Reads and every other request keep the shared pool.
    posters: CapacityLimiter = field(default_factory=lambda: CapacityLimiter(2))
    # A local proxy seen forwarding requests without being trusted (middleware.ProxyCheck).
    untrusted_proxy: str | None = None

    def client_key(self, address: str) -> str:
        """What rate limits and the login lockout count by: a keyed fingerprint of the client."""
        return self.signer.client_key(client_group(address, self.settings.ipv6_prefix_length))

    def author_token_hash(self, token: str | None) -> str | None:
        """The stored form of a browser's edit token while it is honoured; None for anything else."""
        return self.signer.author_token_hash(token, self.settings.author_token_days * 86_400)

    @property
    def post_limits(self) -> list[Limit]:
        return [
            Limit("minute", 60, self.settings.rate_per_minute),
            Limit("hour", 3600, self.settings.rate_per_hour),
        ]


async def services(request: Request) -> Services:
    """FastAPI dependency: the app's services (async: FastAPI runs a plain def in a worker thread)."""
    found: Services = request.app.state.services
    return found
