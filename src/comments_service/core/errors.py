"""Why the rules turn something away, in the rules' own terms: no HTTP status here.

`Refused` names the kind of refusal (`Reason`), the part of the request at fault and a
message its author can act on (a `Text` of the catalogue in messages.py, said in the
page's language); web/problems.py maps each reason to an HTTP status, once.
"""

from __future__ import annotations

from enum import StrEnum

from .messages import Language, Text


class Reason(StrEnum):
    MALFORMED = "malformed"  # something no person sends, such as a filled-in trap field
    INVALID = "invalid"  # a value the rules do not accept
    NOT_FOUND = "not-found"  # no such page or comment
    FORBIDDEN = "forbidden"  # not this browser's to change, or no longer
    CONFLICT = "conflict"  # clashes with what is stored: a duplicate, a changed page
    TOO_FAST = "too-fast"  # allowed again after `retry_after` seconds


class Refused(Exception):
    """A request the rules turn away; nothing it asked for was stored."""

    def __init__(self, reason: Reason, field: str, text: Text, retry_after: int | None = None):
        super().__init__(str(text))
        self.reason, self.field, self.text, self.retry_after = reason, field, text, retry_after

    @property
    def message(self) -> str:
        """The message in English (logs, the command line)."""
        return str(self.text)

    def said_in(self, language: Language) -> str:
        return self.text.in_language(language)


class NotFound(Refused):
    """There is no such page or comment (as far as the asker may know)."""

    def __init__(self, field: str, text: Text):
        super().__init__(Reason.NOT_FOUND, field, text)


class NotAllowed(Exception):
    """A moderation the rules do not allow, e.g. approving a deleted comment."""
