"""What the API accepts and returns. These models are also its OpenAPI documentation.

Requests are strict: only listed fields, exact types, sensible lengths, and no
control characters, broken Unicode or noncharacters (which some databases refuse to
store and XML 1.0, so the Atom feed, forbids). Names lose the invisible characters
that reorder or hide text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

# Noncharacters: U+FDD0..U+FDEF and the last two code points of every plane.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)
)
_FORBIDDEN = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\ud800-\\udfff{_NONCHARACTERS}]")
# Bidi controls (a name shown backwards, or reordering the text after it) and
# zero-width characters (a name that looks like another, or like none).
_INVISIBLE = re.compile("[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Joiners are part of how some scripts (Persian, Hindi) and emoji are written, inside a
# word; at an end, beside a space or after another joiner they only hide.
_STRAY_JOINER = re.compile(r"(?<!\S)[\u200c\u200d]+|[\u200c\u200d]+(?!\S)|(?<=[\u200c\u200d])[\u200c\u200d]+")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}$")
# Ids are INTEGER columns: 32-bit on PostgreSQL, which fails the whole request (500) on a
# larger number instead of finding nothing. No id can be larger, so larger is invalid.
MAX_ID = 2**31 - 1


def _clean_text(value: str) -> str:
    if _FORBIDDEN.search(value):
        raise ValueError("contains characters that cannot be stored (control characters or noncharacters)")
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _one_line(value: str) -> str:
    value = " ".join(_clean_text(value).split())
    if not value:
        raise ValueError("cannot be blank")
    return value


def _name(value: str) -> str:
    return _one_line(_STRAY_JOINER.sub("", _INVISIBLE.sub("", _clean_text(value))))


def _not_blank(value: str) -> str:
    value = _clean_text(value).strip()
    if not value:
        raise ValueError("cannot be blank")
    return value


def _email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = _clean_text(value).strip()
    if not _EMAIL.match(value):
        raise ValueError("is not an email address")
    return value


Name = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_name)]
Text = Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(_not_blank)]
Email = Annotated[str | None, Field(max_length=254), AfterValidator(_email)]
ThreadKey = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_not_blank)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class NewComment(Strict):
    thread: ThreadKey = Field(description="The page's thread id, from the page itself.")
    parent: Annotated[StrictInt, Field(ge=1, le=MAX_ID)] | None = Field(
        None, description="The comment this one replies to."
    )
    name: Name
    email: Email = Field(None, description="Optional. Never shown; only moderators see it.")
    text: Text = Field(description="Markdown: emphasis, links, lists, quotes, inline code.")
    website: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="Leave empty: a trap for bots."
    )
    form_token: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        description="From GET /api/form-token, when the form was shown."
    )


class CommentEdit(Strict):
    text: Text
    name: Name | None = None


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


class Counts(BaseModel):
    counts: dict[str, int]


class FormToken(BaseModel):
    token: str
    min_seconds: float


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]


class Problem(BaseModel):
    detail: str = Field(description="What went wrong, in words a visitor can act on.")
    field: str | None = Field(None, description="The request field at fault, when there is one.")
    errors: list[dict[str, str]] = []
