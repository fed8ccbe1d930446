"""Malformed and hostile requests: each gets its 4xx naming the field at fault, and nothing is stored.

Moderation is off in these tests, so anything wrongly stored would also show up in
the public thread; both the thread and the table are checked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from comments_service.core.models import Comment
from tests.service.helpers import form_token

JSON = {"Content-Type": "application/json"}
VALID = {"thread": "articles/first", "name": "Ann", "text": "A fine comment.", "email": "ann@example.com"}
# 1,001 characters that nest 500 lists: it overflowed Python-Markdown's stack (a 500).
DEEP = "- " * 500 + "x"
FORMATTED = "Next *comment*, with [a link](https://example.org/)\n\nand a second paragraph."
FORMATTED_HTML = (
    '<p>Next <em>comment</em>, with <a href="https://example.org/" rel="nofollow ugc noopener">'
    "a link</a></p>\n<p>and a second paragraph.</p>"
)


@pytest.fixture
def open_client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(moderation="none")


def nothing_stored(client: TestClient) -> bool:
    with client.app.state.database.sessions() as session:
        rows = int(session.scalar(select(func.count(Comment.id))) or 0)
    thread = client.get("/api/comments", params={"thread": "articles/first"}).json()
    return rows == 0 and thread["comments"] == [] and thread["count"] == 0


def send(client: TestClient, body: Any, headers: dict[str, str] = JSON) -> Any:
    """POST a body exactly as given (bytes) or as JSON text with a fresh form token (dict)."""
    if isinstance(body, dict):
        body = json.dumps({"form_token": form_token(client), **body}).encode()
    return client.post("/api/comments", content=body, headers=headers)


def assert_refused(response: Any, status: int, field: str) -> None:
    assert response.status_code == status, response.text
    problem = response.json()
    assert problem["field"] == field
    assert problem["detail"]


def test_a_valid_post_is_stored(open_client: TestClient) -> None:
    # The baseline every refusal below differs from by one thing.
    assert send(open_client, VALID).status_code == 201
    assert not nothing_stored(open_client)


@pytest.mark.parametrize("raw", [b"{", b'{"name": "Ann",}', b"{'name': 'Ann'}", b"\xff\xfe{}", b"nul"])
def test_malformed_json_is_a_bad_request(open_client: TestClient, raw: bytes) -> None:
    assert_refused(send(open_client, raw), 400, "body")
    assert nothing_stored(open_client)


@pytest.mark.parametrize("raw", [b"[]", b'[{"name": "Ann"}]', b'"text"', b"42", b"null", b"true", b""])
def test_body_that_is_not_an_object_is_refused(open_client: TestClient, raw: bytes) -> None:
    assert_refused(send(open_client, raw), 422, "body")
    assert nothing_stored(open_client)


WRONG_TYPES = [
    ("thread", 1),
    ("thread", ["articles/first"]),
    ("thread", None),
    ("parent", "1"),
    ("parent", 1.5),
    ("parent", True),
    ("parent", {}),
    ("name", 7),
    ("name", None),
    ("name", ["Ann"]),
    ("email", 1),
    ("email", True),
    ("text", 12),
    ("text", None),
    ("text", {"md": "x"}),
    ("website", 0),
    ("website", False),
    ("form_token", 123),
    ("form_token", None),
]


@pytest.mark.parametrize(("field", "value"), WRONG_TYPES, ids=[f"{f}={v!r}" for f, v in WRONG_TYPES])
def test_wrong_type_is_refused_naming_the_field(open_client: TestClient, field: str, value: Any) -> None:
    body = {"form_token": form_token(open_client), **VALID, field: value}
    assert_refused(send(open_client, json.dumps(body).encode()), 422, field)
    assert nothing_stored(open_client)


@pytest.mark.parametrize("field", ["thread", "name", "text", "form_token"])
def test_missing_required_field_is_refused(open_client: TestClient, field: str) -> None:
    body = {"form_token": form_token(open_client), **VALID}
    del body[field]
    assert_refused(send(open_client, json.dumps(body).encode()), 422, field)
    assert nothing_stored(open_client)


BAD_VALUES = [
    ("name", ""),
    ("name", "   "),
    ("name", "\n\t "),
    ("name", "x" * 81),
    ("text", ""),
    ("text", "   "),
    ("text", "\n\n\t"),
    ("text", "x" * 5001),
    ("email", "a" * 64 + "@" + "b" * 186 + ".com"),  # 255 characters, well formed
    ("email", "not-an-address"),
    ("thread", ""),
    ("thread", "x" * 201),
    ("parent", 0),
    ("parent", -1),
    ("parent", 2**31),  # past a 32-bit INTEGER column
    ("parent", 2**63),
    ("website", "x" * 201),
    ("text", "NUL \x00 inside"),
    ("text", "bell \x07"),
    ("text", "colour \x1b[31m"),
    ("text", "delete \x7f"),
    ("name", "Ann\x00"),
    ("email", "ann\x00@example.com"),
    ("text", "half a pair \ud800"),
    ("text", "\udfff at the start"),
    ("name", "Ann \udc00"),
]


@pytest.mark.parametrize(
    ("field", "value"), BAD_VALUES, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD_VALUES)]
)
def test_bad_value_is_refused_naming_the_field(open_client: TestClient, field: str, value: Any) -> None:
    # json.dumps escapes lone surrogates as \udXXX, which is how a client would send them.
    body = {"form_token": form_token(open_client), **VALID, field: value}
    assert_refused(send(open_client, json.dumps(body).encode()), 422, field)
    assert nothing_stored(open_client)


def test_longest_accepted_values_are_stored(open_client: TestClient) -> None:
    body = {**VALID, "name": "n" * 80, "text": "t" * 5000, "email": "a" * 64 + "@" + "b" * 185 + ".com"}
    assert send(open_client, body).status_code == 201


@pytest.mark.parametrize("extra", ["url", "state", "approved", "Name"])
def test_unknown_field_is_refused_naming_it(open_client: TestClient, extra: str) -> None:
    assert_refused(send(open_client, {**VALID, extra: "approved"}), 422, extra)
    assert nothing_stored(open_client)


def oversize_body() -> bytes:
    return json.dumps({**VALID, "text": "x" * 70_000, "form_token": "t"}).encode()


def test_body_over_the_limit_is_refused_before_parsing(open_client: TestClient) -> None:
    # Invalid JSON as well: a 413 (not a 400) shows the size was checked before parsing.
    assert_refused(send(open_client, b"{" * 70_000), 413, "body")
    assert_refused(send(open_client, oversize_body()), 413, "body")
    assert nothing_stored(open_client)


def test_chunked_body_over_the_limit_is_refused(open_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        body = oversize_body()
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    response = open_client.post("/api/comments", content=chunks(), headers=JSON)
    assert "content-length" not in response.request.headers
    assert_refused(response, 413, "body")
    assert nothing_stored(open_client)


def test_chunked_body_within_the_limit_is_accepted(open_client: TestClient) -> None:
    body = json.dumps({**VALID, "form_token": form_token(open_client)}).encode()
    response = open_client.post("/api/comments", content=iter([body[:10], body[10:]]), headers=JSON)
    assert response.status_code == 201


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/json"],
)
def test_wrong_content_type_is_refused(open_client: TestClient, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    assert send(open_client, VALID, headers).status_code == 415
    assert nothing_stored(open_client)


def test_json_with_a_charset_is_accepted(open_client: TestClient) -> None:
    assert send(open_client, VALID, {"Content-Type": "application/json; charset=utf-8"}).status_code == 201


@pytest.mark.parametrize(
    "comment_id", ["abc", "1.5", "0", "-1", str(2**31), str(2**63), "9" * 40, "1e3", "%00"]
)
@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_changing_a_comment_by_a_bad_id_is_a_client_error(
    open_client: TestClient, method: str, comment_id: str
) -> None:
    response = open_client.request(method, f"/api/comments/{comment_id}", json={"text": "x"})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": 5}, "text"),
        ({"text": "ok", "name": ""}, "name"),
        ({"text": "ok", "state": "approved"}, "state"),
        ({"text": "x\x00"}, "text"),
    ],
)
def test_bad_edit_is_refused_and_changes_nothing(
    open_client: TestClient, body: dict[str, Any], field: str
) -> None:
    posted = send(open_client, VALID).json()
    url = f"/api/comments/{posted['comment']['id']}"
    assert_refused(
        open_client.patch(url, json=body, headers={"X-Comment-Token": posted["token"]}), 422, field
    )
    thread = open_client.get("/api/comments", params={"thread": "articles/first"}).json()
    assert thread["comments"][0]["html"] == "<p>A fine comment.</p>"
    assert thread["comments"][0]["edited"] is None


def test_deeply_nested_markdown_is_refused_and_the_next_comment_renders(open_client: TestClient) -> None:
    refused = send(open_client, {**VALID, "text": DEEP})
    assert_refused(refused, 422, "text")
    assert "levels deep" in refused.json()["detail"]
    assert nothing_stored(open_client)
    for n in range(3):  # enough posts to meet every posting thread
        posted = send(open_client, {**VALID, "text": f"{FORMATTED} ({n})"})
        assert posted.status_code == 201
        assert posted.json()["comment"]["html"] == FORMATTED_HTML.replace("paragraph.", f"paragraph. ({n})")


def test_editing_into_deeply_nested_markdown_is_refused_and_changes_nothing(open_client: TestClient) -> None:
    posted = send(open_client, VALID).json()
    url, token = f"/api/comments/{posted['comment']['id']}", {"X-Comment-Token": posted["token"]}
    assert_refused(open_client.patch(url, json={"text": DEEP}, headers=token), 422, "text")
    thread = open_client.get("/api/comments", params={"thread": "articles/first"}).json()
    assert thread["comments"][0]["html"] == "<p>A fine comment.</p>"
    assert thread["comments"][0]["edited"] is None
    edited = open_client.patch(url, json={"text": FORMATTED}, headers=token)
    assert edited.status_code == 200
    assert edited.json()["html"] == FORMATTED_HTML


@pytest.mark.parametrize("field", ["name", "text"])
@pytest.mark.parametrize(
    "character",
    ["\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff"],
    ids=["U+FFFE", "U+FFFF", "U+FDD0", "U+FDEF", "U+1FFFE", "U+10FFFF"],
)
def test_noncharacters_xml_forbids_are_refused_naming_the_field(
    open_client: TestClient, field: str, character: str
) -> None:
    response = send(open_client, {**VALID, field: f"Ann {character} here"})
    assert_refused(response, 422, field)
    assert "characters we cannot store" in response.json()["detail"]
    assert nothing_stored(open_client)
