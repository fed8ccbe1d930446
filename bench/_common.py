"""What every benchmark shares: paths, statistics, the machine, results and the summary.

Every benchmark prints its figures as plain-text tables, last, after a line that
starts with SUMMARY_MARK (bench/run_all.py collects them from there), and writes
the same figures as JSON to bench/results/<name>.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The browser recipe of the tests, so the benchmarks load pages as the tests do.
sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM as CHROMIUM  # noqa: E402
from tests.browser import CHROMIUM_ARGS as CHROMIUM_ARGS  # noqa: E402

# One copy of the port and percentile helpers, the tests' (tests/harness.py): the
# benchmarks already run from the repository and use its browser recipe.
from tests.harness import free_port as free_port  # noqa: E402
from tests.harness import percentile as percentile  # noqa: E402

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


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def ratio(ours: float, theirs: float) -> float:
    return ours / theirs if theirs else float("inf")


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


def run_comments_benchmark(
    name: str, run: Callable[[Path], Coroutine[Any, Any, dict[str, Any]]]
) -> dict[str, Any]:
    """`run(work)` on uvloop in a fresh folder (removed after), timed, its results saved."""
    import uvloop

    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    try:
        results = uvloop.run(run(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["elapsed_seconds"] = time.perf_counter() - started
    save_results(name, results)
    return results


def goal(label: str, met: bool, detail: str) -> str:
    return f"[{'MET ' if met else 'MISS'}] {label}: {detail}"


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
