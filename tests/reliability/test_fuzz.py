"""Fuzz every operation of the JSON API against its own OpenAPI schema (Schemathesis).

The app runs in-process (ASGI) with rate limits off and no minimum form time. Cases
are generated from /api/openapi.json, valid and invalid alike; a deterministic share
of them is "repaired" before sending (a real thread, a valid form token, an author's
own comment id and edit token) so that posting, reading, editing and deleting really
happen instead of stopping at the first 4xx. Every response must be no server error,
use a documented status code and content type, and match its documented schema.

The long run (`reliability`, both databases) sends thousands of cases; the short one
(SQLite) runs in `make test` to catch regressions.
"""

from __future__ import annotations

import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.pytest.lazy import get_all_tests
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from comments_service.core import moderation
from comments_service.core.comment_input import _FORBIDDEN as REFUSED  # what the API refuses outright
from comments_service.core.models import Comment
from comments_service.core.states import State
from comments_service.core.tokens import Signer
from comments_service.infra.database import Database, write_session
from comments_service.infra.settings import Settings
from comments_service.web.app_factory import create_app
from tests.harness import THREADS, write_pages
from tests.reliability.service import SECRET

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
TOKEN_HEADER = "X-Comment-Token"
THREAD_KEYS = sorted(THREADS)


class Fuzzing:
    """What the fuzzer learned so far (comments it owns) and what it saw (figures)."""

    def __init__(self, app: FastAPI, seeded: list[tuple[int, str]]):
        self.signer: Signer = app.state.signer
        self.database: Database = app.state.database
        self.own = list(seeded)  # (comment id, edit token) of comments we posted
        self.keep = {comment_id for comment_id, _ in seeded}  # never deleted: later reads need them
        self.cases = 0
        self.statuses: Counter[int] = Counter()
        self.serial = 0

    def _pick(self, case: schemathesis.Case) -> int:
        # Derived from the generated case, not a counter: Hypothesis replays a case
        # exactly when it shrinks a failure.
        return zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 4

    def _usable(self, body: dict[str, Any], fields: tuple[str, ...]) -> None:
        """Keep the generated text, minus what the API refuses outright, made unique,
        so that odd Unicode and Markdown reach rendering and the database."""
        for field in fields:
            value = body.get(field)
            cleaned = REFUSED.sub("", value) if isinstance(value, str) else ""
            body[field] = cleaned if cleaned.strip() else "x"
        if "text" in fields:
            self.serial += 1
            body["text"] = body["text"][:4990] + f"\n\n#{self.serial}"

    def _token(self, case: schemathesis.Case, token: str) -> None:
        case.headers = {**(case.headers or {}), TOKEN_HEADER: token}

    def repair(self, case: schemathesis.Case) -> None:
        """Make three cases in four valid enough to reach the database."""
        pick = self._pick(case)
        if pick == 3:
            return  # a quarter go exactly as generated
        thread = THREAD_KEYS[pick % len(THREAD_KEYS)]
        method, path, body = case.method.upper(), case.operation.path, case.body
        if path == "/api/comments" and method == "POST" and isinstance(body, dict):
            if pick < 2:
                body["thread"] = thread
                body.pop("website", None)
            body["form_token"] = self.signer.new_form_token(str(body.get("thread", thread)))
            if pick == 0:  # a post that should succeed, with the generated name and text
                self._usable(body, ("name", "text"))
                body.pop("email", None)
                parent = body.get("parent")
                if isinstance(parent, int) and self.own:
                    body["parent"] = self.own[parent % len(self.own)][0]
            # A returning author (an approved comment: published at once) or a new one (held).
            if pick < 2 and self.own and self.serial % 2:  # pick 1 keeps the generated parent
                self._token(case, self.own[-1][1])
        elif path == "/api/comments/{comment_id}":
            mine = [own for own in self.own if method != "DELETE" or own[0] not in self.keep]
            if not mine:
                return
            comment_id, token = mine[-1 - pick] if len(mine) > pick else mine[-1]
            case.path_parameters = {**(case.path_parameters or {}), "comment_id": comment_id}
            if pick < 2:
                self._token(case, token)
            if pick == 0 and method == "PATCH" and isinstance(body, dict):
                self._usable(body, ("text",) if body.get("name") is None else ("text", "name"))
        elif path in ("/api/comments", "/api/feed") and method == "GET":
            case.query = {**(case.query or {}), "thread": thread}
            if pick == 1 and self.own:
                self._token(case, self.own[-1][1])
        elif path == "/api/counts":
            generated = (case.query or {}).get("thread")
            generated = generated if isinstance(generated, list) else [generated]
            case.query = {**(case.query or {}), "thread": [*THREAD_KEYS, *generated]}

    def learn(self, case: schemathesis.Case, response: Any) -> None:
        self.cases += 1
        self.statuses[response.status_code] += 1
        method = case.method.upper()
        if method == "POST" and response.status_code in (201, 202):
            body = response.json()
            self.own.append((body["comment"]["id"], body["token"]))
            # Approve some held comments, so threads mix approved, pending and replies.
            if response.status_code == 202 and body["comment"]["id"] % 2:
                with write_session(self.database.sessions) as session:
                    comment = session.get(Comment, body["comment"]["id"])
                    if comment is not None and comment.state is State.PENDING:
                        moderation.approve(session, comment)
        elif method == "DELETE" and response.status_code == 204:
            gone = (case.path_parameters or {}).get("comment_id")
            self.own = [(id_, token) for id_, token in self.own if id_ != gone]

    def run(self, case: schemathesis.Case) -> None:
        self.repair(case)
        response = case.call()
        self.learn(case, response)
        case.validate_response(response, checks=CHECKS)


def fuzz_app(database_url: str, folder: Path) -> FastAPI:
    return create_app(
        Settings(
            database_url=database_url,
            secret_key=SECRET,
            pages_file=write_pages(folder),
            site_dir=None,
            min_submit_seconds=0,
            rate_per_minute=0,
            rate_per_hour=0,
            moderation="first-time",
        )
    )


def seed(app: FastAPI) -> list[tuple[int, str]]:
    """Real threads to read from the first case on: replies three deep, held, approved,
    edited, and a deleted comment kept as a placeholder for its reply."""
    signer: Signer = app.state.signer
    database: Database = app.state.database
    seeded: list[tuple[int, str]] = []

    def post(client: Any, thread: str, text: str, parent: int | None = None) -> int:
        body = {
            "thread": thread,
            "name": "Seed",
            "text": text,
            "form_token": signer.new_form_token(thread),
        }
        response = client.post("/api/comments", json={**body, "parent": parent})
        assert response.status_code in (201, 202), response.text
        seeded.append((response.json()["comment"]["id"], response.json()["token"]))
        return int(seeded[-1][0])

    def act(comment_id: int, action: str) -> None:
        with write_session(database.sessions) as session:
            moderation.apply(session, session.get(Comment, comment_id), action, "fuzz seed")

    with asgi.get_client(app) as client:  # starts the app (migrations) for the fuzzer too
        for thread in THREAD_KEYS:
            parent = None
            for depth in range(1, 4):
                parent = post(
                    client, thread, f"*Seed* at depth {depth} on [{thread}](https://example.org/)", parent
                )
                act(parent, "approve")
            post(client, thread, "A held seed, only its author sees it.")
            doomed = post(client, thread, "A seed deleted after its reply.")
            act(doomed, "approve")
            act(post(client, thread, "> A reply that keeps a placeholder", doomed), "approve")
            act(doomed, "delete")
            seeded.remove(next(own for own in seeded if own[0] == doomed))
            edited, token = seeded[-1]
            headers = {TOKEN_HEADER: token}
            response = client.patch(f"/api/comments/{edited}", json={"text": "Edited."}, headers=headers)
            assert response.status_code == 200, response.text
    return seeded


def fuzz(app: FastAPI, max_examples: int, figures: Any) -> dict[str, str]:
    """Every operation through Schemathesis' phases (examples, coverage, fuzzing).

    The operations are driven here rather than by `from_fixture(...).parametrize()`:
    Schemathesis 4.32.5's lazy pytest loader sets `item._nodeid`, which pytest 9.2's
    items no longer have. `get_all_tests` is what that loader runs underneath.
    """
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    fuzzing = Fuzzing(app, seed(app))

    def test(case: schemathesis.Case) -> None:
        fuzzing.run(case)

    options = settings(
        max_examples=max_examples, deadline=None, suppress_health_check=list(HealthCheck), print_blob=True
    )
    failed: dict[str, str] = {}
    try:
        for result in get_all_tests(schema=schema, test_func=test, settings=options, given_kwargs=None):
            if not isinstance(result, Ok):
                failed[str(result.err())] = "the schema is invalid"
                continue
            operation, run = result.ok()
            try:
                run()
            except (Exception, BaseExceptionGroup) as error:  # a FailureGroup, after shrinking
                failed[operation.label] = str(error)
    finally:
        asgi.shutdown_lifespans()  # the in-process server: stop housekeeping, close the pool
    statuses = " ".join(f"{code}:{count}" for code, count in sorted(fuzzing.statuses.items()))
    figures(
        operations=len(list(schema.get_all_operations())),
        cases=fuzzing.cases,
        acknowledged_posts=fuzzing.statuses[201] + fuzzing.statuses[202],
        failures=len(failed),
        statuses=statuses,
    )
    return failed


def test_api_answers_every_generated_request_as_documented(tmp_path: Path, figures: Any) -> None:
    failed = fuzz(fuzz_app(f"sqlite:///{tmp_path / 'fuzz.sqlite3'}", tmp_path), 25, figures)
    assert not failed, "\n\n".join(f"{label}:\n{error}" for label, error in failed.items())


@pytest.mark.reliability
def test_api_answers_thousands_of_generated_requests_as_documented(
    database_url: str, tmp_path: Path, figures: Any
) -> None:
    failed = fuzz(fuzz_app(database_url, tmp_path), 400, figures)
    assert not failed, "\n\n".join(f"{label}:\n{error}" for label, error in failed.items())
