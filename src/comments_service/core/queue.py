"""The moderation lists: comments in one state, filtered, searched and paged, and acting on many.

`find` is the one home of "comments in state X": the /admin lists, `comments list`
and the bulk actions (`comments approve --all-pending`) all ask it. `moderate_many`
runs one action over many comments, idempotently: a comment already where the action
would leave it is counted as unchanged, not refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from . import moderation
from .errors import NotAllowed
from .models import Comment, Thread
from .states import State

MAX_SEARCH = 200  # characters of a search that are used


@dataclass(frozen=True)
class Query:
    state: State = State.PENDING
    page: str = ""  # a thread key; empty: every page
    search: str = ""  # in the text, the name, the page's key and title
    offset: int = 0
    limit: int | None = 50  # None: every match (bulk actions)
    # The queue oldest first (first come, first read); the other lists newest first.
    newest_first: bool | None = None


def _filters(query: Query) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if query.page:
        found.append(Thread.key == query.page)
    words = query.search.strip()[:MAX_SEARCH]
    if words:
        found.append(
            or_(
                Comment.text.icontains(words, autoescape=True),
                Comment.name.icontains(words, autoescape=True),
                Thread.key.icontains(words, autoescape=True),
                Thread.title.icontains(words, autoescape=True),
            )
        )
    return found


def find(session: Session, query: Query) -> list[Comment]:
    """One page of matching comments in `query.state`, with their threads and parents loaded."""
    newest = query.state is not State.PENDING if query.newest_first is None else query.newest_first
    order = (Comment.created_at.desc(), Comment.id.desc()) if newest else (Comment.created_at, Comment.id)
    statement = (
        select(Comment)
        .join(Thread, Comment.thread_id == Thread.id)
        .where(Comment.state == query.state, *_filters(query))
        .options(selectinload(Comment.thread))
        .order_by(*order)
        .offset(query.offset)
        .limit(query.limit)
    )
    return list(session.scalars(statement))


def counts(session: Session, query: Query) -> dict[State, int]:
    """How many comments match the page and search in each state: the tabs' numbers."""
    statement = (
        select(Comment.state, func.count(Comment.id))
        .join(Thread, Comment.thread_id == Thread.id)
        .where(*_filters(query))
        .group_by(Comment.state)
    )
    found = {state: int(number) for state, number in session.execute(statement).all()}
    return {state: found.get(state, 0) for state in State}


def pages(session: Session, state: State) -> list[tuple[str, str, int]]:
    """Pages with comments in `state`: (key, title, how many), for the filter."""
    statement = (
        select(Thread.key, Thread.title, func.count(Comment.id))
        .join(Comment, Comment.thread_id == Thread.id)
        .where(Comment.state == state)
        .group_by(Thread.key, Thread.title)
        .order_by(Thread.key)
    )
    return [(key, title, int(number)) for key, title, number in session.execute(statement).all()]


def parents(session: Session, comments: list[Comment]) -> dict[int, Comment]:
    """The comments these reply to, by id: a reply shows what it answers."""
    ids = {c.parent_id for c in comments if c.parent_id is not None}
    if not ids:
        return {}
    return {c.id: c for c in session.scalars(select(Comment).where(Comment.id.in_(ids)))}


@dataclass
class Tally:
    """What a bulk action did: changed, already so (unchanged), refused by the rules, not found."""

    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)

    def summary(self, action: str) -> str:
        """ "3 comments approved, 1 already approved." """
        number = len(self.changed)
        parts = [f"{number} comment{'' if number == 1 else 's'} {moderation.PAST_TENSE[action]}"]
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} already {moderation.PAST_TENSE[action]}")
        if self.refused:
            parts.append(f"{len(self.refused)} not allowed")
        if self.missing:
            parts.append(f"{len(self.missing)} not found")
        return ", ".join(parts) + "."


def moderate_many(session: Session, ids: list[int], action: str, actor: str) -> Tally:
    """Run `action` on each comment, in one transaction; the rules of moderation.apply for each."""
    if action not in moderation.OUTCOME:
        raise NotAllowed(f"unknown action '{action}'")
    tally = Tally()
    wanted = list(dict.fromkeys(ids))
    found = (
        {c.id: c for c in session.scalars(select(Comment).where(Comment.id.in_(wanted)))} if wanted else {}
    )
    bumps: set[int] = set()
    with session.no_autoflush:  # one flush at the end: the updates and log entries go in batches
        for comment_id in wanted:
            comment = found.get(comment_id)
            if comment is None:
                tally.missing.append(comment_id)
            elif comment.state is moderation.OUTCOME[action]:
                tally.unchanged.append(comment_id)
            else:
                try:
                    moderation.apply(session, comment, action, actor, bumps)
                except NotAllowed as error:
                    tally.refused[comment_id] = str(error)
                else:
                    tally.changed.append(comment_id)
    for thread_id in sorted(bumps):
        moderation.bump(session, thread_id)
    return tally


def matching_ids(session: Session, query: Query) -> list[int]:
    """Every comment the query matches, whatever the page size: the target of "all" bulk actions."""
    statement = (
        select(Comment.id)
        .join(Thread, Comment.thread_id == Thread.id)
        .where(Comment.state == query.state, *_filters(query))
        .order_by(Comment.created_at, Comment.id)
    )
    return list(session.scalars(statement))
