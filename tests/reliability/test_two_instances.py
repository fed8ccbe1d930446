"""Two service instances on one PostgreSQL database behave as one service.

Two `comments serve` processes (ports A and B) share the database: the rate limit
counts posts to either, a comment posted on A and approved from the CLI is read on
B, and each instance's read cache notices changes made through the other or the CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests import postgres
from tests.harness import write_pages
from tests.reliability.service import Service, cli, comment, environment, form_token, fresh_minute

pytestmark = pytest.mark.postgres
THREAD = "articles/first"


@pytest.fixture
def instances(postgres_server: postgres.Server, tmp_path: Path) -> Iterator[tuple[Service, Service]]:
    env = environment(postgres_server.database(), write_pages(tmp_path), rate_per_minute=4)
    a, b = Service(env, tmp_path / "a.log"), Service(env, tmp_path / "b.log")
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


def _read(client: httpx.Client, service: Service, etag: str = "") -> httpx.Response:
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(f"{service.url}/api/comments", params={"thread": THREAD}, headers=headers)


def test_round_robin_posts_share_one_rate_limit(instances: tuple[Service, Service]) -> None:
    a, b = instances
    fresh_minute()
    with httpx.Client(timeout=30) as client:
        statuses = []
        for n, service in enumerate([a, b, a, b, a]):
            body = comment(THREAD, f"Round robin {n}", form_token(client, service.url))
            statuses.append(client.post(f"{service.url}/api/comments", json=body).status_code)
        # The other instance refuses too: the limit is in the database, not in a process.
        body = comment(THREAD, "Round robin 5", form_token(client, b.url))
        statuses.append(client.post(f"{b.url}/api/comments", json=body).status_code)
    assert statuses == [202, 202, 202, 202, 429, 429]


def test_each_instance_sees_what_the_other_and_the_cli_changed(instances: tuple[Service, Service]) -> None:
    a, b = instances
    with httpx.Client(timeout=30) as client:
        before_a, before_b = _read(client, a), _read(client, b)  # both caches now hold the empty thread
        assert before_a.json()["comments"] == before_b.json()["comments"] == []
        body = comment(THREAD, "Posted on A, read on B.", form_token(client, a.url))
        posted = client.post(f"{a.url}/api/comments", json=body)
        assert posted.status_code == 202
        token = {"X-Comment-Token": posted.json()["token"]}
        own_on_b = client.get(f"{b.url}/api/comments", params={"thread": THREAD}, headers=token)
        assert [c["state"] for c in own_on_b.json()["comments"]] == ["pending"]  # the author, anywhere
        assert _read(client, b, before_b.headers["ETag"]).status_code == 304  # public view unchanged

        cli(a.env, "approve", str(posted.json()["comment"]["id"]))
        after_b = _read(client, b, before_b.headers["ETag"])
        after_a = _read(client, a, before_a.headers["ETag"])

        # The author deletes it through B: A must stop serving its cached copy.
        comment_id = posted.json()["comment"]["id"]
        assert client.delete(f"{b.url}/api/comments/{comment_id}", headers=token).status_code == 204
        deleted_on_a = _read(client, a, after_a.headers["ETag"])

    assert after_b.status_code == 200
    assert [c["html"] for c in after_b.json()["comments"]] == ["<p>Posted on A, read on B.</p>"]
    assert after_a.status_code == 200
    assert after_a.headers["ETag"] == after_b.headers["ETag"] != before_b.headers["ETag"]
    assert deleted_on_a.status_code == 200
    assert deleted_on_a.json()["comments"] == []
