"""POST /api/feedback: "Was this page helpful?" from the plain form (303 back to the page) and
from feedback.js (JSON), with the guard comments have: honeypot, rate limit, same-site posts only.

Every refusal is checked to have stored nothing.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from comments_service.core.models import PageFeedback
from comments_service.web.routers.feedback import local_path

ORIGIN = {"Origin": "http://testserver"}
AS_JSON = {**ORIGIN, "Accept": "application/json"}


def send(client: TestClient, headers: dict[str, str] | None = None, **fields: str):  # type: ignore[no-untyped-def]
    data = {"page": "/blog/first/", "helpful": "yes", **fields}
    return client.post(
        "/api/feedback", data=data, headers=ORIGIN if headers is None else headers, follow_redirects=False
    )


def stored(client: TestClient) -> list[tuple[str, bool, str | None]]:
    with client.app.state.database.read() as session:
        rows = session.scalars(select(PageFeedback).order_by(PageFeedback.id)).all()
        return [(row.page, row.helpful, row.text) for row in rows]


def test_the_plain_form_is_sent_back_to_the_page_at_the_next_step(client):
    answer = send(client, helpful="no")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/blog/first/#sdm-feedback-more-no"
    text = send(client, helpful="no", text="The table is hard to read.")
    assert text.status_code == 303
    assert text.headers["location"] == "/blog/first/#sdm-feedback-thanks"
    # The text joined the answer: one answer, not two.
    assert stored(client) == [("/blog/first/", False, "The table is hard to read.")]


def test_asking_for_json_answers_201_with_the_next_step(client):
    answer = send(client, AS_JSON)
    assert answer.status_code == 201
    assert answer.json() == {"status": "recorded", "step": "more-yes"}
    assert send(client, AS_JSON, text="Clear, thanks.").json()["step"] == "thanks"
    assert stored(client) == [("/blog/first/", True, "Clear, thanks.")]


def test_the_text_form_sent_empty_stores_nothing_more_and_says_thanks(client):
    send(client, helpful="no")
    empty = send(client, helpful="no", text="  \r\n ")
    assert empty.status_code == 303
    assert empty.headers["location"] == "/blog/first/#sdm-feedback-thanks"
    assert send(client, AS_JSON, helpful="no", text="").json()["step"] == "thanks"
    assert stored(client) == [("/blog/first/", False, None)]  # the answer counts once


def test_a_text_with_the_other_answer_is_an_answer_of_its_own(client):
    send(client, helpful="yes")
    send(client, helpful="no", text="Missing the prices.")
    assert stored(client) == [("/blog/first/", True, None), ("/blog/first/", False, "Missing the prices.")]


def test_a_text_from_another_client_does_not_join_an_answer(client, make_client):
    send(client, helpful="yes")
    other = TestClient(client.app, client=("203.0.113.9", 5000))
    send(other, helpful="yes", text="From someone else.")
    assert stored(client) == [("/blog/first/", True, None), ("/blog/first/", True, "From someone else.")]


@pytest.mark.parametrize("page", ["/nowhere/", "", "/blog/first", "https://evil.example/"])
def test_a_page_the_site_does_not_list_is_refused_with_404(client, page):
    as_json = send(client, AS_JSON, page=page)
    assert as_json.status_code == 404
    assert as_json.json()["field"] == "page"
    assert "does not take feedback" in as_json.json()["detail"]
    plain = send(client, page=page)
    assert plain.status_code == 404
    assert "does not take feedback" in plain.text
    assert stored(client) == []


@pytest.mark.parametrize("helpful", ["", "maybe", "YES", "1"])
def test_an_answer_other_than_yes_or_no_is_refused(client, helpful):
    response = send(client, AS_JSON, helpful=helpful)
    assert response.status_code == 422
    assert response.json() == {"detail": "Please choose Yes or No.", "field": "helpful"}
    assert stored(client) == []


def test_a_text_over_the_limit_is_refused_saying_the_limit_and_kept_to_send_again(make_client):
    client = make_client(feedback_max_length=50)
    too_long = "Too long, " * 5 + "too long."
    as_json = send(client, AS_JSON, helpful="no", text=too_long)
    assert as_json.status_code == 422
    assert as_json.json()["field"] == "text"
    assert "59 characters long" in as_json.json()["detail"]
    assert "50 characters or fewer" in as_json.json()["detail"]
    plain = send(client, helpful="no", text=too_long)
    assert plain.status_code == 422
    assert "50 characters or fewer" in plain.text
    # The form comes back with the text in it, to shorten and send again.
    assert f">{too_long}</textarea>" in plain.text
    assert 'name="helpful" value="no"' in plain.text
    assert stored(client) == []


def test_a_huge_body_is_refused_before_parsing(client):
    response = send(client, AS_JSON, text="x" * 70_000)
    assert response.status_code == 413
    assert "nothing was saved" in response.json()["detail"]
    assert stored(client) == []


def test_the_text_limit_counts_characters_after_trimming(make_client):
    client = make_client(feedback_max_length=5)
    assert send(client, AS_JSON, text="  héllo \r\n ").status_code == 201
    assert stored(client) == [("/blog/first/", True, "héllo")]


def test_a_filled_in_honeypot_is_refused_and_stores_nothing(client):
    response = send(client, AS_JSON, website="https://spam.example")
    assert response.status_code == 400
    assert response.json()["field"] == "website"
    assert send(client, website="x").status_code == 400
    assert stored(client) == []


@pytest.mark.parametrize(
    "headers",
    [{}, {"Origin": "https://evil.example"}, {"Referer": "https://evil.example/page"}],
    ids=["no-origin", "other-origin", "other-referer"],
)
def test_a_post_from_another_site_is_refused(client, headers):
    plain = send(client, headers)
    assert plain.status_code == 403
    assert "feedback must come from this site" in plain.text.replace("&#39;", "'")
    as_json = send(client, {**headers, "Accept": "application/json"})
    assert as_json.status_code == 403
    assert stored(client) == []


def test_the_rate_limit_refuses_with_429_and_retry_after(make_client):
    client = make_client(feedback_rate_per_minute=2, feedback_rate_per_hour=0)
    assert send(client, AS_JSON).status_code == 201
    assert send(client, AS_JSON, text="A second post.").status_code == 201
    refused = send(client, AS_JSON, helpful="no")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["field"] == "rate"
    plain = send(client, helpful="no", text="Kept for later.")
    assert plain.status_code == 429
    assert ">Kept for later.</textarea>" in plain.text
    assert len(stored(client)) == 1  # the answer and the text it joined


def test_feedback_has_its_own_budget_apart_from_comments(make_client):
    client = make_client(rate_per_minute=1, feedback_rate_per_minute=3)
    for _ in range(3):
        assert send(client, AS_JSON).status_code == 201


def test_the_page_address_sent_back_to_never_leaves_the_site(tmp_path, make_client):
    listed = tmp_path / "odd-pages.json"
    listed.write_text('{"pages": {"/odd/": {"url": "//evil.example/", "title": "Odd"}}}')
    client = make_client(feedback_pages_file=listed)
    response = send(client, page="/odd/")
    assert response.status_code == 303
    assert response.headers["location"] == "/#sdm-feedback-more-yes"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/faq/", "/faq/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/faq/\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
    ],
)
def test_local_path_keeps_only_paths_on_this_site(url, expected):
    assert local_path(url) == expected


def test_nothing_is_stored_about_the_reader_but_a_keyed_client_key(client):
    send(client, text="Useful.")
    with client.app.state.database.read() as session:
        row = session.scalars(select(PageFeedback)).one()
        assert row.client is not None
        assert len(row.client) == 64
        assert "testclient" not in row.client
        assert session.scalar(select(func.count()).select_from(PageFeedback)) == 1
