"""The no-JavaScript discussion page: reading approved comments and posting with a plain form.

The page is parsed with html.parser, so the tests look at what a browser would see
(nesting, field values, the error beside each field) rather than at raw strings.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from comments_service.core.models import Comment
from tests.service.helpers import form_token, post

URL = "/api/discussion"
THREAD = "articles/first"
SAME_ORIGIN = {"Origin": "http://testserver"}


class Page(HTMLParser):
    """What the discussion page shows: comments with their nesting, form values, errors."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.comments: dict[int, int] = {}  # comment id -> list nesting level
        self.fields: dict[str, str] = {}  # form field name -> value
        self.errors: dict[str, str] = {}  # field -> the error shown next to it
        self.invalid: set[str] = set()
        self._text_of: tuple[dict[str, str], str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "ol":
            self.depth += 1
        elif tag == "article" and a.get("id", "").startswith("comment-"):
            self.comments[int(a["id"].removeprefix("comment-"))] = self.depth
        elif tag == "input" and "name" in a:
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self.fields[a["name"]] = ""
            self._text_of = (self.fields, a["name"])
        elif tag == "span" and a.get("id", "").startswith("sdm-err-"):
            self.errors[a["id"].removeprefix("sdm-err-")] = ""
            self._text_of = (self.errors, a["id"].removeprefix("sdm-err-"))
        if a.get("aria-invalid") == "true":
            self.invalid.add(a.get("name", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "ol":
            self.depth -= 1
        elif tag in ("textarea", "span"):
            self._text_of = None

    def handle_data(self, data: str) -> None:
        if self._text_of is not None:
            store, key = self._text_of
            store[key] += data


def stored(client: TestClient) -> int:
    with client.app.state.database.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Comment)) or 0)


def form(client: TestClient, **fields: str) -> dict[str, str]:
    """A filled-in form, with the hidden fields the page gives (a form token for its thread)."""
    thread = fields.get("thread", THREAD)
    hidden = {"thread": thread, "parent": "", "website": "", "form_token": form_token(client, thread)}
    return hidden | {
        "name": "Bea",
        "email": "bea@example.org",
        "text": "Thanks for the article.",
        **fields,
    }


def approved(client: TestClient, text: str, parent: int | None = None) -> int:
    response = post(client, text=text, parent=parent)
    assert response.status_code == 201, response.text
    return int(response.json()["comment"]["id"])


# -- Reading ---------------------------------------------------------------------------


def test_page_lists_approved_comments_nested_with_a_form_token(make_client):
    client = make_client(moderation="none")
    top = approved(client, "Top comment.")
    reply = approved(client, "A reply.", parent=top)
    deeper = approved(client, "A reply to the reply.", parent=reply)
    other = approved(client, "Second top comment.")
    response = client.get(URL, params={"thread": THREAD})
    assert response.status_code == 200
    page = Page(response.text)
    assert page.comments == {top: 1, reply: 2, deeper: 3, other: 1}
    assert "A reply to the reply." in response.text
    assert len(page.fields["form_token"]) > 20
    assert page.fields["thread"] == THREAD


def test_names_are_isolated_with_bdi_wherever_they_are_shown(make_client):
    client = make_client(moderation="none")
    name = "\u05d0\u05d1\u05d9"  # a right-to-left name (Hebrew): it must not reorder what follows
    response = post(client, text="Shalom.", name=name)
    top = int(response.json()["comment"]["id"])
    page = client.get(URL, params={"thread": THREAD, "reply": top}).text
    assert f'<strong class="sdm-name"><bdi>{name}</bdi></strong>' in page
    assert f"Reply to <bdi>{name}</bdi></a>" in page
    assert f'<h2 id="sdm-form-title">Reply to <bdi>{name}</bdi></h2>' in page


def test_page_does_not_show_comments_waiting_for_moderation(client):
    assert post(client, text="Not yet visible.").status_code == 202
    response = client.get(URL, params={"thread": THREAD})
    assert "Not yet visible." not in response.text
    assert Page(response.text).comments == {}


def test_unknown_thread_is_a_404_page(client):
    response = client.get(URL, params={"thread": "articles/no-such-page"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "does not accept comments" in response.text


# -- Posting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers", [SAME_ORIGIN, {"Referer": "http://testserver/api/discussion?thread=articles/first"}]
)
def test_same_origin_post_redirects_back_with_a_pending_notice(client, headers):
    response = client.post(URL, data=form(client), headers=headers, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("discussion?thread=articles%2Ffirst&posted=pending")
    assert stored(client) == 1
    shown = client.get(URL, params={"thread": THREAD, "posted": "pending"})
    assert "awaiting moderation" in shown.text


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "https://evil.example"},
        {"Referer": "https://evil.example/form.html"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
    ],
)
def test_cross_site_or_unmarked_post_is_refused_and_nothing_is_stored(client, headers):
    response = client.post(URL, data=form(client), headers=headers, follow_redirects=False)
    assert response.status_code == 403
    assert "must be sent from this site" in response.text
    assert stored(client) == 0


def test_a_refused_cross_site_post_comes_back_as_an_empty_form(make_client):
    """Filled in with another site's values and a fresh token, one click in a frame posts them."""
    client = make_client(moderation="none")
    parent = approved(client, "A comment to reply to.")
    sent = {
        "name": "Mallory Framer",
        "email": "mallory@attacker.example",
        "text": "Buy pills at evil.example",
    }
    response = client.post(
        URL,
        data=form(client, parent=str(parent), **sent),
        headers={"Origin": "https://attacker.example"},
    )
    assert response.status_code == 403
    page = Page(response.text)
    assert {field: page.fields[field] for field in sent} == {"name": "", "email": "", "text": ""}
    assert page.fields["parent"] == ""
    assert not [value for value in sent.values() if value in response.text]
    assert "Nothing was posted" in response.text
    assert stored(client) == 1  # only the comment it tried to reply to


def test_empty_name_shows_the_error_next_to_it_and_keeps_what_was_typed(client):
    typed = {"name": "", "email": "bea@example.org", "text": 'My "story" & <questions>.'}
    response = client.post(URL, data=form(client, **typed), headers=SAME_ORIGIN)
    assert response.status_code == 422
    page = Page(response.text)
    assert page.errors["name"] == "Please enter your name."
    assert page.errors["text"] == ""
    assert page.errors["email"] == ""
    assert "name" in page.invalid
    assert {field: page.fields[field] for field in typed} == typed
    assert stored(client) == 0


def test_overlong_text_shows_the_error_next_to_it_and_keeps_what_was_typed(client):
    typed = {"name": "Bea & Co", "email": "bea@example.org", "text": "x" * 5_001}
    response = client.post(URL, data=form(client, **typed), headers=SAME_ORIGIN)
    assert response.status_code == 422
    page = Page(response.text)
    assert page.errors["text"] == "Please shorten your comment to 5,000 characters or fewer (it has 5,001)."
    assert "text" in page.invalid
    assert {field: page.fields[field] for field in typed} == typed
    assert stored(client) == 0


def test_deeply_nested_text_shows_the_error_next_to_it_and_the_next_post_renders(make_client):
    client = make_client(moderation="none")
    typed = {"name": "Bea", "email": "bea@example.org", "text": "- " * 500 + "x"}
    response = client.post(URL, data=form(client, **typed), headers=SAME_ORIGIN)
    assert response.status_code == 422
    page = Page(response.text)
    assert "levels deep" in page.errors["text"]
    assert page.errors["name"] == ""
    assert "text" in page.invalid
    assert {field: page.fields[field] for field in typed} == typed
    assert stored(client) == 0
    text = "Next *comment*, with [a link](https://example.org/)\n\nand a second paragraph."
    posted = client.post(URL, data=form(client, text=text), headers=SAME_ORIGIN, follow_redirects=False)
    assert posted.status_code == 303
    [comment] = client.get("/api/comments", params={"thread": THREAD}).json()["comments"]
    assert comment["html"] == (
        '<p>Next <em>comment</em>, with <a href="https://example.org/" rel="nofollow ugc noopener">'
        "a link</a></p>\n<p>and a second paragraph.</p>"
    )


def test_a_form_from_one_pages_discussion_is_refused_on_another(client):
    first_pages_form = form_token(client, THREAD)
    data = form(client, thread="articles/second", form_token=first_pages_form)
    response = client.post(URL, data=data, headers=SAME_ORIGIN)
    assert response.status_code == 422
    page = Page(response.text)
    assert "another page" in response.text
    assert page.fields["thread"] == "articles/second"
    assert page.fields["text"] == "Thanks for the article."  # kept, with a form for this page
    assert stored(client) == 0


def test_one_plain_form_posts_at_most_three_comments_then_a_fresh_one_works(make_client):
    client = make_client(rate_per_minute=0, rate_per_hour=0)
    token = form_token(client)
    codes = [
        client.post(
            URL, data=form(client, text=f"Post {n}.", form_token=token), headers=SAME_ORIGIN
        ).status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 422]  # redirects followed back to the page
    fresh = Page(client.get(URL, params={"thread": THREAD}).text).fields["form_token"]
    again = client.post(URL, data=form(client, text="Post 4.", form_token=fresh), headers=SAME_ORIGIN)
    assert again.status_code == 200
    assert stored(client) == 4


def test_reply_link_prefills_the_parent_and_the_reply_is_stored_under_it(make_client):
    client = make_client(moderation="none")
    top = approved(client, "Top comment.")
    listing = client.get(URL, params={"thread": THREAD}).text
    assert f"&amp;reply={top}#sdm-form-title" in listing
    page = client.get(URL, params={"thread": THREAD, "reply": top})
    fields = Page(page.text).fields
    assert fields["parent"] == str(top)
    assert "Reply to <bdi>Ann</bdi>" in page.text
    response = client.post(
        URL, data=form(client, parent=fields["parent"]), headers=SAME_ORIGIN, follow_redirects=False
    )
    assert response.status_code == 303
    assert "posted=approved" in response.headers["location"]
    assert Page(client.get(URL, params={"thread": THREAD}).text).comments[top + 1] == 2


def test_reply_link_to_a_comment_not_shown_leaves_the_form_top_level(client):
    waiting = post(client, text="Waiting.").json()["comment"]["id"]
    for reply in (waiting, 999_999):
        page = client.get(URL, params={"thread": THREAD, "reply": reply})
        assert Page(page.text).fields["parent"] == ""


def test_honeypot_filled_in_is_refused_and_nothing_is_stored(client):
    response = client.post(URL, data=form(client, website="http://spam.example"), headers=SAME_ORIGIN)
    assert response.status_code == 400
    assert "must stay empty" in response.text
    assert stored(client) == 0


@pytest.mark.parametrize("parent", ["abc", "²", "１"])
def test_a_parent_that_is_not_an_ascii_number_is_ignored_not_a_crash(client, parent):
    # "²".isdigit() is true but int("²") raises: such a value must not reach int().
    response = client.post(URL, data=form(client, parent=parent), headers=SAME_ORIGIN, follow_redirects=False)
    assert response.status_code == 303
    with client.app.state.database.sessions() as session:
        assert session.scalars(select(Comment.parent_id)).all() == [None]


def test_the_form_states_the_limits_the_service_enforces(make_client) -> None:  # type: ignore[no-untyped-def]
    page = make_client(max_links=5).get("/api/discussion", params={"thread": "articles/first"}).text
    # The comment's length is stated, not enforced by maxlength: that would cut pasted text silently.
    assert "At most 5 links and 5,000 characters." in page
    assert 'maxlength="5000"' not in page
    assert 'maxlength="80"' in page


# -- The author's own view and every problem at once ------------------------------------


def test_the_author_sees_their_own_waiting_comment_and_no_one_else_does(client):
    response = client.post(URL, data=form(client, text="Waiting for a moderator."), headers=SAME_ORIGIN)
    assert response.status_code == 200  # followed the redirect back to the page
    cookie = response.history[0].headers["set-cookie"]
    assert "sdm_author=" in cookie
    assert "HttpOnly" in cookie
    assert "Path=/api/" in cookie
    assert "Waiting for a moderator." in response.text
    assert "Awaiting moderation (only you can see it)" in response.text
    assert "Your comments and data" in response.text
    client.cookies.clear()
    other = client.get(URL, params={"thread": THREAD})
    assert "Waiting for a moderator." not in other.text


def test_every_problem_is_shown_at_once_in_plain_words(client):
    typed = {"name": "", "email": "not-an-address", "text": "x" * 5_001}
    response = client.post(URL, data=form(client, **typed), headers=SAME_ORIGIN)
    assert response.status_code == 422
    page = Page(response.text)
    assert page.errors == {
        "name": "Please enter your name.",
        "email": "Please check your email address: it should look like name@example.org.",
        "text": "Please shorten your comment to 5,000 characters or fewer (it has 5,001).",
    }
    assert {"name", "email", "text"} <= page.invalid
