"""Posting in batches (group commit): each post of a batch is answered by its own rules.

A first write holds the app's writer inside its batch while the test queues posts one
by one (so their order is known); then they are all written in one transaction. What
each post is answered, and what is stored, must be exactly what posting them one at a
time would give.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import select

from comments_service.core.models import Comment, RateCounter
from tests.reliability.service import fresh_minute
from tests.service.helpers import form_token
from tests.service.infra.test_group_commit import WAIT, plug, wait_until_queued

MakeClient = Callable[..., TestClient]


def stored_texts(client: TestClient) -> list[str]:
    with client.app.state.database.read() as session:
        return sorted(session.scalars(select(Comment.text)))


def counters(client: TestClient) -> dict[str, int]:
    with client.app.state.database.read() as session:
        rows = session.execute(select(RateCounter.window, RateCounter.count)).all()
    return {window: count for window, count in rows}


def test_a_batch_with_refused_posts_acknowledges_the_others_and_stores_exactly_them(
    make_client: MakeClient,
) -> None:
    client = make_client(moderation="none", rate_per_minute=5, rate_per_hour=0, form_token_max_posts=4)
    group = client.app.state.group_commit
    form = form_token(client)
    texts = ["Alpha note.", "Bravo note.", "Alpha note.", "Charlie note.", "Delta note.", "Echo note."]
    fresh_minute(margin=15)  # every post counts in one minute window
    release, first = plug(group)
    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        answers = []
        for number, text in enumerate(texts):
            body = {"thread": "articles/first", "name": "Ann", "text": text, "form_token": form}
            answers.append(pool.submit(client.post, "/api/comments", json=body))
            wait_until_queued(group, number + 1)
        release.set()
        first.result(WAIT)
        statuses = [answer.result(WAIT).status_code for answer in answers]
    # The second "Alpha" is a duplicate (counted in the rate limit, not in the form's
    # uses); the sixth attempt is over the limit of 5 (counted nowhere).
    assert statuses == [201, 201, 409, 201, 201, 429]
    assert (group.transactions, group.written) == (2, 7)  # the plug's, then all six together
    assert stored_texts(client) == ["Alpha note.", "Bravo note.", "Charlie note.", "Delta note."]
    assert counters(client) == {"test": 1, "minute": 5, "form": 4}
    shown = client.get("/api/comments", params={"thread": "articles/first"}).json()
    assert shown["count"] == 4


def test_the_no_javascript_form_posts_through_the_same_batches(make_client: MakeClient) -> None:
    client = make_client(moderation="none")
    group = client.app.state.group_commit
    data = {"thread": "articles/first", "name": "Ann", "text": "From the plain form.", "form_token": ""}
    data["form_token"] = form_token(client)
    release, first = plug(group)
    with ThreadPoolExecutor(max_workers=1) as pool:
        answer = pool.submit(
            client.post,
            "/api/discussion",
            data=data,
            headers={"Origin": "http://testserver"},
            follow_redirects=False,
        )
        wait_until_queued(group, 1)
        release.set()
        first.result(WAIT)
        assert answer.result(WAIT).status_code == 303
    assert (group.transactions, group.written) == (2, 2)
    assert stored_texts(client) == ["From the plain form."]
