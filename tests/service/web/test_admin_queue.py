"""The /admin lists at scale: counts, pages, search and filter, bulk actions, confirmed deletes,
replies in context, times in the site's zone, the audit log, and the page shell.

Through HTTP with a TestClient on SQLite and PostgreSQL. Big queues are seeded
straight into the database (posting hundreds through the API would only test the API).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from comments_service.core.models import AuditEntry, Comment, Thread
from comments_service.core.states import State
from comments_service.infra.database import write_session
from comments_service.web.page_shell import without_reader_chrome
from tests.service.helpers import post
from tests.service.web.test_admin import held, link_token, set_password, sign_in, state_of

T0 = dt.datetime(2026, 1, 15, 20, 30, tzinfo=dt.UTC)  # 12:30 in San Diego (PST)


def seed(
    client: TestClient, count: int, key: str = "articles/first", state: State = State.PENDING
) -> list[int]:
    """`count` comments on page `key`, a minute apart, straight into the database."""
    with write_session(client.app.state.database.sessions) as session:
        thread = session.scalar(select(Thread).where(Thread.key == key))
        if thread is None:
            thread = Thread(
                key=key, title=key.split("/")[-1].title(), url=f"/{key}/", version=1, created_at=T0
            )
            session.add(thread)
            session.flush()
        rows = [
            Comment(
                thread_id=thread.id,
                depth=1,
                state=state,
                name=f"Reader {n}",
                text=f"Seeded {key} {n}",
                html=f"<p>Seeded {key} {n}</p>",
                text_hash=f"{key}-{state}-{n}",
                created_at=T0 + dt.timedelta(minutes=n),
            )
            for n in range(count)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def signed_in(client: TestClient) -> str:
    set_password(client)
    return sign_in(client)


def shown_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="sdm-comment" id="comment-(\d+)"', html)]


def test_tabs_show_counts_and_the_queue_pages_past_two_hundred(make_client):
    client = make_client(admin_page_size=100)
    waiting = seed(client, 230)
    seed(client, 3, state=State.APPROVED)
    signed_in(client)
    first = client.get("/admin").text
    assert "Waiting (230)" in first
    assert "Approved (3)" in first
    assert "Rejected (0)" in first
    assert "Showing 1–100 of 230" in first
    assert "Page 1 of 3" in first
    last = client.get("/admin", params={"p": 3}).text
    assert shown_ids(last) == waiting[200:]
    assert 'rel="prev"' in last
    assert 'rel="next"' not in last


def test_search_and_page_filter_narrow_the_list_and_the_counts(client):
    seed(client, 3, "articles/first")
    second = seed(client, 2, "articles/second")
    signed_in(client)
    page = client.get("/admin", params={"thread": "articles/second"}).text
    assert shown_ids(page) == second
    assert "Waiting (2)" in page
    assert '<option value="articles/second" selected>' in page
    found = client.get("/admin", params={"q": "second 1"}).text
    assert shown_ids(found) == [second[1]]
    assert "Nothing here that matches" in client.get("/admin", params={"q": "no such words"}).text


def test_bulk_approve_of_the_ticked_comments_only(client):
    ids = seed(client, 4)
    csrf = signed_in(client)
    response = client.post(
        "/admin/bulk",
        data={"csrf": csrf, "action": "approve", "ids": ids[:2], "page_ids": ids, "back": "state=pending"},
    )
    assert response.status_code == 200
    assert "2 comments approved." in response.text
    assert [state_of(client, i) for i in ids] == ["approved", "approved", "pending", "pending"]


def test_select_all_without_javascript_acts_on_every_comment_on_this_page_only(make_client):
    client = make_client(admin_page_size=5)
    ids = seed(client, 7)
    csrf = signed_in(client)
    page = client.get("/admin").text
    page_ids = [int(n) for n in re.findall(r'name="page_ids" value="(\d+)"', page)]
    assert page_ids == ids[:5]
    data = {
        "csrf": csrf,
        "action": "reject",
        "all_on_page": "true",
        "page_ids": page_ids,
        "back": "state=pending",
    }
    assert "5 comments rejected." in client.post("/admin/bulk", data=data).text
    assert [state_of(client, i) for i in ids] == ["rejected"] * 5 + ["pending"] * 2


def test_bulk_needs_the_sessions_csrf_token(client):
    ids = seed(client, 2)
    signed_in(client)
    response = client.post("/admin/bulk", data={"csrf": "forged", "action": "approve", "ids": ids})
    assert response.status_code == 403
    assert [state_of(client, i) for i in ids] == ["pending", "pending"]


def test_bulk_delete_asks_first_then_deletes_restorably(client):
    ids = seed(client, 3)
    csrf = signed_in(client)
    ask = client.post("/admin/bulk", data={"csrf": csrf, "action": "delete", "ids": ids[:2]})
    assert "Delete these 2 comments?" in ask.text
    assert [state_of(client, i) for i in ids] == ["pending"] * 3
    confirm = dict(re.findall(r'name="(csrf|back|action|confirmed)" value="([^"]*)"', ask.text))
    answer = client.post("/admin/bulk", data={**confirm, "ids": ids[:2]})
    assert "2 comments deleted." in answer.text
    assert [state_of(client, i) for i in ids] == ["deleted", "deleted", "pending"]
    deleted_list = client.get("/admin", params={"state": "deleted"}).text
    assert sorted(shown_ids(deleted_list)) == ids[:2]
    assert "Restore as approved" in deleted_list
    client.post(f"/admin/comments/{ids[0]}/approve", data={"csrf": csrf})
    assert state_of(client, ids[0]) == "approved"


def test_one_delete_has_a_confirm_page_and_the_list_only_links_to_it(client):
    comment_id = held(client)
    csrf = signed_in(client)
    page = client.get("/admin").text
    assert f'href="/admin/comments/{comment_id}/delete?back=' in page
    assert f'formaction="/admin/comments/{comment_id}/delete"' not in page
    ask = client.get(f"/admin/comments/{comment_id}/delete")
    assert ask.status_code == 200
    assert "Delete this comment?" in ask.text
    assert state_of(client, comment_id) == "pending"
    client.post(
        "/admin/bulk", data={"csrf": csrf, "action": "delete", "confirmed": "true", "ids": [comment_id]}
    )
    assert state_of(client, comment_id) == "deleted"


def test_a_reply_quotes_its_parent_and_links_go_to_the_comments_anchor(client):
    parent = held(client, "What helps a stiff neck?")
    csrf = signed_in(client)
    client.post(f"/admin/comments/{parent}/approve", data={"csrf": csrf})
    reply = post(client, text="Gentle stretching helped me.", parent=parent).json()["comment"]["id"]
    page = client.get("/admin").text
    assert f'Reply to <a href="/admin/comments/{parent}">comment #{parent}</a>' in page
    assert "“<bdi>What helps a stiff neck?</bdi>”" in page
    approved = client.get("/admin", params={"state": "approved"}).text
    assert f'href="/blog/first/#comment-{parent}">Where readers see it' in approved
    assert f"#comment-{reply}" not in approved  # not public yet: no reader link
    ask = client.get(f"/admin/comments/{reply}/delete").text  # the confirm page says what it answers too
    assert "“<bdi>What helps a stiff neck?</bdi>”" in ask


def test_times_are_in_the_site_zone_with_utc_in_the_title(make_client):
    client = make_client(time_zone="America/Los_Angeles")
    seed(client, 1)
    signed_in(client)
    page = client.get("/admin").text
    assert (
        '<time datetime="2026-01-15T20:30:00Z" title="2026-01-15 20:30:00 UTC">2026-01-15 12:30 PST</time>'
        in page
    )
    berlin = make_client(time_zone="Europe/Berlin")
    sign_in(berlin)  # the same database: the password is set
    other = berlin.get("/admin").text
    assert "2026-01-15 21:30 CET" in other


def test_an_unknown_time_zone_is_a_settings_error(make_settings):
    with pytest.raises(ValueError, match="not a time zone"):
        make_settings(time_zone="Mars/Olympus")


def test_the_comment_page_shows_its_history_and_exports_it(client):
    comment_id = held(client)
    csrf = signed_in(client)
    client.post(f"/admin/comments/{comment_id}/approve", data={"csrf": csrf})
    client.post(f"/admin/comments/{comment_id}/reject", data={"csrf": csrf})
    page = client.get(f"/admin/comments/{comment_id}").text
    history = page.split("<h2>History</h2>")[1]
    assert history.index("reject") < history.index("approve")
    with client.app.state.database.sessions() as session:
        actors = set(session.scalars(select(AuditEntry.actor)))
    assert len(actors) == 1
    assert actors.pop().startswith("session ")
    csv = client.get("/admin/audit.csv", params={"comment": comment_id})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "at,actor,action,comment_id,detail"
    assert len(csv.text.splitlines()) == 3
    assert [e["action"] for e in client.get("/admin/audit.json").json()] == ["reject", "approve"]


def test_the_audit_export_needs_a_session(client):
    assert client.get("/admin/audit.csv").status_code == 401
    assert client.get("/admin/audit.json").status_code == 401


def test_admin_pages_put_no_form_inside_a_paragraph(client):
    held(client)
    signed_in(client)
    for path in ("/admin", "/admin/people", "/admin/comments/1"):
        html = client.get(path).text
        assert not re.search(r"<p\b[^>]*>(?:(?!</p>).)*<form", html, re.DOTALL), path


def test_the_reader_chrome_is_left_out_of_admin_pages():
    shell = (
        '<header><label class="md-header__button md-icon" for="__drawer"><svg></svg></label>'
        '<label class="md-header__button md-icon" for="__search"><svg></svg></label>'
        '<div class="md-search" data-md-component="search">'
        '<div class="md-search__inner"><form></form></div></div>'
        '</header><nav class="md-tabs" aria-label="Tabs"><ul><li>Tab</li></ul></nav>'
        '<div class="md-sidebar md-sidebar--primary"><div><nav class="md-nav"><nav>x</nav></nav></div></div>'
        '<div class="md-content"><article class="md-content__inner md-typeset"></article></div>'
    )
    bare = without_reader_chrome(shell)
    content = '<div class="md-content"><article class="md-content__inner md-typeset"></article></div>'
    assert bare == "<header></header>" + content


def test_a_deleted_comment_is_never_shown_to_readers_while_it_is_restorable(client):
    csrf = signed_in(client)
    parent = post(client, text="A comment soon deleted, with a secret word: zebra.").json()["comment"]["id"]
    client.post(f"/admin/comments/{parent}/approve", data={"csrf": csrf})
    reply = post(client, text="A reply that stays.", parent=parent).json()["comment"]["id"]
    client.post(f"/admin/comments/{reply}/approve", data={"csrf": csrf})
    client.post("/admin/bulk", data={"csrf": csrf, "action": "delete", "confirmed": "true", "ids": [parent]})
    thread = client.get("/api/comments", params={"thread": "articles/first"}).json()
    [placeholder] = thread["comments"]
    assert (placeholder["id"], placeholder["state"], placeholder["name"], placeholder["html"]) == (
        parent,
        "deleted",
        "",
        "",
    )
    assert [r["id"] for r in placeholder["replies"]] == [reply]
    assert thread["count"] == 1
    for path in ("/api/discussion", "/api/feed"):
        assert "zebra" not in client.get(path, params={"thread": "articles/first"}).text, path
    assert "zebra" in client.get(f"/admin/comments/{parent}").text  # the moderator still has it


def test_email_link_actions_are_logged_as_the_email_link(client):
    comment_id = held(client)
    client.post(f"/admin/moderate/{comment_id}/approve", data={"token": link_token(comment_id, "approve")})
    with client.app.state.database.sessions() as session:
        entries = session.scalars(select(AuditEntry)).all()
    assert [(e.actor, e.action, e.comment_id) for e in entries] == [("email link", "approve", comment_id)]
