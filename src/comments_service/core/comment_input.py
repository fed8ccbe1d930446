"""What a commenter may send: a new comment or an edit, checked before any rule sees it.

These models are also the request bodies of the API's OpenAPI documentation (the
responses are in web/api_schema.py). Requests are strict: only listed fields, exact
types, sensible lengths, and no control characters, broken Unicode or noncharacters
(which some databases refuse to store and XML 1.0, so the Atom feed, forbids). Names
lose the invisible characters that reorder or hide text.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
)

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
# The comment form's limits: the widget and the no-JavaScript form show the same ones
# (mkdocs.yml's extra.comments; tests/site/test_comment_form_limits.py checks they agree).
NAME_MAX_LENGTH = 80
EMAIL_MAX_LENGTH = 254
TEXT_MAX_LENGTH = 5000
THREAD_KEY_MAX_LENGTH = 200


def _clean_text(value: str) -> str:
    if _FORBIDDEN.search(value):
        raise ValueError("bad-characters")  # a key of messages.CATALOGUE, as are the others
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _one_line(value: str) -> str:
    value = " ".join(_clean_text(value).split())
    if not value:
        raise ValueError("blank")
    return value


def _name(value: str) -> str:
    return _one_line(_STRAY_JOINER.sub("", _INVISIBLE.sub("", _clean_text(value))))


def _not_blank(value: str) -> str:
    value = _clean_text(value).strip()
    if not value:
        raise ValueError("blank")
    return value


def _email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = _clean_text(value).strip()
    if not _EMAIL.match(value):
        raise ValueError("not-an-email")
    return value


Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX_LENGTH), AfterValidator(_name)]
Text = Annotated[str, Field(min_length=1, max_length=TEXT_MAX_LENGTH), AfterValidator(_not_blank)]
Email = Annotated[str | None, Field(max_length=EMAIL_MAX_LENGTH), AfterValidator(_email)]
ThreadKey = Annotated[str, Field(min_length=1, max_length=THREAD_KEY_MAX_LENGTH), AfterValidator(_not_blank)]


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
    notify: StrictBool = Field(
        False,
        description="Email me when this comment is approved or someone replies (needs `email`; "
        "nothing is sent until the address is confirmed by the link we email).",
    )

    @field_validator("notify")
    @classmethod
    def _needs_email(cls, value: bool, info: ValidationInfo) -> bool:
        # Only when the email itself was valid and empty: a wrong address is said once, at its field.
        if value and "email" in info.data and info.data["email"] is None:
            raise ValueError("needs-email")
        return value


class CommentEdit(Strict):
    text: Text
    name: Name | None = None
