"""Small helpers for service tests: post a comment the way the widget does."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def form_token(client: TestClient, thread: str = "articles/first") -> str:
    return str(client.get("/api/form-token", params={"thread": thread}).json()["token"])


def post(client: TestClient, text: str = "A helpful comment.", token: str | None = None, **fields: Any):  # type: ignore[no-untyped-def]
    thread = fields.pop("thread", "articles/first")
    body = {"thread": thread, "name": "Ann", "text": text, "form_token": form_token(client, thread), **fields}
    headers = {"X-Comment-Token": token} if token else {}
    return client.post("/api/comments", json=body, headers=headers)
