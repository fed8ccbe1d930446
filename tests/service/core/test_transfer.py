"""Export and import (transfer.py): a round trip into an empty database loses nothing.

Runs on SQLite and PostgreSQL. After an import, new comments and threads must get
fresh ids, which on PostgreSQL needs the id sequences moved past the imported rows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from comments_service.core import moderation, transfer
from comments_service.core.models import Comment
from comments_service.core.times import as_utc
from comments_service.infra.database import write_session
from comments_service.infra.settings import Settings
from comments_service.web.app_factory import create_app
from tests.service.helpers import post


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A second, empty database of the same kind."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    return str(request.getfixturevalue("postgres_server").database())


def held(client: TestClient, text: str, **fields: Any) -> tuple[int, str]:
    response = post(client, text=text, email="ann@example.org", **fields)
    assert response.status_code == 202, response.text
    return int(response.json()["comment"]["id"]), str(response.json()["token"])


def moderate(client: TestClient, comment_id: int, action: str) -> None:
    with write_session(client.app.state.database.sessions) as session:
        moderation.apply(session, session.get(Comment, comment_id), action, "tester")


def erase(client: TestClient, comment_id: int) -> None:
    """Erase at once, as an author's own delete or the end of the retention period does."""
    with write_session(client.app.state.database.sessions) as session:
        moderation.delete(session, session.get(Comment, comment_id))  # type: ignore[arg-type]


def export(client: TestClient) -> dict[str, Any]:
    with client.app.state.database.sessions() as session:
        return transfer.export(session)


def import_(client: TestClient, data: dict[str, Any]) -> tuple[int, int]:
    with write_session(client.app.state.database.sessions) as session:
        return transfer.import_(session, data)


def thread(client: TestClient, key: str = "articles/first", token: str | None = None) -> dict[str, Any]:
    headers = {"X-Comment-Token": token} if token else {}
    return dict(client.get("/api/comments", params={"thread": key}, headers=headers).json())


@pytest.fixture
def source(make_client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A database with every state, nested replies, a placeholder and a gap in the ids."""
    client = make_client(rate_per_minute=0, rate_per_hour=0)
    top, _ = held(client, "Top comment.")
    moderate(client, top, "approve")
    reply, _ = held(client, "A reply.", parent=top)
    moderate(client, reply, "approve")
    deeper, _ = held(client, "A reply to the reply.", parent=reply)
    moderate(client, deeper, "approve")
    gone, _ = held(client, "Removed for good.")
    erase(client, gone)  # no replies: the row goes, leaving a gap in the ids
    rejected, _ = held(client, "Rejected.")
    moderate(client, rejected, "reject")
    waiting, token = held(client, "Waiting for a moderator.")
    second, _ = held(client, "On the second article.", thread="articles/second")
    moderate(client, second, "approve")
    erase(client, reply)  # has a reply: stays as a placeholder
    return {"client": client, "token": token, "ids": [top, reply, deeper, rejected, waiting, second]}


def test_round_trip_keeps_ids_states_parents_and_order(source, make_client, fresh_database_url):
    data = export(source["client"])
    assert [c["id"] for c in data["comments"]] == source["ids"]
    assert {c["state"] for c in data["comments"]} == {"pending", "approved", "rejected", "deleted"}
    target = make_client(database_url=fresh_database_url)
    assert import_(target, data) == (2, 6)
    copied = export(target)
    assert copied["threads"] == data["threads"]
    assert copied["comments"] == data["comments"]
    for key in ("articles/first", "articles/second"):
        assert thread(target, key) == thread(source["client"], key)


def created_times(client: TestClient) -> list[object]:
    with client.app.state.database.sessions() as session:
        return [as_utc(moment) for moment in session.scalars(select(Comment.created_at).order_by(Comment.id))]


def test_round_trip_keeps_the_exact_times(source, make_client, fresh_database_url):
    target = make_client(database_url=fresh_database_url)
    import_(target, export(source["client"]))
    assert created_times(target) == created_times(source["client"])


def test_the_imported_thread_nests_replies_under_the_placeholder(source, make_client, fresh_database_url):
    target = make_client(database_url=fresh_database_url)
    import_(target, export(source["client"]))
    top, reply, deeper = source["ids"][:3]
    [first] = thread(target)["comments"]
    assert first["id"] == top
    [placeholder] = first["replies"]
    assert (placeholder["id"], placeholder["state"], placeholder["name"]) == (reply, "deleted", "")
    assert [c["id"] for c in placeholder["replies"]] == [deeper]


def test_authors_still_see_their_own_waiting_comment_after_an_import(source, make_client, fresh_database_url):
    target = make_client(database_url=fresh_database_url)
    import_(target, export(source["client"]))
    waiting = source["ids"][4]
    own = [c for c in thread(target, token=source["token"])["comments"] if c["own"]]
    assert [c["id"] for c in own] == [waiting]


def test_new_comments_and_threads_after_an_import_get_fresh_ids(source, make_client, fresh_database_url):
    data = export(source["client"])
    target = make_client(database_url=fresh_database_url, moderation="none")
    import_(target, data)
    highest = max(source["ids"])
    same_thread = post(target, text="After the move.")
    assert same_thread.status_code == 201, same_thread.text
    assert same_thread.json()["comment"]["id"] > highest
    # A brand-new thread must not collide with an imported thread id either.
    fresh = post(target, text="Hello.", thread="articles/second")
    assert fresh.status_code == 201
    exported = export(target)
    assert len({t["id"] for t in exported["threads"]}) == len(exported["threads"]) == 2


def test_new_thread_after_importing_only_one_thread_gets_a_fresh_id(make_client, fresh_database_url):
    client = make_client()
    held(client, "Only the first article.")
    target = make_client(database_url=fresh_database_url, moderation="none")
    import_(target, export(client))
    assert post(target, text="First on the second article.", thread="articles/second").status_code == 201
    ids = [t["id"] for t in export(target)["threads"]]
    assert len(set(ids)) == 2


def test_import_refuses_a_database_that_has_comments(source):
    with pytest.raises(ValueError, match="already has comments"):
        import_(source["client"], export(source["client"]))


@pytest.mark.parametrize(
    "data",
    [{}, {"format": "sdm-comments", "version": 2, "threads": [], "comments": []}, ["not", "a", "dict"]],
)
def test_import_refuses_data_that_is_not_an_export(client, data):
    with pytest.raises(ValueError, match="not a comments export"):
        import_(client, data)  # type: ignore[arg-type]
    assert export(client)["threads"] == []


# -- Time zones: every time is UTC, whatever the database session's zone ------------------

LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def test_a_time_in_another_zone_is_stored_and_read_back_as_the_same_moment_in_utc(client):
    moment = dt.datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=LOS_ANGELES)  # 16:30:15 UTC
    comment_id, _ = held(client, "Written in California.")
    with write_session(client.app.state.database.sessions) as session:
        session.get(Comment, comment_id).created_at = moment
    with client.app.state.database.sessions() as session:
        stored = session.get(Comment, comment_id).created_at
    assert stored == moment
    assert stored.utcoffset() == dt.timedelta(0)
    assert export(client)["comments"][0]["created"] == "2026-07-01T16:30:15.123456+00:00"


def test_an_export_from_a_postgresql_session_in_another_zone_imports_into_sqlite_unchanged(
    postgres_server, pages_file, tmp_path
):
    def app(url: str) -> TestClient:
        settings = Settings(
            database_url=url, secret_key="test-secret-key", pages_file=pages_file, min_submit_seconds=0
        )
        return TestClient(create_app(settings))

    zoned = postgres_server.database() + "?options=-c%20timezone%3DAmerica/Los_Angeles"
    with app(zoned) as source:
        with source.app.state.database.sessions() as session:
            assert session.execute(text("SHOW timezone")).scalar() == "America/Los_Angeles"
        before = dt.datetime.now(dt.UTC)
        top, token = held(source, "Posted from a Los Angeles session.")
        moderate(source, top, "approve")
        held(source, "A reply.", parent=top)
        data = export(source)
        shown = thread(source, token=token)
    for row in data["comments"]:
        assert row["created"].endswith("+00:00"), row["created"]
        moment = dt.datetime.fromisoformat(row["created"])
        assert dt.timedelta(0) <= moment - before < dt.timedelta(minutes=5)
    assert shown["comments"][0]["created"].endswith("Z")
    with app(f"sqlite:///{tmp_path / 'moved.sqlite3'}") as target:
        import_(target, data)
        assert export(target)["comments"] == data["comments"]
        assert thread(target, token=token)["comments"] == shown["comments"]
