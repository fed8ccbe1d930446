"""What a commenter reads when a form field is refused: a whole sentence of the catalogue.

The JSON API (web/problems.py) and the no-JavaScript page (web/routers/discussion.py)
both take their words from here, so the widget and the plain form say the same, in the
page's language (core/messages.py holds the sentences, "name-missing" and so on). Keys
are (field, kind); the kinds are pydantic's error types, or the catalogue key a check
of core/comment_input.py raised, as `kind_of` names them.
"""

from __future__ import annotations

from typing import Any

from .messages import Text

# (field, kind) -> the catalogue's sentence.
MESSAGES: dict[tuple[str, str], str] = {
    ("name", "missing"): "name-missing",
    ("name", "too_long"): "name-too-long",
    ("name", "bad_characters"): "name-bad-characters",
    ("email", "too_long"): "email-too-long",
    ("email", "not_email"): "email-not-email",
    ("email", "bad_characters"): "email-bad-characters",
    ("text", "missing"): "text-missing",
    ("text", "too_long"): "text-too-long",
    ("text", "bad_characters"): "text-bad-characters",
    ("notify", "needs_email"): "notify-needs-email",
}
FALLBACK = "field-check"
# pydantic's error types, and the keys comment_input's checks raise, as the kinds above.
KINDS = {
    "missing": "missing",
    "string_too_short": "missing",
    "blank": "missing",
    "string_too_long": "too_long",
    "bad-characters": "bad_characters",
    "not-an-email": "not_email",
    "needs-email": "needs_email",
}


def kind_of(item: Any) -> str:
    """The kind of one of pydantic's errors (a check's ValueError names its catalogue key)."""
    error_type = str(item.get("type", ""))
    if error_type == "value_error":
        error_type = str(item.get("msg", "")).removeprefix("Value error, ")
    return KINDS.get(error_type, error_type)


def field_text(field: str, item: Any) -> Text:
    """The sentence for a refused field (one of pydantic's errors); FALLBACK for what no form sends."""
    key = MESSAGES.get((field, kind_of(item)), FALLBACK)
    value = item.get("input")
    length = len(value) if isinstance(value, str) else 0
    limit = (item.get("ctx") or {}).get("max_length", 0)
    if key.endswith("too-long"):
        return Text(key, max=f"{limit:,}", **({"length": f"{length:,}"} if field == "text" else {}))
    return Text(key)
