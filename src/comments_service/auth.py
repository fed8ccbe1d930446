"""Moderator login: one Argon2-hashed password, database sessions, CSRF tokens.

The session cookie is HttpOnly and SameSite=Strict and holds a random token whose
hash is stored. Every form carries the session's CSRF token. After five wrong
passwords a client is throttled for a while (counted per HMAC of its address).
"""

from __future__ import annotations

import datetime as dt
import hmac
import math
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .guard import Refused
from .models import AdminSession, Credential, RateCounter, as_utc, utcnow
from .security import hash_password, new_secret_token, sha256, verify_password
from .settings import Settings

COOKIE = "sdm_admin"
LOCK = "login-lock"  # a rate_counters row whose `started` is when the lockout began
MODERATOR = "moderator"


def set_password(session: Session, password: str) -> None:
    if len(password) < 10:
        raise ValueError("use at least 10 characters")
    credential = session.get(Credential, MODERATOR)
    if credential is None:
        session.add(Credential(name=MODERATOR, password_hash=hash_password(password)))
    else:
        credential.password_hash, credential.updated_at = hash_password(password), utcnow()
    # A new password ends every open session.
    for old in session.scalars(select(AdminSession)):
        session.delete(old)


def password_is_set(session: Session) -> bool:
    return session.get(Credential, MODERATOR) is not None


def _failure_window(settings: Settings, now: float) -> int:
    return int(now // settings.login_lockout_seconds * settings.login_lockout_seconds)


def check_not_throttled(session: Session, settings: Settings, client: str, now: float | None = None) -> None:
    """Refuse while the client is locked out (after too many wrong passwords)."""
    now = time.time() if now is None else now
    locked_at = session.scalar(
        select(func.max(RateCounter.started)).where(RateCounter.client == client, RateCounter.window == LOCK)
    )
    if locked_at is not None and now < locked_at + settings.login_lockout_seconds:
        wait = max(1, math.ceil(locked_at + settings.login_lockout_seconds - now))
        raise Refused(
            429,
            "password",
            f"Too many wrong passwords. Try again in {wait // 60 + 1} minutes.",
            wait,
        )


def record_failure(session: Session, settings: Settings, client: str, now: float | None = None) -> None:
    """Count a wrong password; lock the client out when this and the last window reach the limit.

    Counting two windows means a window boundary never resets the count early.
    """
    now = time.time() if now is None else now
    started = _failure_window(settings, now)
    counter = session.get(RateCounter, (client, "login", started))
    if counter is None:
        counter = RateCounter(client=client, window="login", started=started, count=0)
        session.add(counter)
    counter.count += 1
    previous = session.get(RateCounter, (client, "login", started - settings.login_lockout_seconds))
    failures = counter.count + (previous.count if previous is not None else 0)
    if failures >= settings.login_max_failures and session.get(RateCounter, (client, LOCK, int(now))) is None:
        session.add(RateCounter(client=client, window=LOCK, started=int(now), count=failures))


def login(session: Session, settings: Settings, client: str, password: str) -> str | None:
    """A new session token, or None for a wrong password (the failure is recorded, so
    commit). Raises Refused when the client is throttled, before looking at the password."""
    check_not_throttled(session, settings, client)
    credential = session.get(Credential, MODERATOR)
    if credential is None or not verify_password(credential.password_hash, password):
        record_failure(session, settings, client)
        return None
    token = new_secret_token()
    session.add(
        AdminSession(
            token_hash=sha256(token),
            csrf_token=new_secret_token(),
            expires_at=utcnow() + dt.timedelta(hours=settings.session_hours),
        )
    )
    return token


def current(session: Session, token: str | None) -> AdminSession | None:
    if not token or len(token) > 100:
        return None
    found = session.get(AdminSession, sha256(token))
    if found is None or as_utc(found.expires_at) < utcnow():
        return None
    return found


def csrf_ok(admin: AdminSession, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(admin.csrf_token, submitted or "")
