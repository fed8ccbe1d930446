"""Run every benchmark in sequence (`make bench`), then print all their tables together.

Each benchmark runs as its own process with its output shown as it goes; at the
end, each one's summary (what follows its "summary" line, or its whole output when
it prints a single table, as bench/readability.py does) is printed again, in order,
then how long each took against its budget of BUDGET_SECONDS (a benchmark is sized to
fit it on a quiet machine; on a loaded one it is printed over budget, not stopped).
Figures are in bench/results/<name>.json. Exits non-zero when a benchmark did.

    .venv/bin/python bench/run_all.py [--only build,lighthouse]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCH, ROOT, SUMMARY_MARK, machine
from text_tables import table

BUDGET_SECONDS = 300  # each benchmark's time budget, so `make bench` fits an afternoon

BENCHMARKS = [
    "build",
    "page_weight",
    "two_editions",
    "feedback_weight",
    "comments_vs_isso",
    "comments_mixed",
    "login_guessing",
    "lighthouse",
    "readability",
    "preview_latency",
    "moderation_queue",
]
# Arguments beyond a benchmark's defaults: the moderation queue on PostgreSQL too, as
# the comments benchmarks are, so the README's tables come from one run.
ARGUMENTS = {"moderation_queue": ["--postgres"]}


def run(name: str) -> tuple[int, str, float]:
    """Run bench/<name>.py, echoing its output; returns exit code, output and seconds."""
    print(f"\n#### bench/{name}.py {' '.join(ARGUMENTS.get(name, []))}".rstrip(), flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(BENCH / f"{name}.py"), *ARGUMENTS.get(name, [])],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line)
    return process.wait(), "".join(lines), time.perf_counter() - started


def summary_of(output: str) -> str:
    start = output.rfind(SUMMARY_MARK)
    if start < 0:
        return output.strip()
    return output[start:].strip()


def durations(outcomes: list[tuple[str, int, str, float]]) -> str:
    rows = [
        [name, seconds, "yes" if seconds <= BUDGET_SECONDS else "OVER", code]
        for name, code, _, seconds in outcomes
    ]
    rows.append(["all", sum(seconds for *_, seconds in outcomes), "", ""])
    return table(
        f"How long each benchmark took (wall seconds; budget {BUDGET_SECONDS} s each; load average now "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)",
        ["benchmark", "seconds", "within budget", "exit"],
        rows,
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", help="comma-separated subset of: " + ", ".join(BENCHMARKS))
    args = parser.parse_args()
    chosen = args.only.split(",") if args.only else BENCHMARKS
    info = machine()
    print(f"Benchmarks on {info['cores']} cores ({info['cpu']}), Python {info['python']}", flush=True)
    outcomes = []
    for name in chosen:
        if not (BENCH / f"{name}.py").exists():
            print(f"\n#### bench/{name}.py is not there; skipped", flush=True)
            continue
        outcomes.append((name, *run(name)))

    print("\n\n################ every benchmark's tables ################")
    for name, code, output, seconds in outcomes:
        print(f"\n#### {name} (exit {code}, {seconds:.0f} s)")
        print(summary_of(output))
    print()
    print(durations(outcomes))
    failed = [name for name, code, *_ in outcomes if code != 0]
    print()
    print("All benchmarks exited 0." if not failed else f"Exited non-zero: {', '.join(failed)}.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
