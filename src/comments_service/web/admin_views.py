"""What the /admin templates show of a comment: plain values, times in the site's zone, its parent.

Kept apart from the routes so the lists, the detail page and the confirm pages show a
comment the same way.
"""

from __future__ import annotations

from typing import Any

from ..core import moderation
from ..core.messages import LANGUAGE_NAMES, language_of_thread
from ..core.models import Comment
from ..core.states import State
from ..core.times import iso, local

QUOTE_CHARACTERS = 200


def when(moment: Any, zone: str) -> dict[str, str] | None:
    """A time as /admin shows it: in the site's zone, with the UTC time for the title attribute."""
    if moment is None:
        return None
    utc = iso(moment) or ""
    return {"local": local(moment, zone), "utc": utc, "title": utc.replace("T", " ").replace("Z", " UTC")}


def public_link(comment: Comment) -> str | None:
    """Where readers see the comment: its anchor on its page, only while it is public."""
    if comment.state is not State.APPROVED or not comment.thread.url:
        return None
    return f"{comment.thread.url}#comment-{comment.id}"


def quote(parent: Comment | None) -> dict[str, Any] | None:
    """The start of the comment a reply answers, as plain text."""
    if parent is None:
        return None
    words = " ".join(parent.text.split())
    short = words if len(words) <= QUOTE_CHARACTERS else words[: QUOTE_CHARACTERS - 1].rstrip() + "…"
    return {
        "id": parent.id,
        "name": parent.name,
        "text": short,
        "state": parent.state.value,
        "erased": moderation.is_erased(parent),
    }


def comment_view(comment: Comment, zone: str, parent: Comment | None = None) -> dict[str, Any]:
    return {
        "id": comment.id,
        "name": comment.name,
        "email": comment.email,
        "html": comment.html,
        "state": comment.state.value,
        "created": when(comment.created_at, zone),
        "edited": when(comment.edited_at, zone),
        "moderated": when(comment.moderated_at, zone),
        "thread": comment.thread,
        # The page's language: the moderator reads a Spanish page's comments as Spanish.
        "language": language_of_thread(comment.thread.key),
        "language_name": LANGUAGE_NAMES[language_of_thread(comment.thread.key)],
        "link": public_link(comment),
        "parent_id": comment.parent_id,
        "parent": quote(parent),
        "actions": moderation.allowed_actions(comment.state, moderation.is_erased(comment)),
    }
