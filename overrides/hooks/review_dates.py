"""Review dates: each page is due for its next review 12 months after it was last checked.

Works out every page's next review date (its `next_review`, or 12 months after
`last_reviewed`) for the review line under the page (partials/source-file.html), and
tells editors when one is near or late. A page past its date is a warning, so
`mkdocs build --strict` fails until someone checks it against its sources: its facts
may be out of date. A page due within 30 days is only noted (INFO), so the build
still passes. `make review-due` (scripts/review_due.py) lists every page by due date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from _report import display_path, front_matter_line, log, page_problem
from _schedule import DUE_SOON_DAYS, due_date, parse_date, today
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

_build: dict[str, Any] = {"today": None}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Fix the build's date once, so every page is judged against the same day."""
    try:
        _build["today"] = today()
    except ValueError as error:
        raise PluginError(str(error)) from None
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Set the page's next review date and report a review that is late or near."""
    reviewed = parse_date(page.meta.get("last_reviewed"))  # front_matter.py reports a bad one
    if page.file.generated_by or reviewed is None:
        return markdown
    written = parse_date(page.meta.get("next_review"))
    due = due_date(reviewed, written)
    page.meta["next_review"] = due
    line = front_matter_line(page.file.content_string, "next_review" if written else "last_reviewed")
    days = (due - _build_date()).days
    if days < 0:
        page_problem(
            page,
            line,
            f"review overdue: the next review was due on {due.isoformat()}, {_days(-days)} ago; "
            "check the page against its sources, then set last_reviewed to the day you did",
        )
    elif days <= DUE_SOON_DAYS:
        log.info(
            "%s:%d: review due soon: on %s, in %s (a reminder, not an error; "
            "`make review-due` lists every page)",
            display_path(page),
            line,
            due.isoformat(),
            _days(days),
        )
    return markdown


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _build_date() -> dt.date:
    return _build["today"] or today()
