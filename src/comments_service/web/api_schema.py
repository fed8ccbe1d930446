"""What the API returns, as its OpenAPI documentation describes it (requests: core/comment_input.py)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field


class CommentOut(BaseModel):
    id: int
    parent: int | None
    name: str
    html: str = Field(description="Rendered and sanitised when written.")
    text: str | None = Field(None, description="The Markdown as written; only on your own comments.")
    created: dt.datetime
    edited: dt.datetime | None = None
    state: Literal["approved", "pending", "deleted"]
    own: bool = Field(description="Posted from this browser (its edit token was sent).")
    editable_until: dt.datetime | None = Field(
        None, description="When the author can no longer edit or delete it; null when they can't."
    )
    editable: bool = Field(
        False, description="The author may still edit the text (delete: see editable_until)."
    )
    depth: int
    replies: list[CommentOut] = []


class ThreadOut(BaseModel):
    thread: str
    title: str
    url: str
    count: int = Field(description="Approved comments in the thread.")
    max_depth: int
    comments: list[CommentOut]


class Posted(BaseModel):
    status: Literal["approved", "pending"]
    comment: CommentOut
    token: str = Field(
        description="Keep it: send it as X-Comment-Token to see, edit or delete your comments."
    )
    emails: Literal["confirm"] | None = Field(
        None, description="'confirm' when emails were asked for: a confirmation link was emailed."
    )


class Counts(BaseModel):
    counts: dict[str, int]


class FormToken(BaseModel):
    token: str
    min_seconds: float
    notify: bool = Field(description="Whether commenters may ask for emails (the form then offers it).")


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]


class Problem(BaseModel):
    detail: str = Field(description="What went wrong, in words a visitor can act on.")
    field: str | None = Field(None, description="The request field at fault, when there is one.")
    errors: list[dict[str, str]] = []
