"""Starting up on a fresh SQLite file: several processes migrating at once all succeed.

`comments serve --workers 2` starts two workers that each run the migrations on
startup; on a new database file they race. Each must either create the schema or
wait and find it already up to date, never fail with "table already exists".
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.reliability.service import COMMENTS, environment, write_pages

ROUNDS = 4


def test_processes_migrating_a_new_sqlite_file_at_the_same_time_all_succeed(tmp_path: Path) -> None:
    failures = []
    for round_ in range(ROUNDS):
        env = environment(f"sqlite:///{tmp_path / f'fresh-{round_}.sqlite3'}", write_pages(tmp_path))
        racers = [
            subprocess.Popen(
                [COMMENTS, "migrate"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            for _ in range(3)
        ]
        for process in racers:
            output, _ = process.communicate(timeout=120)
            if process.returncode != 0:
                failures.append(output[-600:])
    assert not failures, failures[0]
