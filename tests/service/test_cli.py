"""The `comments` command: moderation, export/import, set-password, backup and the feedback export.

Each test calls comments_service.cli.main([...]) in-process with COMMENTS_* variables
set the way an operator would, against the same database the TestClient app uses.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from comments_service import cli
from comments_service.core.models import Comment
from comments_service.infra.database import make_engine
from comments_service.infra.outbox import run_once
from comments_service.infra.schema_upgrade import migrate
from tests.harness import THREADS
from tests.service.helpers import post
from tests.service.web.test_feedback import AS_JSON, send

PASSWORD = "a long moderator password"
SPANISH = {"es/articles/first": {"url": "/es/blog/first/", "title": "Primer artículo"}}


@pytest.fixture
def pages_file(tmp_path: Path) -> Path:
    """The test site's pages, and a Spanish page with its own thread."""
    path = tmp_path / "comments-pages.json"
    path.write_text(json.dumps({"generated": "2026-11-26T00:00:00+00:00", "threads": {**THREADS, **SPANISH}}))
    return path


@pytest.fixture
def run(
    database_url: str, pages_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    """Run the command with the test's settings; returns (exit code, stdout, stderr)."""

    def invoke(*argv: str, database: str | None = None) -> tuple[int, str, str]:
        monkeypatch.setenv("COMMENTS_DATABASE_URL", database or database_url)
        monkeypatch.setenv("COMMENTS_SECRET_KEY", "test-secret-key")
        monkeypatch.setenv("COMMENTS_PAGES_FILE", str(pages_file))
        capsys.readouterr()
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A second, empty database of the same kind."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    return str(request.getfixturevalue("postgres_server").database())


def held(client: TestClient, text: str, **fields: object) -> int:
    response = post(client, text=text, email="ann@example.org", **fields)
    assert response.status_code in (201, 202), response.text
    return int(response.json()["comment"]["id"])


def public(client: TestClient, thread: str = "articles/first") -> list[dict[str, object]]:
    return list(client.get("/api/comments", params={"thread": thread}).json()["comments"])


def test_list_shows_waiting_comments_oldest_first(client, run):
    first, second = held(client, "First question."), held(client, "Second  question\nspans lines.")
    code, out, _ = run("list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[0] == str(first)
    assert "Ann: First question." in lines[0]
    assert lines[1].split()[0] == str(second)
    assert "Second question spans lines." in lines[1]
    assert lines[-1] == "2 pending comment(s)."
    assert run("list", "--state", "approved")[1].strip() == "0 approved comment(s)."


def test_list_and_show_say_each_comments_language(client, run):
    english, spanish = held(client, "A question."), held(client, "Una pregunta.", thread="es/articles/first")
    lines = run("list")[1].splitlines()
    assert lines[0].split()[:4] == [str(english), lines[0].split()[1], "en", "articles/first"]
    assert lines[1].split()[:4] == [str(spanish), lines[1].split()[1], "es", "es/articles/first"]
    assert "on es/articles/first (Primer artículo), in Spanish" in run("show", str(spanish))[1]


def test_show_prints_the_whole_comment_with_the_email(client, run):
    comment_id = held(client, "Line one.\n\nLine two.")
    code, out, _ = run("show", str(comment_id))
    assert code == 0
    assert f"#{comment_id} [pending] on articles/first (First article), in English" in out
    assert "From: Ann <ann@example.org>" in out
    assert out.rstrip().endswith("Line one.\n\nLine two.")


def test_approve_reject_delete_change_what_the_public_sees(client, run):
    one, two, three = held(client, "One."), held(client, "Two."), held(client, "Three.")
    assert run("approve", str(one), str(two))[0] == 0
    assert [c["id"] for c in public(client)] == [one, two]
    code, out, _ = run("reject", str(two))
    assert (code, out.strip()) == (0, f"Comment {two}: rejected.\n1 comment rejected.")
    assert run("delete", str(one))[0] == 0
    assert public(client) == []
    assert run("list")[1].split()[0] == str(three)
    assert run("list", "--state", "deleted")[1].split()[0] == str(one)  # restorable


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "999"], "there is no comment 999"),
        (["approve", "999"], "there is no comment 999"),
    ],
)
def test_unknown_comment_exits_1_with_a_message(client, run, argv, message):
    code, _, err = run(*argv)
    assert code == 1
    assert message in err


def test_approving_an_approved_comment_again_is_not_an_error(client, run):
    comment_id = held(client, "Approve me.")
    run("approve", str(comment_id))
    code, out, _ = run("approve", str(comment_id))
    assert (code, out.strip()) == (0, "0 comments approved, 1 already approved.")


def test_a_transition_the_rules_refuse_exits_1(client, run):
    comment_id = held(client, "Delete me.")
    run("delete", str(comment_id))
    code, _, err = run("delete", "--all-pending")  # nothing waits: fine
    assert code == 0
    with client.app.state.database.sessions() as session:
        session.get(Comment, comment_id).html = ""  # type: ignore[union-attr]  # erased by the purge
        session.commit()
    code, _, err = run("approve", str(comment_id))
    assert code == 1
    assert "nothing is left to restore" in err


def test_export_then_import_into_an_empty_database_keeps_everything(
    make_client, run, tmp_path, fresh_database_url
):
    source = make_client()
    top = held(source, "Top.")
    run("approve", str(top))
    reply = held(source, "Reply.", parent=top)
    run("approve", str(reply))
    gone = held(source, "Soon rejected.")
    run("reject", str(gone))
    held(source, "Still waiting.")
    held(source, "On the second page.", thread="articles/second")
    run("delete", str(top))  # a placeholder, since it has a reply
    dump = tmp_path / "export.json"
    assert run("export", str(dump))[0] == 0

    code, out, _ = run("import", str(dump), database=fresh_database_url)
    assert (code, out.strip()) == (0, "Imported 2 thread(s) and 5 comment(s).")
    copy = tmp_path / "copy.json"
    run("export", str(copy), database=fresh_database_url)
    original, copied = json.loads(dump.read_text()), json.loads(copy.read_text())
    assert copied["threads"] == original["threads"]
    assert copied["comments"] == original["comments"]
    target = make_client(database_url=fresh_database_url)
    for thread in ("articles/first", "articles/second"):
        assert public(target, thread) == public(source, thread)
    assert run("list", database=fresh_database_url)[1] == run("list")[1]


def test_import_refuses_a_database_that_has_comments(client, run, tmp_path):
    held(client, "Already here.")
    dump = tmp_path / "export.json"
    run("export", str(dump))
    code, _, err = run("import", str(dump))
    assert code == 1
    assert "already has comments" in err
    assert run("list")[1].strip().endswith("1 pending comment(s).")


@pytest.mark.parametrize(
    "content",
    ['{"format": "isso", "version": 1, "threads": [], "comments": []}', "id,name\n1,Ann\n", "[]"],
)
def test_import_refuses_a_file_in_another_format(run, tmp_path, fresh_database_url, content):
    wrong = tmp_path / "wrong.json"
    wrong.write_text(content)
    code, _, err = run("import", str(wrong), database=fresh_database_url)
    assert code == 1
    assert err.startswith("comments import: ")


def test_import_of_a_missing_file_exits_1_with_a_message(run, tmp_path):
    code, _, err = run("import", str(tmp_path / "missing.json"))
    assert code == 1
    assert "missing.json" in err


def test_set_password_from_stdin_then_sign_in_works(client, run, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code, out, _ = run("set-password", "--password-stdin")
    assert code == 0
    assert "password is set" in out
    page = client.get("/admin").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    response = client.post("/admin/login", data={"password": PASSWORD, "csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert "sdm_admin=" in response.headers["set-cookie"]


def test_set_password_refuses_a_short_one(run, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = run("set-password", "--password-stdin")
    assert code == 1
    assert "at least 10 characters" in err


def test_set_password_without_a_terminal_says_to_use_password_stdin(run, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))  # a pipe, not a terminal
    code, out, err = run("set-password")
    assert code == 1
    assert err.startswith("comments set-password: no terminal to type the password in; use --password-stdin")
    assert "password is set" not in out


def test_set_password_run_by_a_script_fails_in_one_line_without_a_traceback(tmp_path):
    # No controlling terminal and nothing on standard input, as under cron or systemd.
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("COMMENTS_")},
        "COMMENTS_DATABASE_URL": f"sqlite:///{tmp_path / 'comments.sqlite3'}",
        "COMMENTS_SECRET_KEY": "test-secret-key",
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "comments"), "set-password"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        start_new_session=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "comments set-password: no terminal to type the password in; use --password-stdin, "
        "e.g. printf '%s\\n' \"$PASSWORD\" | comments set-password --password-stdin"
    ]


def test_backup_of_sqlite_while_another_connection_writes_is_consistent(
    make_client, run, database_url, tmp_path
):
    if not database_url.startswith("sqlite"):
        pytest.skip("online backup is for SQLite")
    client = make_client(rate_per_minute=0, rate_per_hour=0)
    for number in range(30):
        held(client, f"Comment number {number} with some text to fill pages. " * 20)
    path = database_url.removeprefix("sqlite:///")
    # Big enough (about 1,000 pages) that the backup copies it in several steps.
    with sqlite3.connect(path) as filler:
        filler.execute("CREATE TABLE noise (n INTEGER, pad TEXT)")
        filler.executemany("INSERT INTO noise VALUES (?, ?)", [(n, "x" * 3000) for n in range(1000)])
    filler.close()
    stop = threading.Event()
    written = [0]

    def write() -> None:
        # A second connection that keeps committing while the backup copies pages.
        writer = sqlite3.connect(path, timeout=30)
        while not stop.is_set():
            with writer:
                writer.execute("INSERT INTO noise VALUES (?, ?)", (written[0], "y" * 3000))
            written[0] += 1
        writer.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while written[0] < 10:
            stop.wait(0.01)
        before = written[0]
        code, out, _ = run("backup", str(tmp_path / "backup" / "copy.sqlite3"))
        after = written[0]
    finally:
        stop.set()
        writer.join()
    assert code == 0
    assert "Backed up" in out
    assert after > before, "the writer should have committed during the backup"
    copy = sqlite3.connect(tmp_path / "backup" / "copy.sqlite3")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("SELECT count(*) FROM comments").fetchone() == (30,)
        assert 1000 + before <= copy.execute("SELECT count(*) FROM noise").fetchone()[0] <= 1000 + after
    finally:
        copy.close()


def test_backup_on_postgresql_says_to_use_pg_dump(run, database_url, tmp_path):
    if database_url.startswith("sqlite"):
        pytest.skip("this is the PostgreSQL refusal")
    migrate(database_url)
    make_engine(database_url).dispose()
    code, _, err = run("backup", str(tmp_path / "copy.sqlite3"))
    assert code == 1
    assert "pg_dump" in err
    assert not (tmp_path / "copy.sqlite3").exists()


# -- The queue at scale: bulk actions, the audit log, blocks and trust ---------------------


def test_approve_all_pending_on_one_page_is_idempotent_and_counts(client, run):
    first = [held(client, f"On the first page {n}.") for n in range(3)]
    other = held(client, "On the second page.", thread="articles/second")
    code, out, _ = run("approve", "--all-pending", "--page", "articles/first")
    assert code == 0
    assert out.splitlines()[-1] == "3 comments approved."
    assert [c["id"] for c in public(client)] == first
    code, out, _ = run("approve", "--all-pending", "--page", "articles/first")
    assert (code, out.strip()) == (0, "0 comments approved.")
    assert run("list")[1].split()[0] == str(other)


def test_ids_and_all_pending_together_are_refused(client, run):
    comment_id = held(client, "Waiting.")
    code, _, err = run("approve", str(comment_id), "--all-pending")
    assert code == 1
    assert "not both" in err


def test_list_searches_filters_and_says_how_many_match(client, run):
    held(client, "About shoulders.")
    wanted = held(client, "About the lower back.")
    held(client, "Back again, elsewhere.", thread="articles/second")
    code, out, _ = run("list", "--search", "BACK", "--page", "articles/first")
    assert code == 0
    assert out.splitlines()[0].split()[0] == str(wanted)
    assert out.splitlines()[-1] == "1 pending comment(s)."
    assert run("list", "--limit", "1")[1].splitlines()[-1] == "3 pending comment(s) (showing 1 from 1)."


def test_audit_export_names_the_cli_user_the_action_and_the_comment(client, run, tmp_path, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "maria")
    comment_id = held(client, "Audit me.")
    run("approve", str(comment_id))
    run("reject", str(comment_id))
    code, out, _ = run("audit", "--format", "json")
    assert code == 0
    entries = json.loads(out)
    assert [(e["actor"], e["action"], e["comment_id"]) for e in entries] == [
        ("cli maria", "reject", comment_id),
        ("cli maria", "approve", comment_id),
    ]
    assert entries[0]["at"].endswith("Z")
    target = tmp_path / "audit.csv"
    assert run("audit", str(target))[0] == 0
    assert target.read_text().splitlines()[0] == "at,actor,action,comment_id,detail"


def test_block_trust_and_their_lists_from_the_cli(client, run):
    comment_id = held(client, "Block my email.")
    code, out, _ = run("block", str(comment_id), "--email", "--days", "2")
    assert code == 0
    assert out.startswith("Block 1: the email of comment")
    assert "1 block(s) in force." in run("blocks")[1]
    refused = post(client, text="Blocked by email.", email="ann@example.org")
    assert refused.status_code == 403
    assert run("unblock", "1")[0] == 0
    assert run("blocks")[1].strip() == "0 block(s) in force."
    assert run("trust", str(comment_id))[1].strip() == f"The author of comment {comment_id} is trusted."
    assert "trusted" in run("authors")[1]
    code, _, _err = run("block", str(comment_id), "--client")  # posted by TestClient: a key all the same
    assert code == 0


def test_export_writes_every_answer_as_csv_to_standard_output(client, run):
    send(client, AS_JSON, page="/faq/", helpful="no", text="@SUM(A1:A9) and more")
    send(client, AS_JSON, page="/blog/first/", helpful="yes")
    code, out, _ = run("feedback", "export")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["page", "time_utc", "helpful", "text"]
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        ("/faq/", "no", "'@SUM(A1:A9) and more"),
        ("/blog/first/", "yes", ""),
    ]
    assert rows[1][1].endswith("Z")


def test_export_to_a_file_of_one_page_says_how_many(client, run, tmp_path):
    send(client, AS_JSON, page="/faq/", helpful="no")
    send(client, AS_JSON, page="/blog/first/", helpful="yes")
    target = tmp_path / "feedback.csv"
    code, out, err = run("feedback", "export", str(target), "--page", "/faq/")
    assert code == 0
    assert out == ""
    assert "Exported 1 answer(s)" in err
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [r[0] for r in rows] == ["page", "/faq/"]


def test_export_into_a_missing_folder_exits_1_with_a_message(run, tmp_path):
    code, _, err = run("feedback", "export", str(tmp_path / "no" / "such" / "f.csv"))
    assert code == 1
    assert "comments feedback:" in err


def test_approve_all_pending_tells_each_commenter_who_asked(make_client, smtp, run):
    """The CLI approves through core/moderation, so the running service's outbox emails them."""
    inbox, port = smtp
    client = make_client(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)
    asked = post(client, text="Tell me when it is up.", email="ann@example.org", notify=True).json()
    confirmation = inbox.messages[0][1].get_content()
    token = re.search(r"notifications/confirm\?token=([^&\s]+)", confirmation)
    assert token
    client.post("/api/notifications/confirm", data={"token": token.group(1)})
    held(client, "No emails for me.")
    code, out, _ = run("approve", "--all-pending")
    assert (code, out.splitlines()[-1]) == (0, "2 comments approved.")
    state = client.app.state
    run_once(state.database, state.settings, state.signer)
    assert len(inbox.messages) == 2
    recipients, news = inbox.messages[1]
    assert recipients == ["ann@example.org"]
    assert f"#comment-{asked['comment']['id']}" in news.get_content()
