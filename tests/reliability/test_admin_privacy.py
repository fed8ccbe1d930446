"""Who the service thinks a client is, and what it never tells the public.

Against a real server, so the TCP peer is real (127.0.0.1): a spoofed
X-Forwarded-For from a peer that is not a trusted proxy does not change the
rate-limit key, while behind a trusted proxy it does. And across a whole scenario
(post, reply, edit, approve, read, feed, counts, no-JavaScript page) no public
response carries a commenter's email address, its lowercase form or a hash of it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import httpx
import pytest

from comments_service.core.tokens import Signer
from tests.harness import write_pages
from tests.reliability.service import (
    SECRET,
    Service,
    cli,
    comment,
    environment,
    form_token,
    fresh_minute,
    serving,
)

pytestmark = pytest.mark.xdist_group("admin_privacy")  # one worker starts the two servers once
EMAIL = "Ann.Tester+Spam@Mail.Private-Clinic.NET"
THREAD = "articles/first"


@pytest.fixture(scope="module")
def direct(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """Clients connect directly: no proxy is trusted."""
    folder = tmp_path_factory.mktemp("direct")
    env = environment(f"sqlite:///{folder / 'c.sqlite3'}", write_pages(folder), rate_per_minute=3)
    with serving(env, folder / "serve.log") as service:
        yield service


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """Behind a reverse proxy on 127.0.0.1, whose X-Forwarded-For is believed."""
    folder = tmp_path_factory.mktemp("proxied")
    env = environment(
        f"sqlite:///{folder / 'c.sqlite3'}",
        write_pages(folder),
        rate_per_minute=3,
        trusted_proxies="127.0.0.1",
    )
    with serving(env, folder / "serve.log") as service:
        yield service


def _post(
    client: httpx.Client, service: Service, text: str, forwarded_for: str, **extra: object
) -> httpx.Response:
    body = {**comment(THREAD, text, form_token(client, service.url)), **extra}
    return client.post(f"{service.url}/api/comments", json=body, headers={"X-Forwarded-For": forwarded_for})


def test_spoofed_forwarded_for_from_a_direct_client_does_not_escape_the_rate_limit(direct: Service) -> None:
    fresh_minute()
    with httpx.Client(timeout=30) as client:
        statuses = [_post(client, direct, f"Spoof {n}", f"203.0.113.{n}").status_code for n in range(5)]
    assert statuses == [202, 202, 202, 429, 429]


def test_forwarded_for_from_a_trusted_proxy_gives_each_client_its_own_limit(proxied: Service) -> None:
    fresh_minute()
    with httpx.Client(timeout=30) as client:
        first = [_post(client, proxied, f"Client A {n}", "198.51.100.7").status_code for n in range(4)]
        other = _post(client, proxied, "Client B 0", "198.51.100.8").status_code
        # The proxy appends the address it saw; a client-sent prefix is not believed further.
        chained = _post(client, proxied, "Client B 1", "10.9.9.9, 198.51.100.8").status_code
    assert first == [202, 202, 202, 429]
    assert other == 202
    assert chained == 202  # still client B (its second post), not a new key from the spoofed prefix


def _forms_of(email: str) -> set[str]:
    forms = {email, email.lower(), email.strip().lower()}
    hashes = {
        algorithm(form.encode()).hexdigest() for form in forms for algorithm in (hashlib.sha256, hashlib.md5)
    }
    return {form.lower() for form in forms | hashes} | forms


def _commenter_pages(
    client: httpx.Client, base: str, bodies: list[tuple[str, str]], other_browser: str
) -> None:
    """The commenters' own pages, as anyone but the address's owner gets them: the links'
    pages (a valid token says nothing of the address), and refusals without one."""
    signer = Signer(SECRET)
    key = signer.email_key(EMAIL)
    pages = {
        "confirm page": (f"{base}/api/notifications/confirm", {"token": signer.email_token("confirm", key)}),
        "unsubscribe page": (
            f"{base}/api/notifications/unsubscribe",
            {"token": signer.email_token("unsubscribe", key)},
        ),
        "my-data, forged link": (f"{base}/api/my-data", {"token": "forged"}),
        "my-data, no one": (f"{base}/api/my-data", {}),
    }
    for label, (url, params) in pages.items():
        response = client.get(url, params=params)
        bodies.append((label, " ".join(f"{k}: {v}" for k, v in response.headers.items()) + response.text))
    for label, headers in {
        "me, no token": {},
        "me, another browser": {"X-Comment-Token": other_browser},
    }.items():
        response = client.get(f"{base}/api/me/comments", headers=headers)
        bodies.append((label, response.text))


def test_no_public_response_reveals_a_commenters_email(proxied: Service) -> None:
    bodies: list[tuple[str, str]] = []
    addresses = iter(f"192.0.2.{n}" for n in range(1, 200))  # one rate-limit key per post

    with httpx.Client(timeout=30) as client:

        def keep(label: str, response: httpx.Response) -> httpx.Response:
            assert response.status_code < 400, (label, response.status_code, response.text)
            bodies.append((label, " ".join(f"{k}: {v}" for k, v in response.headers.items()) + response.text))
            return response

        base = proxied.url
        posted = keep(
            "post", _post(client, proxied, "Email me *maybe*.", next(addresses), email=EMAIL)
        ).json()
        own = {"X-Comment-Token": posted["token"]}
        keep("own view", client.get(f"{base}/api/comments", params={"thread": THREAD}, headers=own))
        comment_id = posted["comment"]["id"]
        edited = {"text": "Edited, still no email.", "name": "Ann"}
        keep("edit", client.patch(f"{base}/api/comments/{comment_id}", json=edited, headers=own))
        cli(proxied.env, "approve", str(comment_id))
        reply = _post(client, proxied, "A reply.", next(addresses), email=EMAIL.lower(), parent=comment_id)
        cli(proxied.env, "approve", str(keep("reply", reply).json()["comment"]["id"]))
        form = {
            "thread": THREAD,
            "name": "Bo",
            "email": EMAIL,
            "text": "Posted without JavaScript.",
            "website": "",
        }
        form["form_token"] = form_token(client, base)
        no_js = client.post(
            f"{base}/api/discussion",
            data=form,
            headers={"Origin": base, "X-Forwarded-For": next(addresses)},
            follow_redirects=True,
        )
        keep("no-JS post", no_js)
        for encoding in ("gzip", "identity"):
            headers = {"Accept-Encoding": encoding}
            keep(
                f"thread {encoding}",
                client.get(f"{base}/api/comments", params={"thread": THREAD}, headers=headers),
            )
        keep("feed", client.get(f"{base}/api/feed", params={"thread": THREAD}))
        keep("counts", client.get(f"{base}/api/counts", params={"thread": THREAD}))
        keep("no-JS page", client.get(f"{base}/api/discussion", params={"thread": THREAD}))
        keep("form token", client.get(f"{base}/api/form-token", params={"thread": THREAD}))
        stranger = _post(client, proxied, "No address given.", next(addresses)).json()["token"]
        _commenter_pages(client, base, bodies, other_browser=stranger)

    assert "Edited, still no email." in dict(bodies)["feed"]  # the scenario really published
    secrets = _forms_of(EMAIL)
    leaks = [
        (label, form) for label, body in bodies for form in secrets if form in body or form in body.lower()
    ]
    assert not leaks, leaks
    assert not [label for label, body in bodies if re.search(r"private-clinic", body, re.IGNORECASE)]
