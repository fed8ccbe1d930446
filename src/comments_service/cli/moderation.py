"""The moderation commands of `comments`: lists, bulk actions, the audit log, blocks and trust.

    comments list [--state pending] [--page KEY] [--search WORDS] [--limit 50] [--offset 0]
    comments approve ID... | --all-pending [--page KEY] [--search WORDS]   (reject, delete alike)
    comments audit [--format csv|json] [--comment ID] [FILE]
    comments block ID --client|--email [--days 30]     comments unblock BLOCK_ID    comments blocks
    comments trust ID [--stop]                          comments authors [--forget HASH]

The same rules as /admin (core/moderation.py, core/queue.py, core/authors.py); every
change is written to the audit log as "cli <user>".
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ..core import audit, authors, moderation, queue
from ..core.messages import language_of_thread
from ..core.models import Comment
from ..core.states import State
from ..core.times import iso
from ..core.tokens import Signer
from ..infra.database import Database
from ..infra.settings import Settings

Command = Callable[[argparse.Namespace, Database, Settings], int]


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = commands.add_parser("list", help="list comments, oldest waiting first")
    listing.add_argument("--state", choices=[s.value for s in State], default="pending")
    _add_filters(listing)
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--offset", type=int, default=0)
    for action in moderation.TRANSITIONS:
        command = commands.add_parser(action, help=f"{action} comments (by id, or every waiting one)")
        command.add_argument("ids", type=int, nargs="*", metavar="ID")
        command.add_argument("--all-pending", action="store_true", help="every waiting comment that matches")
        _add_filters(command)
    log = commands.add_parser("audit", help="export the audit log (who did what to which comment)")
    log.add_argument("file", nargs="?", type=Path, help="default: standard output")
    log.add_argument("--format", choices=["csv", "json"], default="csv")
    log.add_argument("--comment", type=int, help="only this comment's entries")
    block = commands.add_parser("block", help="refuse posts from a comment's client or email for a time")
    block.add_argument("id", type=int, metavar="ID")
    kind = block.add_mutually_exclusive_group(required=True)
    kind.add_argument("--client", action="store_const", dest="kind", const=authors.CLIENT)
    kind.add_argument("--email", action="store_const", dest="kind", const=authors.EMAIL)
    block.add_argument("--days", type=int, default=30)
    commands.add_parser("unblock", help="lift a block").add_argument("block_id", type=int, metavar="BLOCK_ID")
    commands.add_parser("blocks", help="list the blocks in force")
    trust = commands.add_parser("trust", help="let a comment's author skip the queue from now on")
    trust.add_argument("id", type=int, metavar="ID")
    trust.add_argument("--stop", action="store_true", help="stop trusting: their comments wait again")
    authors_ = commands.add_parser("authors", help="list the authors moderators trust or stopped trusting")
    authors_.add_argument("--forget", metavar="HASH", help="drop the word on this author (the mode decides)")


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--page", default="", help="only this page (its thread key, e.g. articles/first)")
    parser.add_argument("--search", default="", help="only comments whose text, name or page holds this")


def _actor() -> str:
    return audit.cli_actor(getpass.getuser())


def _list(args: argparse.Namespace, database: Database, settings: Settings) -> int:
    query = queue.Query(
        State(args.state), args.page, args.search, args.offset, args.limit, newest_first=False
    )
    with database.read() as session:
        rows = queue.find(session, query)
        total = queue.counts(session, query)[query.state]
        for c in rows:
            first_line = " ".join(c.text.split())[:70]
            language = language_of_thread(c.thread.key)
            print(f"{c.id:>6}  {iso(c.created_at)}  {language}  {c.thread.key}  {c.name}: {first_line}")
    more = f" (showing {len(rows)} from {args.offset + 1})" if len(rows) < total else ""
    print(f"{total} {args.state} comment(s){more}.")
    return 0


def _moderate(args: argparse.Namespace, database: Database, settings: Settings) -> int:
    if bool(args.ids) == args.all_pending:
        raise ValueError("name the comments (IDs) or say --all-pending, not both")
    with database.write() as session:
        ids = args.ids
        if args.all_pending:
            ids = queue.matching_ids(session, queue.Query(State.PENDING, args.page, args.search, limit=None))
        elif missing := sorted(set(ids) - set(session.scalars(_existing(ids)))):
            raise ValueError(f"there is no comment {', '.join(map(str, missing))}")
        tally = queue.moderate_many(session, ids, args.command, _actor())
    for comment_id in [] if args.all_pending else tally.changed:  # --all-pending: the counts only
        print(f"Comment {comment_id}: {moderation.PAST_TENSE[args.command]}.")
    for comment_id, reason in tally.refused.items():
        print(f"comments {args.command}: comment {comment_id}: {reason}", file=sys.stderr)
    print(tally.summary(args.command))
    return 1 if tally.refused else 0


def _existing(ids: list[int]) -> Select[int]:
    return select(Comment.id).where(Comment.id.in_(ids))


def _audit(args: argparse.Namespace, database: Database, settings: Settings) -> int:
    with database.read() as session:
        rows = audit.entries(session, args.comment)
        text = audit.to_json(rows) if args.format == "json" else audit.to_csv(rows)
    if args.file:
        args.file.write_text(text, encoding="utf-8")
        print(f"Exported {len(rows)} audit entries to {args.file}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _comment(session: Session, comment_id: int) -> Comment:
    found = session.get(Comment, comment_id)
    if found is None:
        raise ValueError(f"there is no comment {comment_id}")
    return found


def _block(args: argparse.Namespace, database: Database, settings: Settings) -> int:
    signer = Signer(settings.resolved_secret())
    with database.write() as session:
        block = authors.block_from(
            session, signer, _comment(session, args.id), args.kind, args.days, _actor()
        )
        session.flush()
        print(f"Block {block.id}: {block.label} until {iso(block.expires_at)}.")
    return 0


def _unblock(args: argparse.Namespace, database: Database, settings: Settings) -> int:
    with database.write() as session:
        authors.unblock(session, args.block_id, _actor())
    print(f"Block {args.block_id} lifted.")
    return 0


def _blocks(args: argparse.Namespace, database: Database, settings: Settings) -> int:
    with database.read() as session:
        rows = authors.active_blocks(session)
        for block in rows:
            print(f"{block.id:>5}  {block.kind:<6}  until {iso(block.expires_at)}  {block.label}")
    print(f"{len(rows)} block(s) in force.")
    return 0


def _trust(args: argparse.Namespace, database: Database, settings: Settings) -> int:
    with database.write() as session:
        authors.set_trust(session, _comment(session, args.id), not args.stop, _actor())
    print(f"The author of comment {args.id} is {'no longer trusted' if args.stop else 'trusted'}.")
    return 0


def _authors(args: argparse.Namespace, database: Database, settings: Settings) -> int:
    if args.forget:
        with database.write() as session:
            authors.forget_trust(session, args.forget, _actor())
        print("Forgotten: the moderation mode decides for this author again.")
        return 0
    with database.read() as session:
        rows = authors.trust_list(session)
        for row in rows:
            word = "trusted" if row.trusted else "not trusted"
            print(f"{row.author_token_hash}  {word:<11}  {row.label}")
    print(f"{len(rows)} author(s).")
    return 0


COMMANDS: dict[str, Command] = {
    "list": _list,
    **dict.fromkeys(moderation.TRANSITIONS, _moderate),
    "audit": _audit,
    "block": _block,
    "unblock": _unblock,
    "blocks": _blocks,
    "trust": _trust,
    "authors": _authors,
}
