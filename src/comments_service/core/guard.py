"""Spam and abuse checks, without CAPTCHAs or tracking.

A honeypot field, a minimum time between showing the form and posting it (a
signed timestamp), a limit of comments per form, and per-client rate limits kept in
the database so every instance shares them. Clients are counted by a keyed HMAC of
their address (clients.py), never by the address itself.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .errors import Reason, Refused
from .messages import Text
from .models import RateCounter
from .policy import Policy
from .tokens import ExpiredToken, InvalidToken, Signer, sha256, thread_digest


def check_honeypot(value: str | None) -> None:
    if value:
        raise Refused(Reason.MALFORMED, "website", Text("trap-filled"))


def check_form_token(
    signer: Signer, token: str | None, thread: str, min_seconds: float, max_age: int
) -> float:
    """Refuse a missing, forged, expired or too fresh form token, or one from another page.

    Returns when the form was shown (Unix seconds).
    """
    if not token:
        raise Refused(Reason.INVALID, "form_token", Text("form-missing"))
    try:
        shown, digest = signer.read_form_token(token, max_age)
    except InvalidToken as error:
        key = "form-expired" if isinstance(error, ExpiredToken) else "form-invalid"
        raise Refused(Reason.INVALID, "form_token", Text(key)) from error
    if digest != thread_digest(thread):
        raise Refused(
            Reason.INVALID,
            "form_token",
            Text("form-other-page"),
        )
    age = time.time() - shown
    # The token's time is rounded to the millisecond, so a fresh one can look a fraction of a
    # millisecond "from the future": with no minimum configured, never refuse on that.
    if min_seconds > 0 and age < min_seconds:
        wait = max(1, round(min_seconds - age + 0.5))
        raise Refused(Reason.TOO_FAST, "form_token", Text("form-too-quick", seconds=wait), wait)
    return shown


def count_form_use(session: Session, token: str, shown: float, max_age: int, allowed: int) -> None:
    """Count a comment posted with this form token; refuse one past `allowed` (0: no limit).

    Counted in rate_counters until the token has expired (its row's `started` is the
    expiry), so housekeeping drops the count only once the token is worthless anyway.
    """
    if allowed > 0 and increment(session, sha256(token), "form", int(shown) + max_age) > allowed:
        raise Refused(
            Reason.INVALID,
            "form_token",
            Text("form-used-up", allowed=allowed),
        )


@dataclass(frozen=True)
class Limit:
    window: str
    seconds: int
    allowed: int  # 0: no limit


def post_limits(policy: Policy) -> list[Limit]:
    """The windows a client's posts are counted in."""
    return [
        Limit("minute", 60, policy.rate_per_minute),
        Limit("hour", 3600, policy.rate_per_hour),
    ]


def check_rate(session: Session, client: str, limits: list[Limit], now: float | None = None) -> None:
    """Count this attempt in each window; refuse with 429 when any window is full."""
    now = time.time() if now is None else now
    retry_after = 0
    for limit in limits:
        if limit.allowed <= 0:  # 0 turns a limit off
            continue
        started = int(now // limit.seconds * limit.seconds)
        if increment(session, client, limit.window, started) > limit.allowed:
            retry_after = max(retry_after, int(started + limit.seconds - now) + 1)
    if retry_after:
        raise too_fast(retry_after)


def too_fast(retry_after: int) -> Refused:
    return Refused(
        Reason.TOO_FAST,
        "rate",
        Text("too-fast", seconds=retry_after),
        retry_after,
    )


class FullWindows:
    """Clients this process has seen over a limit, until their full window ends.

    A flood then costs no database write per attempt (readers stay fast). It only
    repeats what the database said: a window's count never goes down before it
    ends, and refused attempts are not counted (their transaction rolls back).
    """

    def __init__(self, capacity: int = 10_000):
        self._until: dict[str, float] = {}
        self._capacity = capacity
        self._lock = threading.Lock()

    def wait(self, client: str, now: float | None = None) -> int:
        """Seconds until `client` may post again, as check_rate counts them; 0 if not known full."""
        now = time.time() if now is None else now
        with self._lock:
            until = self._until.get(client, 0.0)
            if until <= now:
                self._until.pop(client, None)
                return 0
        return int(until - now) + 1

    def remember(self, client: str, retry_after: int, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            if len(self._until) >= self._capacity:
                self._until = {key: until for key, until in self._until.items() if until > now}
                if len(self._until) >= self._capacity:
                    self._until.clear()  # the database still has every count
            # check_rate rounded the wait up: the window ends no earlier than this.
            self._until[client] = now + retry_after - 1


def counter_insert(session: Session) -> Any:
    """INSERT into rate_counters with this database's ON CONFLICT clause available."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(RateCounter)


def increment(session: Session, client: str, window: str, started: int) -> int:
    """Atomic upsert-and-return, so concurrent instances never lose a count."""
    statement = (
        counter_insert(session)
        .values(client=client, window=window, started=started, count=1)
        .on_conflict_do_update(
            index_elements=["client", "window", "started"],
            set_={"count": RateCounter.count + 1},
        )
        .returning(RateCounter.count)
    )
    return int(session.execute(statement).scalar_one())


def forget_old_counters(session: Session, older_than_seconds: int = 7_200, now: float | None = None) -> int:
    """Delete counters past every window (the longest is an hour): no fingerprint outlives a day."""
    cutoff = (time.time() if now is None else now) - older_than_seconds
    result = session.execute(delete(RateCounter).where(RateCounter.started < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
