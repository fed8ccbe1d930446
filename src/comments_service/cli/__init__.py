"""`comments`: run the service and moderate from the command line.

    comments serve [--host 127.0.0.1] [--port 8000] [--workers 1]
    comments list [--state pending] [--page KEY] [--search WORDS]     comments show ID
    comments approve ID... | --all-pending [--page KEY]     (reject and delete alike)
    comments audit [--format csv|json] [FILE]   comments block ID --client|--email [--days N]
    comments unblock BLOCK_ID   comments blocks   comments trust ID [--stop]   comments authors
    comments export [FILE]                 comments import FILE
    comments set-password                  comments backup FILE       comments migrate
    comments feedback export [FILE] [--page /path/]   (page feedback as CSV)

Settings come from COMMENTS_* environment variables, as for the service. The
moderation commands (cli/moderation.py) use the same rules as /admin.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from ..core import auth, feedback_report, transfer
from ..core.errors import NotAllowed
from ..core.messages import LANGUAGE_NAMES, language_of_thread
from ..core.models import Comment
from ..core.times import iso
from ..infra.backup import backup_sqlite
from ..infra.database import Database
from ..infra.schema_upgrade import migrate
from ..infra.settings import Settings
from . import moderation as moderation_cli


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="comments", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the service (and the built site, with --site)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--site", type=Path, help="serve this built site at / as well")
    moderation_cli.add_commands(commands)
    show = commands.add_parser("show", help="show one comment in full")
    show.add_argument("id", type=int)
    out = commands.add_parser("export", help="write every thread and comment as JSON")
    out.add_argument("file", nargs="?", type=Path, help="default: standard output")
    into = commands.add_parser("import", help="load an export into an empty database")
    into.add_argument("file", type=Path)
    password = commands.add_parser("set-password", help="set the moderator password for /admin")
    password.add_argument("--password-stdin", action="store_true", help="read it from standard input")
    backup = commands.add_parser("backup", help="copy a live SQLite database safely")
    backup.add_argument("file", type=Path)
    commands.add_parser("migrate", help="bring the database schema up to date")
    feedback = commands.add_parser("feedback", help='page feedback ("Was this page helpful?")')
    feedback_commands = feedback.add_subparsers(dest="feedback_command", required=True)
    feedback_export = feedback_commands.add_parser(
        "export", help="write every answer as CSV: page, time_utc, helpful, text"
    )
    feedback_export.add_argument("file", nargs="?", type=Path, help="default: standard output")
    feedback_export.add_argument("--page", help="only this page's answers (its path, e.g. /faq/)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        try:
            return _serve(args)
        except OSError as error:  # the port is taken, or the address is not this machine's
            print(
                f"comments serve: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr
            )
            return 1
    settings = Settings()
    if settings.auto_migrate or args.command == "migrate":
        migrate(settings.database_url)
    if args.command == "migrate":
        print("The database schema is up to date.")
        return 0
    database = Database.open(settings.database_url, settings.sqlite_synchronous)
    try:
        if args.command in moderation_cli.COMMANDS:
            return moderation_cli.COMMANDS[args.command](args, database, settings)
        return COMMANDS[args.command](args, database)
    except (ValueError, OSError, NotAllowed) as error:
        print(f"comments {args.command}: {error}", file=sys.stderr)
        return 1
    finally:
        database.close()


def _show(args: argparse.Namespace, database: Database) -> int:
    with database.read() as session:
        c = session.get(Comment, args.id)
        if c is None:
            raise ValueError(f"there is no comment {args.id}")
        language = LANGUAGE_NAMES[language_of_thread(c.thread.key)]
        print(f"#{c.id} [{c.state.value}] on {c.thread.key} ({c.thread.title}), in {language}")
        print(f"From: {c.name}" + (f" <{c.email}>" if c.email else ""))
        print(f"Posted: {iso(c.created_at)}" + (f", edited {iso(c.edited_at)}" if c.edited_at else ""))
        print(f"Reply to: #{c.parent_id}" if c.parent_id else "Top-level comment")
        print()
        print(c.text)
    return 0


def _export(args: argparse.Namespace, database: Database) -> int:
    with database.read() as session:
        text = json.dumps(transfer.export(session), ensure_ascii=False, indent=1)
    if args.file:
        args.file.write_text(text, encoding="utf-8")
        print(f"Exported to {args.file}.", file=sys.stderr)
    else:
        print(text)
    return 0


def _import(args: argparse.Namespace, database: Database) -> int:
    data = json.loads(args.file.read_text(encoding="utf-8"))
    with database.write() as session:
        threads, comments = transfer.import_(session, data)
    print(f"Imported {threads} thread(s) and {comments} comment(s).")
    return 0


def _set_password(args: argparse.Namespace, database: Database) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else _ask_password()
    with database.write() as session:
        auth.set_password(session, password)
    print("The moderator password is set. Sign in at /admin.")
    return 0


def _ask_password() -> str:
    # Without a terminal (a script, a pipe, a service manager) there is no one to ask.
    if not sys.stdin.isatty():
        raise ValueError(
            "no terminal to type the password in; use --password-stdin, "
            "e.g. printf '%s\\n' \"$PASSWORD\" | comments set-password --password-stdin"
        )
    try:
        first = getpass.getpass("New moderator password (10+ characters): ")
        again = getpass.getpass("Again: ")
    except EOFError:
        raise ValueError("no password was typed; use --password-stdin to pipe one in") from None
    if first != again:
        raise ValueError("the two passwords differ")
    return first


def _backup(args: argparse.Namespace, database: Database) -> int:
    backup_sqlite(database.engine, args.file)
    print(f"Backed up to {args.file}.")
    return 0


def _feedback(args: argparse.Namespace, database: Database) -> int:
    """`comments feedback export`: the CSV that /admin/feedback.csv downloads."""
    with database.read() as session:
        rows = feedback_report.export_rows(session, args.page)
        if args.file is None:
            feedback_report.write_csv(rows, sys.stdout)
            return 0
        with args.file.open("w", encoding="utf-8", newline="") as out:
            count = feedback_report.write_csv(rows, out)
    print(f"Exported {count} answer(s) to {args.file}.", file=sys.stderr)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Database], int]] = {
    "show": _show,
    "export": _export,
    "import": _import,
    "set-password": _set_password,
    "backup": _backup,
    "feedback": _feedback,
}


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..infra import server, workers

    if args.site:
        os.environ.setdefault("COMMENTS_SITE_DIR", str(args.site))
        os.environ.setdefault("COMMENTS_PAGES_FILE", str(args.site / "comments-pages.json"))
        os.environ.setdefault("COMMENTS_FEEDBACK_PAGES_FILE", str(args.site / "feedback-pages.json"))
    options = server.options("comments_service.asgi:app", args.host, args.port)
    print(f"Serving on http://{args.host}:{args.port}/ (moderate at /admin)", flush=True)
    if args.workers > 1:
        return workers.run(options, args.workers)
    uvicorn.run(**options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
