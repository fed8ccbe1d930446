"""An author's view of a thread, made from the cached public view and their own comments, is exactly
the view built from the whole thread (thread_view with their token): for random threads
with replies, pending, approved, rejected and deleted comments, in every moderation mode.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from comments_service.core import moderation
from comments_service.core.models import Comment
from comments_service.core.page_info import PageInfo
from comments_service.core.states import ModerationMode
from comments_service.core.thread_view import thread_view
from comments_service.infra.database import write_session
from tests.service.helpers import form_token

PAGE = PageInfo(thread="articles/first", url="/blog/first/", title="First article")
MakeClient = Callable[..., TestClient]


def build_thread(client: TestClient, rng: random.Random, authors: int = 3, posts: int = 25) -> list[str]:
    """Random posts and moderation; returns each author's edit token."""
    tokens: list[str | None] = [None] * authors
    ids: list[int] = []
    for number in range(posts):
        author = rng.randrange(authors)
        parent = rng.choice(ids) if ids and rng.random() < 0.4 else None
        body = {"thread": PAGE.thread, "name": f"Author {author}", "text": f"Note {number}.",
                "parent": parent, "form_token": form_token(client)}  # fmt: skip
        headers = {"X-Comment-Token": tokens[author]} if tokens[author] else {}
        response = client.post("/api/comments", json=body, headers=headers)
        if response.status_code in (201, 202):
            tokens[author] = response.json()["token"]
            ids.append(response.json()["comment"]["id"])
        with write_session(client.app.state.database.sessions) as session:
            for comment_id in rng.sample(ids, k=min(len(ids), 2)):
                comment = session.get(Comment, comment_id)
                action = rng.choice(["approve", "approve", "reject", "delete", "none"])
                if comment is not None and action in moderation.allowed_actions(
                    comment.state, moderation.is_erased(comment)
                ):
                    moderation.apply(session, comment, action, "tester")
    return [token for token in tokens if token]


@pytest.mark.parametrize("mode", list(ModerationMode))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_authors_view_from_the_cached_public_view_equals_the_whole_view(
    make_client: MakeClient, mode: ModerationMode, seed: int
) -> None:
    client = make_client(moderation=mode.value, rate_per_minute=0, rate_per_hour=0, form_token_max_posts=0)
    tokens = build_thread(client, random.Random(seed))
    assert tokens
    settings, signer = client.app.state.settings, client.app.state.signer
    for token in tokens:
        served: dict[str, Any] = client.get(
            "/api/comments", params={"thread": PAGE.thread}, headers={"X-Comment-Token": token}
        ).json()
        with client.app.state.database.read() as session:
            whole = thread_view(session, settings, PAGE, signer.author_token_hash(token, 86_400))
        assert served == whole
