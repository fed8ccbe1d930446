"""The service's secret when COMMENTS_SECRET_KEY is not set: made once, kept in var/secret.key."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_FILE = Path("var/secret.key")


def stored_secret(path: Path) -> str:
    """The secret kept in `path`, made on first use: every process starting at once gets the same one.

    It is written whole to a temporary file that only the service's user can read from
    its creation, synced, then linked into place. link() fails when another process got
    there first, and then everyone uses that one; nobody ever reads a half-written file.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(secrets.token_urlsafe(48))
                file.flush()
                os.fsync(file.fileno())
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass  # another process made it first: theirs is the one
            else:
                _sync_directory(path.parent)
        finally:
            temporary.unlink(missing_ok=True)
    secret = path.read_text(encoding="utf-8").strip()
    if not secret:
        raise ValueError(f"{path} is empty: delete it to have a new secret made, or set COMMENTS_SECRET_KEY")
    return secret


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
