"""The JSON API as a visitor's browser uses it: posting, reading, replying, editing, feeds, caching.

Spam defences seen through the API (honeypot, form age, rate limits) are in
test_api_guards.py; malformed requests in test_bad_input.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from comments_service.core import moderation, posting
from comments_service.core.models import Comment
from comments_service.core.tokens import Signer
from comments_service.infra.database import write_session
from comments_service.infra.settings import Settings
from tests.service.helpers import form_token, post

ATOM = "{http://www.w3.org/2005/Atom}"
MakeClient = Callable[..., TestClient]


def read(client: TestClient, thread: str = "articles/first", token: str | None = None) -> httpx.Response:
    headers = {"X-Comment-Token": token} if token else {}
    return client.get("/api/comments", params={"thread": thread}, headers=headers)


def shown(
    client: TestClient, token: str | None = None, thread: str = "articles/first"
) -> list[dict[str, Any]]:
    response = read(client, thread, token)
    assert response.status_code == 200
    return list(response.json()["comments"])


def approve(client: TestClient, comment_id: int) -> None:
    """What a moderator's "approve" does, through the same rules module the admin pages use."""
    with write_session(client.app.state.database.sessions) as session:
        moderation.approve(session, session.get(Comment, comment_id))


def stored(client: TestClient) -> int:
    with client.app.state.database.sessions() as session:
        return int(session.scalar(select(func.count(Comment.id))) or 0)


def open_client(make_client: MakeClient, **overrides: Any) -> TestClient:
    return make_client(moderation="none", **overrides)


def test_post_is_held_for_moderation_and_returns_an_edit_token(client: TestClient) -> None:
    response = post(client, "Held back for now.")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending"
    assert body["token"]
    assert body["comment"]["state"] == "pending"
    assert body["comment"]["own"] is True
    assert body["comment"]["html"] == "<p>Held back for now.</p>"


def test_own_pending_comment_is_visible_only_with_its_token(client: TestClient) -> None:
    posted = post(client, "Only I can see this.").json()
    mine = shown(client, posted["token"])
    assert [c["id"] for c in mine] == [posted["comment"]["id"]]
    assert mine[0]["state"] == "pending"
    assert mine[0]["text"] == "Only I can see this."
    assert shown(client) == []
    assert read(client).json()["count"] == 0
    stranger = post(client, "Someone else.").json()["token"]
    assert posted["comment"]["id"] not in [c["id"] for c in shown(client, stranger)]


def test_comment_is_published_at_once_when_moderation_is_off(make_client: MakeClient) -> None:
    client = make_client(moderation="none")
    response = post(client, "Straight through.")
    assert response.status_code == 201
    assert response.json()["status"] == "approved"
    public = shown(client)
    assert [c["html"] for c in public] == ["<p>Straight through.</p>"]
    assert public[0]["own"] is False
    assert public[0]["text"] is None
    assert read(client).json()["count"] == 1


def test_first_time_commenter_goes_straight_through_once_approved(make_client: MakeClient) -> None:
    client = make_client(moderation="first-time")
    first = post(client, "My first comment.")
    assert first.status_code == 202
    token = first.json()["token"]
    assert post(client, "Still waiting.", token=token).status_code == 202
    approve(client, first.json()["comment"]["id"])
    assert post(client, "Now trusted.", token=token).status_code == 201
    assert post(client, "A newcomer.").status_code == 202


APPROVED_TEXT = "Massage helped my lower back after two weeks of gentle sessions with my therapist."


def approved_author(client: TestClient) -> tuple[int, str]:
    """In first-time mode: an author whose first comment a moderator approved."""
    posted = post(client, APPROVED_TEXT).json()
    approve(client, posted["comment"]["id"])
    return posted["comment"]["id"], posted["token"]


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        ({"text": APPROVED_TEXT + " More at [my shop](https://shop.example/)."}, "a new link"),
        ({"text": "Buy cheap pills now, best prices, fast delivery, no prescription needed."}, "most words"),
        ({"text": APPROVED_TEXT, "name": "Dr Pills"}, "the name"),
    ],
)
def test_first_time_mode_reads_again_an_approved_authors_edit_that_changes_much(
    make_client: MakeClient, edit: dict[str, str], why: str
) -> None:
    client = make_client(moderation="first-time")
    comment_id, token = approved_author(client)
    edited = client.patch(f"/api/comments/{comment_id}", json=edit, headers={"X-Comment-Token": token})
    assert edited.status_code == 200
    assert edited.json()["state"] == "pending", why
    assert shown(client) == []  # out of public view until a moderator approves it again
    assert shown(client, token)[0]["state"] == "pending"


def test_first_time_mode_lets_an_approved_author_fix_a_typo(make_client: MakeClient) -> None:
    client = make_client(moderation="first-time")
    comment_id, token = approved_author(client)
    fixed = APPROVED_TEXT.replace("gentle", "gentle, slow")
    edited = client.patch(
        f"/api/comments/{comment_id}", json={"text": fixed}, headers={"X-Comment-Token": token}
    )
    assert edited.json()["state"] == "approved"
    assert "gentle, slow" in shown(client)[0]["html"]


def old_author_token(monkeypatch: pytest.MonkeyPatch, days: int) -> str:
    """An edit token the service issued `days` ago."""
    issued = time.time() - days * 86_400
    with monkeypatch.context() as patched:
        patched.setattr(time, "time", lambda: issued)
        return Signer("test-secret-key").new_author_token()


def test_an_expired_author_token_no_longer_skips_moderation(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(moderation="first-time", author_token_days=30)
    comment_id, _ = approved_author(client)
    old = old_author_token(monkeypatch, days=31)
    with write_session(client.app.state.database.sessions) as session:
        session.get(Comment, comment_id).author_token_hash = hashlib.sha256(old.encode()).hexdigest()
    posted = post(client, "Posted with a month-old token.", token=old)
    assert posted.status_code == 202  # moderated again, as a newcomer
    assert posted.json()["token"] != old  # a new token replaces it
    # Within its 30 days, the same kind of token still goes straight through.
    recent = old_author_token(monkeypatch, days=29)
    with write_session(client.app.state.database.sessions) as session:
        session.get(Comment, comment_id).author_token_hash = hashlib.sha256(recent.encode()).hexdigest()
    assert post(client, "Posted with a recent token.", token=recent).status_code == 201


def test_an_expired_author_token_shows_and_changes_nothing(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(author_token_days=1)
    posted = post(client, "Waiting for a moderator.").json()
    old = old_author_token(monkeypatch, days=2)
    with write_session(client.app.state.database.sessions) as session:
        session.get(Comment, posted["comment"]["id"]).author_token_hash = hashlib.sha256(
            old.encode()
        ).hexdigest()
    assert shown(client, old) == []  # its waiting comment is no longer shown to it
    url, headers = f"/api/comments/{posted['comment']['id']}", {"X-Comment-Token": old}
    assert client.patch(url, json={"text": "Changed."}, headers=headers).status_code == 403
    assert client.delete(url, headers=headers).status_code == 403


def test_author_tokens_must_outlast_the_edit_window() -> None:
    with pytest.raises(ValueError, match="author_token_days"):
        Settings(secret_key="test-secret-key", author_token_days=1, edit_window_seconds=2 * 86_400)


def test_replies_nest_up_to_max_depth(make_client: MakeClient) -> None:
    client = open_client(make_client)
    top = post(client, "Top.").json()["comment"]["id"]
    second = post(client, "Second.", parent=top).json()["comment"]["id"]
    third = post(client, "Third.", parent=second)
    assert third.status_code == 201
    assert third.json()["comment"]["depth"] == 3
    refused = post(client, "Fourth.", parent=third.json()["comment"]["id"])
    assert refused.status_code == 422
    assert refused.json()["field"] == "parent"
    tree = shown(client)
    assert tree[0]["id"] == top
    assert tree[0]["replies"][0]["id"] == second
    assert tree[0]["replies"][0]["replies"][0]["depth"] == 3
    assert stored(client) == 3


def test_max_depth_is_a_setting(make_client: MakeClient) -> None:
    client = open_client(make_client, max_depth=2)
    top = post(client, "Top.").json()["comment"]["id"]
    second = post(client, "Second.", parent=top).json()["comment"]["id"]
    refused = post(client, "Third.", parent=second)
    assert refused.status_code == 422
    assert refused.json()["field"] == "parent"
    assert read(client).json()["max_depth"] == 2


def test_reply_to_a_parent_the_visitor_cannot_reply_to_is_refused(make_client: MakeClient) -> None:
    held = make_client()
    pending_id = post(held, "Pending parent.").json()["comment"]["id"]
    client = open_client(make_client)
    other_thread = post(client, "Elsewhere.", thread="articles/second").json()["comment"]["id"]
    for parent in (pending_id, other_thread, 999_999):
        response = post(client, f"Reply to {parent}.", parent=parent)
        assert response.status_code == 422, parent
        assert response.json()["field"] == "parent"
    assert stored(client) == 2


def test_author_edits_and_deletes_within_the_window(make_client: MakeClient) -> None:
    client = open_client(make_client)
    posted = post(client, "Frist!").json()
    comment_id, token = posted["comment"]["id"], posted["token"]
    edited = client.patch(
        f"/api/comments/{comment_id}",
        json={"text": "First!", "name": "Ann B"},
        headers={"X-Comment-Token": token},
    )
    assert edited.status_code == 200
    assert edited.json()["html"] == "<p>First!</p>"
    assert edited.json()["edited"] is not None
    assert shown(client)[0]["name"] == "Ann B"
    deleted = client.delete(f"/api/comments/{comment_id}", headers={"X-Comment-Token": token})
    assert deleted.status_code == 204
    assert shown(client) == []
    assert stored(client) == 0


def test_edit_and_delete_are_refused_without_the_authors_token(make_client: MakeClient) -> None:
    client = open_client(make_client)
    comment_id = post(client, "Mine.").json()["comment"]["id"]
    other = post(client, "Someone else's.").json()["token"]
    for headers in ({}, {"X-Comment-Token": other}, {"X-Comment-Token": "forged.token"}):
        edit = client.patch(f"/api/comments/{comment_id}", json={"text": "Hijacked."}, headers=headers)
        assert edit.status_code == 403, headers
        assert edit.json()["field"] == "X-Comment-Token"
        assert client.delete(f"/api/comments/{comment_id}", headers=headers).status_code == 403
    assert shown(client)[0]["html"] == "<p>Mine.</p>"


def test_edit_and_delete_are_refused_after_the_window(make_client: MakeClient) -> None:
    client = open_client(make_client, edit_window_seconds=0)
    posted = post(client, "Too late to change.").json()
    headers = {"X-Comment-Token": posted["token"]}
    assert posted["comment"]["editable_until"] is None
    url = f"/api/comments/{posted['comment']['id']}"
    assert client.patch(url, json={"text": "Changed."}, headers=headers).status_code == 403
    assert client.delete(url, headers=headers).status_code == 403
    assert shown(client)[0]["html"] == "<p>Too late to change.</p>"


def test_deleted_comment_with_replies_leaves_a_placeholder_until_the_last_reply_goes(
    make_client: MakeClient,
) -> None:
    client = open_client(make_client)
    parent = post(client, "Parent.", name="Parent Author").json()
    reply = post(client, "Reply.", parent=parent["comment"]["id"]).json()
    gone = client.delete(
        f"/api/comments/{parent['comment']['id']}", headers={"X-Comment-Token": parent["token"]}
    )
    assert gone.status_code == 204
    [placeholder] = shown(client)
    assert placeholder["state"] == "deleted"
    assert (placeholder["name"], placeholder["html"]) == ("", "")
    assert [r["id"] for r in placeholder["replies"]] == [reply["comment"]["id"]]
    assert "Parent Author" not in read(client).text
    client.delete(f"/api/comments/{reply['comment']['id']}", headers={"X-Comment-Token": reply["token"]})
    assert shown(client) == []
    assert stored(client) == 0


def test_counts_many_threads_at_once_counting_approved_only(client: TestClient) -> None:
    ids = [post(client, f"Comment {n}.").json()["comment"]["id"] for n in range(3)]
    post(client, "On the second page.", thread="articles/second")
    approve(client, ids[0])
    approve(client, ids[2])
    response = client.get("/api/counts", params=[("thread", "articles/first"), ("thread", "articles/second")])
    assert response.status_code == 200
    assert response.json()["counts"] == {"articles/first": 2, "articles/second": 0}


def test_feed_is_atom_xml_listing_approved_comments_only(client: TestClient) -> None:
    shown_id = post(client, "Approved *words*.").json()["comment"]["id"]
    post(client, "Still pending.")
    approve(client, shown_id)
    response = client.get("/api/feed", params={"thread": "articles/first"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed, in a test)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{ATOM}content") == "<p>Approved <em>words</em>.</p>"
    assert "Still pending" not in response.text


def test_the_feed_stays_valid_xml_after_posts_with_noncharacters(make_client: MakeClient) -> None:
    client = open_client(make_client)
    post(client, "Text with \ufffe in it.")
    post(client, "Fine text.", name="Ann \uffff")
    assert post(client, "A normal comment.").status_code == 201
    response = client.get("/api/feed", params={"thread": "articles/first"})
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed, in a test)
    assert [entry.findtext(f"{ATOM}content") for entry in root.iter(f"{ATOM}entry")] == [
        "<p>A normal comment.</p>"
    ]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\u202eevil.exe\u202c", "evil.exe"),  # right-to-left override: would show "exe.live"
        ("\u2067Ann\u2069 Lee", "Ann Lee"),
        ("\u200eBo\u200f\u061c", "Bo"),
        ("A\u200bn\u2060n\ufeff", "Ann"),
        ("Ali\u200d", "Ali"),
        ("\u200c Cy", "Cy"),
        ("\U0001f469\u200d\u2695\ufe0f Sara", "\U0001f469\u200d\u2695\ufe0f Sara"),  # an emoji's joiner
        ("Mi\u200cna", "Mi\u200cna"),  # a joiner inside a word (Persian, Hindi) stays
    ],
)
def test_bidi_controls_and_zero_width_characters_are_stripped_from_names(
    make_client: MakeClient, typed: str, kept: str
) -> None:
    client = open_client(make_client)
    response = post(client, "Hello.", name=typed)
    assert response.status_code == 201
    assert response.json()["comment"]["name"] == kept
    assert shown(client)[0]["name"] == kept


def test_a_name_of_only_invisible_characters_is_refused(make_client: MakeClient) -> None:
    response = post(open_client(make_client), "Hello.", name="\u202e\u200b\u2066")
    assert response.status_code == 422
    assert response.json()["field"] == "name"
    assert response.json()["detail"] == "Please enter your name."


@pytest.mark.parametrize("path", ["/api/comments", "/api/feed"])
def test_unknown_thread_is_not_found_for_reads(client: TestClient, path: str) -> None:
    response = client.get(path, params={"thread": "articles/nope"})
    assert response.status_code == 404
    assert response.json()["field"] == "thread"


def test_unknown_thread_is_not_found_for_posts(client: TestClient) -> None:
    body = {"thread": "articles/nope", "name": "Ann", "text": "Hello.", "form_token": form_token(client)}
    response = client.post("/api/comments", json=body)
    assert response.status_code == 404
    assert response.json()["field"] == "thread"
    assert stored(client) == 0


def test_health_reports_the_database(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_repeat_read_is_not_modified_until_a_comment_is_approved(client: TestClient) -> None:
    comment_id = post(client, "Wait for it.").json()["comment"]["id"]
    first = read(client)
    etag = first.headers["etag"]
    again = client.get("/api/comments", params={"thread": "articles/first"}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    approve(client, comment_id)
    changed = client.get(
        "/api/comments", params={"thread": "articles/first"}, headers={"If-None-Match": etag}
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.json()["count"] == 1


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [
        ('"elsewhere", {etag}', 304),
        ("W/{etag}", 304),
        ("*", 304),
        ('"x{bare}y"', 200),
        ('{etag}junk, "b"', 200),
        ('"{bare}', 200),
    ],
)
def test_if_none_match_is_a_list_of_entity_tags_compared_weakly(
    client: TestClient, if_none_match: str, status: int
) -> None:
    post(client, "Cache me.")
    etag = read(client).headers["etag"]
    field = if_none_match.format(etag=etag, bare=etag.strip('"'))
    again = client.get("/api/comments", params={"thread": "articles/first"}, headers={"If-None-Match": field})
    assert again.status_code == status, field


def test_thread_is_gzipped_when_the_client_accepts_it(make_client: MakeClient) -> None:
    client = open_client(make_client)
    post(client, "Compress me. " * 20)
    zipped = client.get(
        "/api/comments", params={"thread": "articles/first"}, headers={"Accept-Encoding": "gzip"}
    )
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.json()["count"] == 1  # httpx decompresses it: the body is valid gzip
    plain = client.get(
        "/api/comments", params={"thread": "articles/first"}, headers={"Accept-Encoding": "identity"}
    )
    assert "content-encoding" not in plain.headers
    assert plain.json() == zipped.json()


def test_email_never_appears_in_any_public_response(make_client: MakeClient) -> None:
    email = "Ann.Example@Mail.Example.org"
    forms = {email, email.lower(), email.strip().lower()}
    needles = forms | {hashlib.sha256(f.encode()).hexdigest() for f in forms}
    needles |= {hashlib.md5(f.encode()).hexdigest() for f in forms}  # noqa: S324 (what Gravatar would use)
    client = make_client(moderation="first-time")
    first = post(client, "With an email.", email=email)
    token = first.json()["token"]
    bodies = [first.text, read(client, token=token).text]
    approve(client, first.json()["comment"]["id"])
    second = post(client, "Trusted now.", email=email, token=token)
    reply = post(client, "A reply.", email=email, token=token, parent=second.json()["comment"]["id"])
    edited = client.patch(
        f"/api/comments/{reply.json()['comment']['id']}",
        json={"text": "Edited."},
        headers={"X-Comment-Token": token},
    )
    bodies += [second.text, reply.text, edited.text, read(client).text, read(client, token=token).text]
    bodies += [client.get("/api/feed", params={"thread": "articles/first"}).text]
    bodies += [client.get("/api/counts", params={"thread": "articles/first"}).text]
    assert [r.status_code for r in (second, reply, edited)] == [201, 201, 200]
    for body in bodies:
        for needle in needles:
            assert needle not in body.lower()


def test_same_text_twice_in_a_thread_is_refused_but_allowed_elsewhere(client: TestClient) -> None:
    assert post(client, "Great article, thanks!").status_code == 202
    again = post(client, "great   article,  THANKS!")
    assert again.status_code == 409
    assert again.json()["field"] == "text"
    assert post(client, "Great article, thanks!", thread="articles/second").status_code == 202
    assert stored(client) == 2


def test_too_many_links_are_refused(client: TestClient) -> None:
    links = " ".join(f"[{n}](https://example.com/{n})" for n in range(4))
    refused = post(client, links)
    assert refused.status_code == 422
    assert refused.json()["field"] == "text"
    assert post(client, links.rsplit(" ", 1)[0]).status_code == 202
    assert stored(client) == 1


def test_refusals_answer_with_detail_and_field_only(client: TestClient) -> None:
    unknown = {"thread": "articles/nope", "name": "Ann", "text": "Hi.", "form_token": form_token(client)}
    for response in (client.post("/api/comments", json=unknown), client.post("/api/comments", content=b"{}")):
        assert response.status_code in (404, 415)
        assert set(response.json()) == {"detail", "field"}
        assert response.json()["detail"]


def test_edit_into_a_duplicate_or_too_many_links_is_refused(make_client: MakeClient) -> None:
    client = open_client(make_client)
    post(client, "Already said.")
    mine = post(client, "Something new.").json()
    url, headers = f"/api/comments/{mine['comment']['id']}", {"X-Comment-Token": mine["token"]}
    duplicate = client.patch(url, json={"text": "already SAID."}, headers=headers)
    assert (duplicate.status_code, duplicate.json()["field"]) == (409, "text")
    links = client.patch(
        url, json={"text": " ".join(f"<https://e.example/{n}>" for n in range(4))}, headers=headers
    )
    assert (links.status_code, links.json()["field"]) == (422, "text")
    assert [c["html"] for c in shown(client)] == ["<p>Already said.</p>", "<p>Something new.</p>"]


def test_text_of_a_deleted_comment_can_be_posted_again(make_client: MakeClient) -> None:
    client = open_client(make_client)
    posted = post(client, "Second thoughts.").json()
    client.delete(f"/api/comments/{posted['comment']['id']}", headers={"X-Comment-Token": posted["token"]})
    assert post(client, "Second thoughts.").status_code == 201


def test_retitled_page_shows_its_new_title(client: TestClient, pages_file: Path) -> None:
    client.app.state.page_list._check_every = 0  # re-read the pages file on every request
    assert read(client).json()["title"] == "First article"
    pages = json.loads(pages_file.read_text())
    pages["threads"]["articles/first"]["title"] = "First article, revised"
    pages_file.write_text(json.dumps(pages))
    later = time.time() + 10  # a new mtime, however coarse the file system's clock
    os.utime(pages_file, (later, later))
    assert read(client).json()["title"] == "First article, revised"


def test_edit_of_an_approved_comment_is_moderated_again_when_every_comment_is(client: TestClient) -> None:
    posted = post(client, "Helpful advice.").json()
    comment_id, token = posted["comment"]["id"], posted["token"]
    approve(client, comment_id)
    assert [c["id"] for c in shown(client)] == [comment_id]
    edited = client.patch(
        f"/api/comments/{comment_id}", json={"text": "Buy my pills!"}, headers={"X-Comment-Token": token}
    )
    assert edited.status_code == 200
    assert edited.json()["state"] == "pending"
    assert shown(client) == []  # the public no longer sees it
    assert shown(client, token)[0]["state"] == "pending"  # the author does, marked as waiting


def test_approved_comment_with_replies_cannot_be_edited_when_every_comment_is_moderated(
    client: TestClient,
) -> None:
    posted = post(client, "Question?").json()
    approve(client, posted["comment"]["id"])
    post(client, "Answer.", parent=posted["comment"]["id"])
    refused = client.patch(
        f"/api/comments/{posted['comment']['id']}",
        json={"text": "A different question?"},
        headers={"X-Comment-Token": posted["token"]},
    )
    assert refused.status_code == 403
    assert refused.json()["field"] == "id"
    assert shown(client)[0]["html"] == "<p>Question?</p>"
    own = shown(client, posted["token"])[0]
    assert own["editable"] is False  # the widget offers Delete only
    assert own["editable_until"] is not None


def test_gzip_refused_with_zero_quality_is_not_sent(make_client: MakeClient) -> None:
    client = open_client(make_client)
    post(client, "Plain, please. " * 20)
    response = client.get(
        "/api/comments",
        params={"thread": "articles/first"},
        headers={"Accept-Encoding": "gzip;q=0, identity"},
    )
    assert "content-encoding" not in response.headers
    assert response.json()["count"] == 1


def test_compressed_and_plain_bodies_have_different_etags(make_client: MakeClient) -> None:
    client = open_client(make_client)
    post(client, "Two representations. " * 20)
    params = {"thread": "articles/first"}
    zipped = client.get("/api/comments", params=params, headers={"Accept-Encoding": "gzip"})
    plain = client.get("/api/comments", params=params, headers={"Accept-Encoding": "identity"})
    assert zipped.headers["etag"] != plain.headers["etag"]
    again = client.get(
        "/api/comments",
        params=params,
        headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]},
    )
    assert again.status_code == 304


def test_at_most_two_posts_are_checked_and_rendered_at_once(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More posting threads would only contend for the GIL (app_factory.POSTING_THREADS)."""
    client = make_client(rate_per_minute=0, rate_per_hour=0)
    running, most = 0, 0
    lock = threading.Lock()
    real_start = posting.start

    def slow_start(*args: Any, **kwargs: Any) -> Any:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.2)
        with lock:
            running -= 1
        return real_start(*args, **kwargs)

    monkeypatch.setattr(posting, "start", slow_start)
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda n: post(client, f"At the same time {n}.").status_code, range(6)))
    assert statuses == [202] * 6
    assert most == 2


def test_every_field_problem_comes_back_at_once_in_plain_words(client: TestClient) -> None:
    response = post(client, text="x" * 5_001, name="", email="nope")
    assert response.status_code == 422
    errors = {item["field"]: item["message"] for item in response.json()["errors"]}
    assert errors == {
        "name": "Please enter your name.",
        "email": "Please check your email address: it should look like name@example.org.",
        "text": "Please shorten your comment to 5,000 characters or fewer (it has 5,001).",
    }
    assert response.json()["detail"] == "Please enter your name."  # no field names in the words
