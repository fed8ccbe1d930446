"""Commenters' own data: export and erase, by the browser's edit token or by an emailed link.

The widget uses the JSON endpoints with X-Comment-Token; the no-JavaScript page and
email links use the pages under /api/my-data, which only show what would go until
their button is pressed.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from comments_service.core import moderation
from comments_service.core.models import Comment, Subscription
from tests.service.helpers import post

ADDRESS = "Dee@Example.org"
SAME_ORIGIN = {"Origin": "http://testserver"}


def stored(client: TestClient) -> list[tuple[str, str | None, str]]:
    with client.app.state.database.sessions() as session:
        return [(c.name, c.email, c.text) for c in session.scalars(select(Comment).order_by(Comment.id))]


def my_data_token(client: TestClient, address: str) -> str:
    """The token of an email's my-data link, as commenter_email builds it."""
    signer = client.app.state.signer
    return str(signer.email_token("my-data", signer.email_key(address)))


def test_the_widget_exports_this_browsers_comments_as_json(make_client):
    client = make_client(moderation="none")
    mine = post(client, text="Mine, with my address.", email=ADDRESS)
    token = mine.json()["token"]
    post(client, text="Another of mine.", token=token)
    post(client, text="Someone else's.", email="other@example.org")
    response = client.get("/api/me/comments", headers={"X-Comment-Token": token})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    comments = response.json()["comments"]
    assert [c["text"] for c in comments] == ["Mine, with my address.", "Another of mine."]
    assert comments[0]["email"] == ADDRESS
    assert comments[0]["url"] == f"/blog/first/#comment-{comments[0]['id']}"


def test_the_widget_deletes_this_browsers_comments_and_addresses(make_client):
    client = make_client(moderation="none")
    token = post(client, text="Delete me.", email=ADDRESS).json()["token"]
    parent = post(client, text="A question from someone else.", email="other@example.org").json()["comment"][
        "id"
    ]
    answer = post(client, text="My answer, which has a reply.", token=token, parent=parent).json()
    post(client, text="A reply to my answer.", parent=answer["comment"]["id"])
    response = client.delete("/api/me/comments", headers={"X-Comment-Token": token})
    assert response.status_code == 200
    assert response.json() == {"deleted": 2}
    rows = stored(client)
    assert ("", None, "") in rows  # my answer stays as an empty placeholder: its reply keeps its place
    assert not [row for row in rows if row[1] == ADDRESS or "Delete me." in row[2] or "My answer" in row[2]]
    assert ("Ann", "other@example.org", "A question from someone else.") in rows


def test_without_this_browsers_token_nothing_is_shown_or_deleted(make_client):
    client = make_client(moderation="none")
    post(client, text="Not yours.", email=ADDRESS)
    for method in ("get", "delete"):
        for headers in ({}, {"X-Comment-Token": "forged"}):
            response = client.request(method, "/api/me/comments", headers=headers)
            assert response.status_code == 403
            assert ADDRESS.lower() not in response.text.lower()
    assert len(stored(client)) == 1


def test_an_email_link_shows_every_comment_with_the_address_then_deletes_after_the_button(make_client):
    client = make_client(moderation="none")
    post(client, text="First, from one browser.", email=ADDRESS)
    post(client, text="Second, from another, in capitals.", email=ADDRESS.upper())
    post(client, text="Someone else's.", email="other@example.org")
    token = my_data_token(client, ADDRESS)
    page = client.get("/api/my-data", params={"token": token})
    assert page.status_code == 200
    assert "First, from one browser." in page.text
    assert "Second, from another" in page.text
    assert "Someone else" not in page.text
    assert "Delete my comments and email address" in page.text
    assert len(stored(client)) == 3  # the page only asks
    exported = client.get("/api/my-data/export", params={"token": token})
    assert exported.headers["content-disposition"] == 'attachment; filename="my-comments.json"'
    assert len(json.loads(exported.text)["comments"]) == 2
    done = client.post("/api/my-data/delete", data={"token": token})
    assert done.status_code == 200
    assert "Your comments and your email address are deleted." in done.text
    assert stored(client) == [("Ann", "other@example.org", "Someone else's.")]


def test_erasing_by_email_link_also_ends_every_subscription_of_the_address(make_client):
    client = make_client(smtp_host="127.0.0.1", smtp_port=9, smtp_starttls=False)  # nothing is sent
    post(client, email=ADDRESS, notify=True)
    client.post("/api/my-data/delete", data={"token": my_data_token(client, ADDRESS)})
    with client.app.state.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 0


def test_the_no_javascript_page_links_to_the_authors_data_by_its_cookie(make_client):
    client = make_client()
    form = {"thread": "articles/first", "parent": "", "website": "", "name": "Eve", "email": ADDRESS}
    form |= {"text": "Posted without JavaScript.", "form_token": _form_token(client)}
    client.post("/api/discussion", data=form, headers=SAME_ORIGIN)
    page = client.get("/api/my-data")
    assert page.status_code == 200
    assert "Posted without JavaScript." in page.text
    refused = client.post("/api/my-data/delete", headers={"Origin": "https://elsewhere.example"})
    assert refused.status_code == 403
    assert len(stored(client)) == 1
    assert client.post("/api/my-data/delete", headers=SAME_ORIGIN).status_code == 200
    assert stored(client) == []
    client.cookies.clear()
    assert client.get("/api/my-data").status_code == 403


def _form_token(client: TestClient) -> str:
    page = client.get("/api/discussion", params={"thread": "articles/first"}).text
    found = re.search(r'name="form_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_the_export_link_on_the_email_page_carries_the_same_token(make_client):
    client = make_client(moderation="none")
    post(client, text="Exported.", email=ADDRESS)
    token = my_data_token(client, ADDRESS)
    page = client.get("/api/my-data", params={"token": token}).text
    href = re.search(r'href="(my-data/export\?token=[^"]+)"', page)
    assert href
    assert parse_qs(urlsplit(href.group(1)).query)["token"][0] == token


def moderate(client: TestClient, comment_id: int, action: str) -> None:
    with client.app.state.database.write() as session:
        comment = session.get(Comment, comment_id)
        assert comment is not None
        moderation.apply(session, comment, action, "cli tester")


def test_comments_a_moderator_hid_are_in_the_export_saying_so_and_erasing_erases_them(make_client):
    client = make_client()
    token = post(client, text="Deleted by a moderator.", email=ADDRESS).json()["token"]
    hidden = post(client, text="Rejected by a moderator.", token=token).json()["comment"]["id"]
    first = client.get("/api/me/comments", headers={"X-Comment-Token": token}).json()["comments"][0]["id"]
    moderate(client, first, "delete")  # restorable: still holds my name, email and text
    moderate(client, hidden, "reject")
    exported = client.get("/api/me/comments", headers={"X-Comment-Token": token}).json()["comments"]
    assert [(c["text"], c["state"], c["shown_on_site"]) for c in exported] == [
        ("Deleted by a moderator.", "deleted", False),
        ("Rejected by a moderator.", "rejected", False),
    ]
    assert exported[0]["why_not_shown"].startswith("A moderator deleted this comment: it is hidden")
    spanish = client.get("/api/me/comments", params={"lang": "es"}, headers={"X-Comment-Token": token}).json()
    assert spanish["comments"][0]["why_not_shown"].startswith("Un moderador borró este comentario")
    assert client.delete("/api/me/comments", headers={"X-Comment-Token": token}).json() == {"deleted": 2}
    assert stored(client) == []  # erased for good: nothing a moderator could restore


def test_an_email_link_finds_and_erases_a_comment_a_moderator_deleted(make_client):
    client = make_client()
    comment_id = post(client, text="Set aside by a moderator.", email=ADDRESS).json()["comment"]["id"]
    moderate(client, comment_id, "delete")
    link = my_data_token(client, ADDRESS)
    page = client.get("/api/my-data", params={"token": link})
    assert "Set aside by a moderator." in page.text
    assert "A moderator deleted this comment" in page.text
    done = client.post("/api/my-data/delete", data={"token": link})
    assert done.status_code == 200
    assert stored(client) == []
