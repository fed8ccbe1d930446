"""A throwaway local PostgreSQL for the benchmarks, durable as in production.

The tests' server (tests/postgres.py) turns fsync off for speed; this one keeps
PostgreSQL's defaults: fsync=on, synchronous_commit=on, full_page_writes=on and
max_connections=100, so a benchmark on it pays for durability as a real one does.
"""

from __future__ import annotations

from typing import Any

import _common  # noqa: F401  (puts the repository on sys.path, for tests.postgres)
import psycopg

from tests.postgres import Server


class DurablePostgres(Server):
    def start(self) -> None:
        data = self.root / "data"
        self._run("initdb", "-D", str(data), "--auth=trust", "--encoding=UTF8", "-U", "postgres")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def __enter__(self) -> DurablePostgres:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def settings(self) -> dict[str, Any]:
        names = (
            "fsync",
            "synchronous_commit",
            "full_page_writes",
            "max_connections",
            "superuser_reserved_connections",
            "server_version",
        )
        with psycopg.connect(self.admin_url()) as connection:
            return {name: connection.execute(f"SHOW {name}").fetchone()[0] for name in names}  # type: ignore[index]


def pool_check(server: DurablePostgres, instances: int, workers: int) -> dict[str, Any]:
    """Whether every process's pool at its fullest fits under max_connections less the reserved ones.

    The pool size comes from the service's own engine (infra/database.make_engine).
    """
    from comments_service.infra.database import make_engine

    engine = make_engine(server.admin_url().replace("postgresql://", "postgresql+psycopg://"))
    per_process = engine.pool.size() + engine.pool._max_overflow  # type: ignore[attr-defined]
    engine.dispose()
    settings = server.settings()
    limit = int(settings["max_connections"]) - int(settings["superuser_reserved_connections"])
    needed = instances * workers * per_process
    return {
        "per_process": per_process,
        "needed": needed,
        "limit": limit,
        "fits": needed <= limit,
        "check": f"{instances} instances x {workers} worker(s) x {per_process} connections (pool "
        f"{engine.pool.size()} + overflow {engine.pool._max_overflow}) = {needed} <= "  # type: ignore[attr-defined]
        f"{limit} (max_connections {settings['max_connections']} - "
        f"{settings['superuser_reserved_connections']} reserved)",
    }
