"""The page contract: every page's front matter is checked at build time.

Editors write Markdown, not code, so a wrong field must fail `mkdocs build --strict`
with one line naming the file, the line and the fix. Problems are logged as
warnings (strict mode turns them into a failed build) so that every problem in a
build is reported at once and `mkdocs serve` keeps previewing while you fix them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Mapping
from typing import Any

import yaml
from _report import front_matter_line, page_problem, problem
from _schedule import REVIEW_INTERVAL_MONTHS, latest_next_review, parse_date, today
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import YAML_RE

DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 160
THREAD_ID = re.compile(r"^[a-z0-9][a-z0-9/_-]{0,199}$")

# Fields this site defines, then fields Material and its blog plugin define.
OUR_FIELDS = {
    "title",
    "description",
    "last_reviewed",
    "next_review",
    "health",
    "sources",
    "reviewed_by",
    "condition",
    "comments",
    "comments_id",
    "faq",
    "show_register",
    "glossary",
    "latest_articles",
}
MATERIAL_FIELDS = {
    "template",
    "hide",
    "icon",
    "status",
    "subtitle",
    "search",
    "tags",
    "date",
    "authors",
    "categories",
    "slug",
    "readtime",
    "pin",
    "draft",
    "links",
}


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Report every contract problem of the page; the Markdown passes through unchanged."""
    if page.file.generated_by:  # pages the blog plugin writes (archive, categories)
        return markdown
    for line, message in check(page.meta, markdown, page.file.content_string):
        page_problem(page, line, message)
    # Templates format the dates, so hand them dates whether YAML quoted them or not.
    for field in ("last_reviewed", "next_review"):
        date = parse_date(page.meta.get(field))
        if date is not None:
            page.meta[field] = date
        else:
            # Already reported above; dropping it keeps `mkdocs serve` rendering the page
            # (the review-line template needs a date) while the editor fixes it.
            page.meta.pop(field, None)
    return markdown


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Name each page missing from the nav on a line of its own.

    MkDocs lists them under a heading, one per following line, so its message never
    holds the file and the fix together. Only reported when MkDocs would warn too.
    """
    if config.validation.nav.omitted_files < logging.WARNING:
        return nav
    listed = {page.file.src_uri for page in nav.pages}
    for file in files.documentation_pages():
        # Blog posts and generated views are out of the nav at this point by design.
        # inclusion.is_in_nav(), which MkDocs leaves without type hints:
        in_nav = file.inclusion.value > InclusionLevel.NOT_IN_NAV.value
        if in_nav and not file.generated_by and file.src_uri not in listed:
            problem(
                os.path.relpath(file.abs_src_path or file.src_uri),
                1,
                "this page is not in the nav; add it under `nav:` in mkdocs.yml",
            )
    return nav


def check(meta: Mapping[str, Any], markdown: str, source: str) -> list[tuple[int, str]]:
    """Return (line, problem) pairs for one page; empty when the page keeps the contract."""
    if markdown.lstrip().startswith("---"):
        # MkDocs keeps front matter it cannot parse in the body. Folder defaults
        # (.meta.yml) may still fill `meta`, so parse the block again to tell why.
        unreadable = _yaml_problem(markdown)
        if unreadable is not None:
            return [unreadable]
        if not meta:
            return [(1, "front matter could not be read; check the '---' lines around it")]
    rules = (_unknown_fields, _title_and_description, _review_dates, _flags_and_sources, _other_fields)
    return [(front_matter_line(source, field), problem) for rule in rules for field, problem in rule(meta)]


# Each rule returns (field, problem) pairs; check() finds each field's line.
Problems = list[tuple[str, str]]


def _unknown_fields(meta: Mapping[str, Any]) -> Problems:
    # Keys starting with "__" are bookkeeping of Material's meta plugin.
    written = {str(field) for field in meta if not str(field).startswith("__")}
    return [
        (field, f"unknown front-matter field '{field}' (a typo?); see the front matter reference")
        for field in sorted(written - OUR_FIELDS - MATERIAL_FIELDS)
    ]


def _title_and_description(meta: Mapping[str, Any]) -> Problems:
    problems: Problems = []
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(("title", "'title' is missing; add a short title, e.g. title: Neck pain"))
    description = meta.get("description")
    limits = f"write {DESCRIPTION_MIN}–{DESCRIPTION_MAX} characters"
    if not isinstance(description, str) or not description.strip():
        problems.append(("description", f"'description' is missing; {limits}"))
    elif not DESCRIPTION_MIN <= len(description.strip()) <= DESCRIPTION_MAX:
        problems.append(
            ("description", f"'description' is {len(description.strip())} characters long; {limits}")
        )
    return problems


def _review_dates(meta: Mapping[str, Any]) -> Problems:
    problems: Problems = []
    if "last_reviewed" not in meta:
        message = "'last_reviewed' is missing; add the date you checked the page, e.g. 2026-11-26"
        problems.append(("last_reviewed", message))
    else:
        reviewed = parse_date(meta["last_reviewed"])
        if reviewed is None:
            message = f"'last_reviewed' is {meta['last_reviewed']!r}, not a date; write it as YYYY-MM-DD"
            problems.append(("last_reviewed", message))
        elif reviewed > today():
            problems.append(
                ("last_reviewed", f"'last_reviewed' is {reviewed.isoformat()}, a date in the future")
            )
    if "next_review" in meta:
        reason = _next_review_problem(meta["next_review"], parse_date(meta.get("last_reviewed")))
        if reason:
            problems.append(("next_review", reason))
    return problems


def _flags_and_sources(meta: Mapping[str, Any]) -> Problems:
    problems: Problems = [
        (flag, f"'{flag}' must be true or false")
        for flag in ("health", "comments", "faq", "show_register", "glossary")
        if flag in meta and not isinstance(meta[flag], bool)
    ]
    sources = meta.get("sources")
    if sources is not None and (
        not isinstance(sources, list) or not all(isinstance(key, str) for key in sources)
    ):
        problems.append(("sources", "'sources' must be a list of source keys, e.g. sources: [E4, E10]"))
    elif meta.get("health") is True and not sources:
        problems.append(("sources", "health pages must list their 'sources' (keys of data/sources.yml)"))
    return problems


def _other_fields(meta: Mapping[str, Any]) -> Problems:
    problems: Problems = [
        (field, f"'{field}' must be a short line of text")
        for field in ("reviewed_by", "condition")
        if field in meta and (not isinstance(meta[field], str) or not meta[field].strip())
    ]
    latest = meta.get("latest_articles")
    if latest is not None and (isinstance(latest, bool) or not isinstance(latest, int) or latest < 1):
        problems.append(("latest_articles", "'latest_articles' must be a whole number of articles, e.g. 3"))
    thread = meta.get("comments_id")
    if thread is not None and (not isinstance(thread, str) or not THREAD_ID.match(thread)):
        problems.append(("comments_id", "'comments_id' must be lowercase letters, digits, '-', '_' or '/'"))
    return problems


def _next_review_problem(value: object, reviewed: dt.date | None) -> str | None:
    """`next_review` may only bring the yearly review forward: after the last review,
    at most 12 months later."""
    date = parse_date(value)
    if date is None:
        return f"'next_review' is {value!r}, not a date; write it as YYYY-MM-DD"
    if reviewed is None:
        return None  # the last_reviewed problem is reported on its own line
    if date <= reviewed:
        return (
            f"'next_review' is {date.isoformat()}; it must come after last_reviewed ({reviewed.isoformat()})"
        )
    latest = latest_next_review(reviewed)
    if date > latest:
        return (
            f"'next_review' is {date.isoformat()}, more than {REVIEW_INTERVAL_MONTHS} months after "
            f"last_reviewed; every page is reviewed at least yearly, so use {latest.isoformat()} or earlier"
        )
    return None


def _yaml_problem(markdown: str) -> tuple[int, str] | None:
    """Why MkDocs dropped the page's front matter, or None when the block parses."""
    stripped = markdown.lstrip()
    match = YAML_RE.match(stripped)
    if not match:
        return None
    # The block's first line is the file's second line (after the opening '---').
    first = markdown[: len(markdown) - len(stripped)].count("\n") + 2
    block = match.group(1)
    try:
        yaml.safe_load(block)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first + mark.line if mark else first - 1
        reason = getattr(error, "problem", None) or "invalid YAML"
        return line, f"front matter is not valid YAML: {reason}"
    except ValueError as error:
        # YAML read something shaped like a date that is not one, e.g. 2026-13-01.
        line = first + _impossible_date(block)
        return line, f"front matter has an impossible date ({error}); write it as YYYY-MM-DD"
    return None


def _impossible_date(block: str) -> int:
    """Index of the block's line holding a YYYY-MM-DD value that is not a real date."""
    for index, text in enumerate(block.splitlines()):
        found = re.search(r":\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$", text)
        if found:
            try:
                dt.date(*(int(part) for part in found.groups()))
            except ValueError:
                return index
    return 0
