"""A throwaway PostgreSQL server for the tests, from Debian's postgresql package.

Started on 127.0.0.1 on a free port with its data directory in a temporary folder,
and stopped (and the folder removed) at the end of the test session. `make test`
installs the package when it is missing (scripts/install_system_packages.sh).

The tests' server keeps its data in RAM (/dev/shm) when there is room: every
PostgreSQL test creates its own database (about 8 MB of files), and a worker's few
hundred of them on disk took minutes to write and then to delete at the session's end.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.harness import free_port


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed; run scripts/install_system_packages.sh")
    return Path(found[-1]).parent


# RAM the tests' server may use: room for a worker's databases (a few hundred of ~8 MB).
RAM_FOLDER = Path("/dev/shm")
RAM_NEEDED = 4 * 1024**3


def ram_folder() -> Path | None:
    """/dev/shm when it exists with room to spare (a container's default 64 MB has not)."""
    try:
        stats = os.statvfs(RAM_FOLDER)
    except OSError:
        return None
    return RAM_FOLDER if stats.f_bavail * stats.f_frsize >= RAM_NEEDED else None


class Server:
    """One PostgreSQL cluster; `database()` hands out a fresh, empty database URL.

    `parent` is the folder its data folder goes in (default: the system's temporary folder).
    """

    def __init__(self, parent: Path | None = None) -> None:
        self.bin = _binaries()
        self.root = Path(tempfile.mkdtemp(prefix="comments-pg-", dir=parent))
        self.port = free_port()
        # PostgreSQL refuses to run as root: run it as the package's own user.
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres")

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        data = self.root / "data"
        self._run(
            "initdb",
            "-D",
            str(data),
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
            "-U",
            "postgres",
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


@contextmanager
def running(parent: Path | None = None) -> Iterator[Server]:
    server = Server(parent)
    server.start()
    try:
        yield server
    finally:
        server.stop()
