"""The spam guard's functions (core/guard.py, core/clients.py), called directly.

client_address with and without trusted proxies, the honeypot and form-token
checks, and the database rate counters with an explicit clock (`now`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from comments_service.core.clients import client_address, client_group
from comments_service.core.errors import Refused
from comments_service.core.guard import (
    Limit,
    check_form_token,
    check_honeypot,
    check_rate,
    count_form_use,
    forget_old_counters,
)
from comments_service.core.models import RateCounter
from comments_service.core.tokens import Signer, thread_digest
from comments_service.infra.settings import Settings
from comments_service.web.problems import status_of

SIGNER = Signer("test-secret-key")
THREAD = "articles/first"
HOUR = 3600 * 500_000  # a fixed whole hour (in 2027): the windows below start exactly here
PER_MINUTE = [Limit("minute", 60, 2)]


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", None, [], "203.0.113.9"),
        ("203.0.113.9", "198.51.100.1", [], "203.0.113.9"),  # untrusted peer: header ignored
        ("203.0.113.9", "198.51.100.1", ["10.0.0.1"], "203.0.113.9"),
        ("10.0.0.1", "198.51.100.1", ["10.0.0.1"], "198.51.100.1"),
        ("10.0.0.1", None, ["10.0.0.1"], "10.0.0.1"),
        ("10.0.0.1", "", ["10.0.0.1"], "10.0.0.1"),
        ("10.4.5.6", "198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),  # CIDR
        ("10.4.5.6", "198.51.100.1", ["10.0.0.0/24"], "10.4.5.6"),  # outside the CIDR
        ("10.0.0.1", "1.1.1.1, 198.51.100.1", ["10.0.0.1"], "198.51.100.1"),  # spoofed first hop
        ("10.0.0.1", "198.51.100.1, 10.0.0.2", ["10.0.0.0/8"], "198.51.100.1"),  # two proxies
        ("10.0.0.1", "198.51.100.1,10.0.0.2 , 10.0.0.3", ["10.0.0.0/8"], "198.51.100.1"),
        ("10.0.0.1", "10.0.0.2, 10.0.0.3", ["10.0.0.0/8"], "10.0.0.2"),  # all ours: the farthest
        ("10.0.0.1", " , ,198.51.100.1", ["10.0.0.1"], "198.51.100.1"),
        ("::1", "2001:db8::5", ["::1"], "2001:db8::5"),
        ("2001:db8:1::7", "198.51.100.1", ["2001:db8:1::/48"], "198.51.100.1"),
        ("testclient", "198.51.100.1", ["10.0.0.0/8"], "testclient"),  # not an IP: never trusted
        (None, "198.51.100.1", ["10.0.0.0/8"], "unknown"),
    ],
)
def test_client_address_believes_forwarded_for_only_from_trusted_proxies(
    peer: str | None, forwarded: str | None, trusted: list[str], expected: str
) -> None:
    assert client_address(peer, forwarded, trusted) == expected


def test_a_trusted_proxy_is_recognised_in_its_ipv6_spelling_too() -> None:
    # A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
    assert client_address("::ffff:10.0.0.1", "198.51.100.1", ["10.0.0.1"]) == "198.51.100.1"


@pytest.mark.parametrize(
    ("address", "prefix", "group"),
    [
        ("198.51.100.7", 64, "198.51.100.7"),
        ("::ffff:198.51.100.7", 64, "198.51.100.7"),
        ("::FFFF:c633:6407", 64, "198.51.100.7"),
        ("2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::7", 64, "2001:db8:1:2::/64"),
        ("2001:0db8:0001:0002:0000:0000:0000:0007", 64, "2001:db8:1:2::/64"),
        ("2001:db8:1:3::7", 64, "2001:db8:1:3::/64"),
        ("2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::/48"),
        ("2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6/128"),
        ("::1", 64, "::/64"),
        ("testclient", 64, "testclient"),  # not an address: counted as it is
        ("unknown", 64, "unknown"),
    ],
)
def test_limits_count_an_ipv4_address_or_an_ipv6_network_in_any_spelling(
    address: str, prefix: int, group: str
) -> None:
    assert client_group(address, prefix) == group


@pytest.mark.parametrize("value", [None, ""])
def test_empty_honeypot_passes(value: str | None) -> None:
    check_honeypot(value)


def test_filled_honeypot_is_refused() -> None:
    with pytest.raises(Refused) as refused:
        check_honeypot("https://spam.example")
    assert (status_of(refused.value), refused.value.field) == (400, "website")


def test_form_token_older_than_the_minimum_passes() -> None:
    check_form_token(SIGNER, SIGNER.sign("form", [time.time() - 2, thread_digest(THREAD)]), THREAD, 1, 3600)


def test_fresh_form_token_passes_when_there_is_no_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    # Found by these tests: the token's time is rounded to the millisecond, so read back
    # within half a millisecond it looked "from the future" and was refused with 429.
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.2746)  # rounds up to ...275
    check_form_token(SIGNER, SIGNER.new_form_token(THREAD), THREAD, 0, 3600)


def test_form_token_younger_than_the_minimum_is_refused_with_a_wait() -> None:
    with pytest.raises(Refused) as refused:
        check_form_token(SIGNER, SIGNER.new_form_token(THREAD), THREAD, 5, 3600)
    assert (status_of(refused.value), refused.value.field) == (429, "form_token")
    assert refused.value.retry_after is not None
    assert 5 <= refused.value.retry_after <= 6


FORGED = {
    "missing": lambda: None,
    "empty": lambda: "",
    "garbage": lambda: "garbage",
    "other-secret": lambda: Signer("other-secret").new_form_token(THREAD),
    "author-token": SIGNER.new_author_token,
    "not-a-time": lambda: SIGNER.sign("form", ["yesterday", thread_digest(THREAD)]),
    "a-boolean": lambda: SIGNER.sign("form", [True, thread_digest(THREAD)]),
    "no-page": lambda: SIGNER.sign("form", [time.time() - 10, None]),
    "the-old-kind": lambda: SIGNER.sign("form", time.time() - 10),
    "truncated": lambda: SIGNER.new_form_token(THREAD)[:-2],
}


@pytest.mark.parametrize("make_token", FORGED.values(), ids=FORGED.keys())
def test_missing_or_forged_form_token_is_refused(make_token: Callable[[], str | None]) -> None:
    with pytest.raises(Refused) as refused:
        check_form_token(SIGNER, make_token(), THREAD, 0, 3600)
    assert (status_of(refused.value), refused.value.field) == (422, "form_token")


def test_expired_form_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(time, "time", lambda: 1_000_000_000.0)  # in 2001
        old = SIGNER.new_form_token(THREAD)
    with pytest.raises(Refused) as refused:
        check_form_token(SIGNER, old, THREAD, 0, 3600)
    assert (status_of(refused.value), refused.value.field) == (422, "form_token")
    assert "expired" in refused.value.message


def test_a_form_token_for_another_page_is_refused() -> None:
    with pytest.raises(Refused) as refused:
        check_form_token(SIGNER, SIGNER.new_form_token("articles/second"), THREAD, 0, 3600)
    assert (status_of(refused.value), refused.value.field) == (422, "form_token")
    assert "another page" in refused.value.message


def test_a_form_token_posts_up_to_its_limit(session: Session) -> None:
    token = SIGNER.new_form_token(THREAD)
    shown = time.time()
    for _ in range(3):
        count_form_use(session, token, shown, 3600, 3)
    with pytest.raises(Refused) as refused:
        count_form_use(session, token, shown, 3600, 3)
    assert (status_of(refused.value), refused.value.field) == (422, "form_token")
    count_form_use(session, SIGNER.new_form_token(THREAD), shown, 3600, 3)  # another form: its own count
    for _ in range(10):
        count_form_use(session, token, shown, 3600, 0)  # 0: no limit


def test_a_form_tokens_count_lasts_until_the_token_expires(session: Session) -> None:
    token, shown = SIGNER.new_form_token(THREAD), time.time()
    count_form_use(session, token, shown, 86_400, 1)
    forget_old_counters(session, now=shown + 86_400 - 1)  # housekeeping while the token is good
    with pytest.raises(Refused):
        count_form_use(session, token, shown, 86_400, 1)


def counts(session: Session) -> dict[tuple[str, str, int], int]:
    rows = session.execute(
        select(RateCounter.client, RateCounter.window, RateCounter.started, RateCounter.count)
    )
    return {(client, window, started): count for client, window, started, count in rows}


def test_rate_allows_up_to_the_limit_then_refuses(session: Session) -> None:
    check_rate(session, "alice", PER_MINUTE, now=HOUR + 10)
    check_rate(session, "alice", PER_MINUTE, now=HOUR + 20)
    with pytest.raises(Refused) as refused:
        check_rate(session, "alice", PER_MINUTE, now=HOUR + 30)
    assert (status_of(refused.value), refused.value.field) == (429, "rate")
    assert refused.value.retry_after == 31  # until the window ends, rounded up


def test_rate_windows_restart_at_their_boundary(session: Session) -> None:
    for moment in (HOUR + 58, HOUR + 59):
        check_rate(session, "alice", PER_MINUTE, now=moment)
    check_rate(session, "alice", PER_MINUTE, now=HOUR + 60)
    check_rate(session, "alice", PER_MINUTE, now=HOUR + 119)
    assert counts(session) == {("alice", "minute", HOUR): 2, ("alice", "minute", HOUR + 60): 2}


def test_rate_is_counted_per_client(session: Session) -> None:
    for _ in range(2):
        check_rate(session, "alice", PER_MINUTE, now=HOUR + 1)
    check_rate(session, "bob", PER_MINUTE, now=HOUR + 1)
    with pytest.raises(Refused):
        check_rate(session, "alice", PER_MINUTE, now=HOUR + 2)


def test_the_longest_wait_of_all_full_windows_is_reported(session: Session) -> None:
    limits = [Limit("minute", 60, 1), Limit("hour", 3600, 1)]
    check_rate(session, "alice", limits, now=HOUR + 100)
    with pytest.raises(Refused) as refused:
        check_rate(session, "alice", limits, now=HOUR + 110)
    assert refused.value.retry_after == 3600 - 110 + 1


def test_a_limit_of_zero_is_off(session: Session) -> None:
    limits = [Limit("minute", 60, 0), Limit("hour", 3600, 0)]
    for second in range(10):
        check_rate(session, "alice", limits, now=HOUR + second)
    assert counts(session) == {}


def test_old_counters_are_forgotten_and_current_ones_kept(session: Session) -> None:
    now = HOUR + 30
    check_rate(session, "alice", PER_MINUTE, now=now - 3 * 86_400)
    check_rate(session, "bob", PER_MINUTE, now=now - 100)
    check_rate(session, "carol", PER_MINUTE, now=now)
    assert forget_old_counters(session, older_than_seconds=3600, now=now) == 1
    assert {client for client, _, _ in counts(session)} == {"bob", "carol"}
    assert forget_old_counters(session, older_than_seconds=60, now=now) == 1
    assert {client for client, _, _ in counts(session)} == {"carol"}


def test_no_counter_outlives_a_day_by_default(session: Session) -> None:
    now = HOUR + 30
    check_rate(session, "alice", [Limit("hour", 3600, 5)], now=now - 86_400 - 3600)
    check_rate(session, "bob", PER_MINUTE, now=now)
    forget_old_counters(session, now=now)
    assert {client for client, _, _ in counts(session)} == {"bob"}


@pytest.mark.parametrize("proxy", ["localhost", "proxy.internal", "10.0.0.0/33", "10.0.0.1:8080"])
def test_trusted_proxy_that_is_not_an_ip_network_is_refused_at_startup(proxy: str) -> None:
    # Found by these tests: a host name here made every post fail with 500 at request time.
    with pytest.raises(ValueError, match="trusted_proxies"):
        Settings(secret_key="test-secret-key", trusted_proxies=[proxy])


def test_rate_limits_keep_working_after_january_2038(session: Session) -> None:
    after_2038 = 2**31 + 120.0  # past what a 32-bit INTEGER column can hold
    check_rate(session, "alice", PER_MINUTE, now=after_2038)
    check_rate(session, "alice", PER_MINUTE, now=after_2038 + 1)
    with pytest.raises(Refused):
        check_rate(session, "alice", PER_MINUTE, now=after_2038 + 2)
