"""Moderator login: one Argon2-hashed password, database sessions, CSRF tokens.

The session cookie is HttpOnly and SameSite=Strict and holds a random token whose
hash is stored. Every form carries the session's CSRF token. After five wrong
passwords a client is throttled for a while (counted per HMAC of its address), and
after too many from everyone together (login_max_failures_total) every sign-in is.
"""

from __future__ import annotations

import datetime as dt
import hmac
import math
import time
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from .errors import Reason, Refused
from .guard import counter_insert, increment
from .messages import Text
from .models import AdminSession, Credential, RateCounter
from .passwords import hash_password, verify_password
from .policy import Policy
from .times import as_utc, utcnow
from .tokens import new_secret_token, sha256
from .transactions import Transactions

COOKIE = "sdm_admin"
ATTEMPTS = "login"  # rate_counters rows counting a client's sign-in attempts per window
LOCK = "login-lock"  # a rate_counters row whose `started` is when the lockout began
EVERYONE = "everyone"  # the client of the shared budget (real clients are HMACs in hex)
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


def _window(policy: Policy, now: float) -> int:
    return int(now // policy.login_lockout_seconds * policy.login_lockout_seconds)


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt counted before its password is checked (see login)."""

    client: str
    window: int  # the counting window it was counted in
    locked_at: int | None  # the lockout it started, being the last attempt allowed


def _count(session: Session, client: str, window: int, policy: Policy, add: bool) -> int:
    """The attempts of this window and the last one, after counting one more if `add` (atomically).

    Counting two windows means a window boundary never resets the count early.
    """
    previous = session.get(RateCounter, (client, ATTEMPTS, window - policy.login_lockout_seconds))
    if add:
        count = increment(session, client, ATTEMPTS, window)
    else:
        current = session.get(RateCounter, (client, ATTEMPTS, window))
        count = current.count if current is not None else 0
    return count + (previous.count if previous is not None else 0)


def _locked_until(session: Session, policy: Policy, client: str) -> float:
    started = session.scalar(
        select(func.max(RateCounter.started)).where(RateCounter.client == client, RateCounter.window == LOCK)
    )
    return 0.0 if started is None else float(started + policy.login_lockout_seconds)


def _wait_message(wait: float, key: str) -> Refused:
    seconds = max(1, math.ceil(wait))
    return Refused(Reason.TOO_FAST, "password", Text(key, minutes=seconds // 60 + 1), seconds)


def check_open(session: Session, policy: Policy, client: str, now: float, add: bool = False) -> int:
    """Refuse (429) while the client is locked out or everyone's budget is spent.

    With `add`, the attempt is counted first; returns the client's count.
    """
    window = _window(policy, now)
    failures = _count(session, client, window, policy, add)
    locked_until = _locked_until(session, policy, client)
    if now < locked_until:
        raise _wait_message(locked_until - now, "login-locked")
    budget = policy.login_max_failures_total
    if budget and _count(session, EVERYONE, window, policy, add) > (budget if add else budget - 1):
        raise _wait_message(window + policy.login_lockout_seconds - now, "login-paused")
    return failures


def begin_attempt(session: Session, policy: Policy, client: str, now: float) -> Attempt:
    """Count an attempt, or refuse it (429) while the client is locked out or everyone's budget is spent.

    Counting comes first, in one short write: attempts made in parallel each get their
    own number, so no more than the limit ever reach the password check. The last
    attempt allowed locks the client out at once; a right password lifts that again.
    A refused attempt is not counted (its transaction rolls back).
    """
    window = _window(policy, now)
    failures = check_open(session, policy, client, now, add=True)
    locked_at = None
    if failures >= policy.login_max_failures:
        locked_at = int(now)
        _upsert_lock(session, client, locked_at, failures)
    return Attempt(client=client, window=window, locked_at=locked_at)


def _upsert_lock(session: Session, client: str, started: int, failures: int) -> None:
    session.execute(
        counter_insert(session)
        .values(client=client, window=LOCK, started=started, count=failures)
        .on_conflict_do_nothing()
    )


def give_back(session: Session, policy: Policy, attempt: Attempt) -> None:
    """A right password: the attempt no longer counts, and the lockout it started is lifted."""
    for client in (attempt.client, EVERYONE):
        session.execute(
            update(RateCounter)
            .where(
                RateCounter.client == client,
                RateCounter.window == ATTEMPTS,
                RateCounter.started == attempt.window,
            )
            .values(count=RateCounter.count - 1)
        )
    if attempt.locked_at is not None:
        session.execute(
            delete(RateCounter).where(
                RateCounter.client == attempt.client,
                RateCounter.window == LOCK,
                RateCounter.started == attempt.locked_at,
            )
        )


def login(database: Transactions, policy: Policy, client: str, password: str) -> str | None:
    """A new session token, or None for a wrong password; Refused (429) while throttled.

    The password is checked (Argon2, tens of milliseconds of CPU) outside any
    transaction: on SQLite a write holds the one write lock, and guessing must not
    stall every comment being posted meanwhile. The writes before and after are short.
    """
    with database.read() as session:  # a read first: refused guesses never take the write lock
        check_open(session, policy, client, time.time())
    with database.write() as session:
        attempt = begin_attempt(session, policy, client, time.time())
    with database.read() as session:
        credential = session.get(Credential, MODERATOR)
        password_hash = credential.password_hash if credential is not None else None
    if password_hash is None or not verify_password(password_hash, password):
        return None  # counted already
    token = new_secret_token()
    with database.write() as session:
        give_back(session, policy, attempt)
        session.add(
            AdminSession(
                token_hash=sha256(token),
                csrf_token=new_secret_token(),
                expires_at=utcnow() + dt.timedelta(hours=policy.session_hours),
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


def logout(session: Session, admin: AdminSession) -> None:
    """End a moderator's session: its row goes, so the cookie is worthless from now on."""
    found = session.get(AdminSession, admin.token_hash)
    if found is not None:
        session.delete(found)


def csrf_ok(admin: AdminSession, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(admin.csrf_token, submitted or "")
