"""Shared helpers for the benchmarks: paths, tables, free ports, servers, statistics, results.

Every benchmark prints its figures as plain-text tables, last, after a line that
starts with SUMMARY_MARK (bench/run_all.py collects them from there), and writes
the same figures as JSON to bench/results/<name>.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The browser recipe of the tests, so the benchmarks load pages as the tests do.
sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM as CHROMIUM  # noqa: E402
from tests.browser import CHROMIUM_ARGS as CHROMIUM_ARGS  # noqa: E402

BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
SUMMARY_MARK = "======== summary: "


def mkdocs_env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("SITE_URL", None)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return float(ordered[rank - 1])


def ratio(ours: float, theirs: float) -> float:
    return ours / theirs if theirs else float("inf")


def fmt(value: Any, digits: int = 2) -> str:
    if isinstance(value, bool) or value is None:
        return "-" if value is None else ("yes" if value else "no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        if value == float("inf"):
            return "inf"
        return f"{value:,.{digits}f}"
    return str(value)


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table: text columns left-aligned, numbers right-aligned."""
    cells = [[fmt(c) for c in row] for row in rows]
    numeric = [
        all(isinstance(row[i], (int, float)) or row[i] is None for row in rows) if rows else False
        for i in range(len(headers))
    ]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(widths[i]) if numeric[i] else v.ljust(widths[i]) for i, v in enumerate(values)
        ).rstrip()

    out = [title, line(headers), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    return "\n".join(out)


def print_summary(name: str, tables: Sequence[str], notes: Sequence[str] = ()) -> None:
    """The last thing a benchmark prints: its tables and its goal verdicts."""
    print()
    print(f"{SUMMARY_MARK}{name} ({machine()['cpu']}, {machine()['cores']} cores) ========")
    for text in tables:
        print(text)
        print()
    for note in notes:
        print(note)
    sys.stdout.flush()


def machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def save_results(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    document = {
        "benchmark": name,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        **data,
    }
    path.write_text(json.dumps(document, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"Figures written to {path.relative_to(ROOT)}", flush=True)
    return path


def goal(label: str, met: bool, detail: str) -> str:
    return f"[{'MET ' if met else 'MISS'}] {label}: {detail}"


def wait_http(url: str, timeout: float = 30.0, process: subprocess.Popen[bytes] | None = None) -> None:
    """Wait until `url` answers (any status below 500)."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
            last = error
        except OSError as error:
            last = error
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s ({last})")


class Server:
    """A server process in its own process group, stopped (group and all) on exit."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        ready_url: str,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        log: Path | None = None,
        timeout: float = 60.0,
    ):
        self.name, self.argv, self.ready_url = name, list(argv), ready_url
        self.env, self.cwd, self.timeout = env, cwd, timeout
        self.log = log or Path(tempfile.gettempdir()) / f"bench-{name}-{os.getpid()}.log"
        self._own_log = log is None  # removed after a clean stop, kept when something failed
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        handle = self.log.open("wb")
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=self.cwd,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: workers are stopped with it
        )
        handle.close()
        try:
            wait_http(self.ready_url, self.timeout, self.process)
        except BaseException:
            self.stop()
            print(self.log.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.stop()
        if self._own_log and kind is None:
            self.log.unlink(missing_ok=True)

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except (ProcessLookupError, PermissionError):
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def build_real_site(dest: Path, quiet: bool = True) -> float:
    """The real site, both editions, built strictly into `dest` as `make build` does
    (scripts/build_site.py); returns seconds."""
    start = time.perf_counter()
    subprocess.run(
        [PYTHON, str(ROOT / "scripts" / "build_site.py"), "--site-dir", str(dest)]
        + (["--quiet"] if quiet else []),
        cwd=ROOT,
        env=mkdocs_env(),
        check=True,
    )
    return time.perf_counter() - start


def markdown_extensions_block(config_text: str | None = None) -> str:
    """The `markdown_extensions:` section of mkdocs.yml, verbatim (bare Material uses the same)."""
    text = config_text if config_text is not None else (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("markdown_extensions:")
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if line and not line.startswith((" ", "\t")):
            break
        block.append(line)
    while block and not block[-1].strip():
        block.pop()
    return "\n".join(block) + "\n"


def nav_section(config_text: str | None = None) -> str:
    """The `nav:` section of mkdocs.yml, verbatim (it is the file's last section)."""
    text = config_text if config_text is not None else (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return text[text.index("\nnav:\n") + 1 :]


# Comment texts: ~330 characters of Markdown with emphasis and a link, unique per `n`
# (a thread refuses a repeat). The sentences come from the site's own prose, so the
# texts compress like real English rather than like a handful of repeated lines.
_POOL: list[str] = []


def _sentences() -> list[str]:
    if not _POOL:
        for path in sorted((ROOT / "docs").rglob("*.md")):
            if path.parent.name in ("contributing", "site"):  # the handbook reads like a manual
                continue
            text = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
            for line in text.splitlines():
                line = line.strip()
                if not line or line[0] in "#|!?-*<:=>`[{0123456789" or line.startswith("    "):
                    continue
                line = re.sub(r"\s*\[@[A-Za-z0-9]+\]", "", line)
                line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line).replace("**", "").replace("`", "")
                for sentence in re.split(r"(?<=[.?!])\s+", line):
                    if (
                        50 <= len(sentence) <= 150
                        and sentence.count(" ") >= 6
                        and not re.search(r"[\[\]<>*_{}|]", sentence)
                    ):
                        _POOL.append(sentence)
    return _POOL


def comment_text(n: object) -> str:
    rng = random.Random(str(n))
    pool = rng.sample(_sentences(), 8)
    chosen: list[str] = []
    while sum(len(c) + 1 for c in chosen) < 270:
        chosen.append(pool.pop())
    words = chosen[0].split(" ")
    k = rng.randrange(1, len(words) - 1)
    words[k] = f"*{words[k]}*"  # emphasis on one word
    chosen[0] = " ".join(words)
    chosen[-1] = chosen[-1].rstrip(".?!") + f" ([notes](https://example.org/n/{n}))."
    return " ".join(chosen)[:1000]


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds used so far by the live processes of a process group."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks
