"""Password guessing against comment posting: how long a post takes while 8 clients guess.

`comments serve` (one worker on SQLite, as `make serve` runs it) takes comments from
one poster, one after another: first alone, then while 8 clients guess the moderator's
password as fast as the service answers, each guess from another address (passed in
X-Forwarded-For from a trusted proxy, so no per-client lockout slows them down). The
figure is the median time of a post in each phase.

Scenarios, each on a fresh database with the same settings and requests:
  - this checkout with its default settings (the shared sign-in budget on);
  - this checkout with the shared budget off (COMMENTS_LOGIN_MAX_FAILURES_TOTAL=0), so
    every guess reaches the password check, as before the budget existed;
  - with --against DIR, the comments service in DIR (another checkout's src/, for
    example main's before this change), under the same settings.

    .venv/bin/python bench/login_guessing.py [--against /tmp/main/src] [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PYTHON, ROOT, free_port, median, percentile, print_summary, save_results
from servers import Server
from text_tables import table

GUESSERS = 8
PASSWORD = "bench-moderator-password"
THREAD = "articles/first"
PAGES = {"generated": "2026-12-01T00:00:00+00:00", "threads": {THREAD: {"url": "/a/", "title": "A"}}}


def environment(folder: Path, source: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMMENTS_")}
    pages = folder / "comments-pages.json"
    pages.write_text(json.dumps(PAGES), encoding="utf-8")
    env |= {
        "PYTHONPATH": str(source),
        "COMMENTS_DATABASE_URL": f"sqlite:///{folder / 'comments.sqlite3'}",
        "COMMENTS_SECRET_KEY": "bench-login-guessing-secret-key",
        "COMMENTS_PAGES_FILE": str(pages),
        "COMMENTS_MODERATION": "none",
        "COMMENTS_RATE_PER_MINUTE": "0",
        "COMMENTS_RATE_PER_HOUR": "0",
        "COMMENTS_MIN_SUBMIT_SECONDS": "0",
        "COMMENTS_FORM_TOKEN_MAX_POSTS": "0",
        "COMMENTS_TRUSTED_PROXIES": "127.0.0.1",
        **extra,
    }
    return env


def post_for(base: str, seconds: float, stop: threading.Event) -> list[float]:
    """Post comments one after another for `seconds`; the time each POST took."""
    took: list[float] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        token = client.get("/api/form-token", params={"thread": THREAD}).json()["token"]
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline and not stop.is_set():
            n += 1
            if n % 3 == 0:  # a form token is good for a few posts (when a limit is set)
                token = client.get("/api/form-token", params={"thread": THREAD}).json()["token"]
            body = {
                "thread": THREAD,
                "name": "Poster",
                "text": f"Comment {n} {random.random()}",
                "form_token": token,
            }
            started = time.perf_counter()
            response = client.post("/api/comments", json=body)
            took.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise RuntimeError(f"a post was refused: {response.status_code} {response.text}")
    return took


def guess(base: str, stop: threading.Event, statuses: list[int]) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/admin").text)
        assert csrf, "no sign-in form"
        while not stop.is_set():
            address = f"2001:db8:{random.randrange(65536):x}:{random.randrange(65536):x}::1"
            response = client.post(
                "/admin/login",
                data={"password": f"guess-{random.random()}", "csrf": csrf.group(1)},
                headers={"X-Forwarded-For": address},
            )
            statuses.append(response.status_code)


def scenario(name: str, source: Path, extra: dict[str, str], seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-login-") as folder:
        env = environment(Path(folder), source, extra)
        # The `comments` command of the checkout under test (its src/ is on PYTHONPATH):
        # comments_service.cli is a package without __main__, so call its main().
        cli = [PYTHON, "-c", "import sys; from comments_service.cli import main; sys.exit(main())"]
        subprocess.run(
            [*cli, "set-password", "--password-stdin"], input=PASSWORD, text=True, env=env, check=True
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve = [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)]
        with Server("login-" + re.sub(r"\W+", "-", name), serve, f"{base}/api/health", env=env):
            alone = post_for(base, seconds, threading.Event())
            stop, statuses = threading.Event(), list[int]()
            guessers = [threading.Thread(target=guess, args=(base, stop, statuses)) for _ in range(GUESSERS)]
            for thread in guessers:
                thread.start()
            time.sleep(1)  # let the guessing get going
            started = time.monotonic()
            during = post_for(base, seconds, threading.Event())
            elapsed = time.monotonic() - started
            stop.set()
            for thread in guessers:
                thread.join()
    counts = {str(code): statuses.count(code) for code in sorted(set(statuses))}
    return {
        "scenario": name,
        "median_alone_ms": median(alone) * 1000,
        "median_during_ms": median(during) * 1000,
        "p90_during_ms": percentile(during, 90) * 1000,
        "posts_alone": len(alone),
        "posts_during": len(during),
        "guesses_per_second": len(statuses) / elapsed,
        "guess_statuses": counts,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--against", type=Path, help="another checkout's src/ to measure the same way")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    args = parser.parse_args()
    own = ROOT / "src"
    runs = [
        ("this checkout, default settings", own, {}),
        ("this checkout, shared budget off", own, {"COMMENTS_LOGIN_MAX_FAILURES_TOTAL": "0"}),
    ]
    if args.against:
        runs.append((f"{args.against}", args.against.resolve(), {}))
    results = []
    for name, source, extra in runs:
        print(f"measuring: {name}", flush=True)
        results.append(scenario(name, source, extra, args.seconds))
    rows = [
        [
            r["scenario"],
            r["median_alone_ms"],
            r["median_during_ms"],
            r["p90_during_ms"],
            r["guesses_per_second"],
            ", ".join(f"{code}: {n}" for code, n in r["guess_statuses"].items()),
        ]
        for r in results
    ]
    headers = [
        "Service",
        "Post alone, ms",
        "Post while guessing, ms",
        "p90, ms",
        "Guesses/s",
        "Guess answers",
    ]
    title = f"Median time of a comment post, alone and while {GUESSERS} clients guess the password"
    save_results("login_guessing", {"guessers": GUESSERS, "seconds": args.seconds, "results": results})
    print_summary("login_guessing", [table(title, headers, rows)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
