"""Run a Python module under cProfile timed by CPU time, not the clock.

bench/build.py profiles a build to show where our code spends its time. cProfile's
default clock is the wall clock, which on a shared, loaded machine counts the time a
build waits for a core: one profile of the anchor came out slower than ours. The
process's CPU time counts only the work.

    python bench/cpu_profile.py OUT.prof -m mkdocs build ...
"""

from __future__ import annotations

import cProfile
import runpy
import sys
import time


def main() -> int:
    out, flag, module, *args = sys.argv[1:]
    if flag != "-m":
        raise SystemExit("usage: cpu_profile.py OUT.prof -m MODULE [ARGS...]")
    sys.argv = [module, *args]
    profiler = cProfile.Profile(time.process_time)
    code: int | str | None = 0
    profiler.enable()
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        code = stop.code
    finally:
        profiler.disable()
        profiler.dump_stats(out)
    return code if isinstance(code, int) else (0 if code is None else 1)


if __name__ == "__main__":
    sys.exit(main())
