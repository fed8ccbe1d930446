"""What a commenter reads when a form field is refused: whole sentences, each defined once.

The JSON API (web/problems.py) and the no-JavaScript page (web/routers/discussion.py)
both take their words from here, so the widget and the plain form say the same.
Each message is a whole sentence with named blanks ({max}, {length}), never built from
pieces, so that a translation can give its own table. Keys are (field, kind); the
kinds are pydantic's error types as `kind_of` names them.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[tuple[str, str], str] = {
    ("name", "missing"): "Please enter your name.",
    ("name", "too_long"): "Please shorten your name to {max} characters or fewer.",
    ("name", "bad_characters"): "Your name contains characters we cannot store. Please retype it.",
    ("email", "too_long"): "Please use an email address of {max} characters or fewer.",
    ("email", "not_email"): "Please check your email address: it should look like name@example.org.",
    ("email", "bad_characters"): "Your email address contains characters we cannot store. Please retype it.",
    ("text", "missing"): "Please write a comment.",
    ("text", "too_long"): "Please shorten your comment to {max} characters or fewer (it has {length}).",
    ("text", "bad_characters"): "Your comment contains characters we cannot store (control characters or "
    "noncharacters). Please retype the part you pasted.",
    ("notify", "needs_email"): "To get emails about your comment, please enter your email address.",
}
FALLBACK = "Please check this part of the form."
# pydantic's error types, as the kinds above.
KINDS = {
    "missing": "missing",
    "string_too_short": "missing",
    "blank": "missing",
    "string_too_long": "too_long",
    "bad_characters": "bad_characters",
    "not_email": "not_email",
    "needs_email": "needs_email",
}


def kind_of(error_type: str) -> str:
    return KINDS.get(error_type, error_type)


def field_message(
    field: str, error_type: str, context: dict[str, Any] | None = None, value: Any = None
) -> str:
    """The sentence for a refused field; FALLBACK for what no person's form sends."""
    template = MESSAGES.get((field, kind_of(error_type)))
    if template is None:
        return FALLBACK
    length = len(value) if isinstance(value, str) else 0
    return template.format(max=f"{(context or {}).get('max_length', 0):,}", length=f"{length:,}")
