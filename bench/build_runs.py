"""Building a configuration in a child process and timing it: CPU, wall clock, peak memory,
and, when asked, where a build spends its time (cProfile, summed per stage, hook, plugin).
"""

from __future__ import annotations

import inspect
import os
import pstats
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import BENCH, PYTHON, ROOT, mkdocs_env


@dataclass
class Run:
    wall: float  # seconds on the clock
    cpu: float  # user + system seconds of the build process (the machine may be shared)
    maxrss_mb: float


def build(project: Path, config: str, out: Path, strict: bool, extra: list[str] | None = None) -> Run:
    """One clean build in a child process; its own CPU time and peak memory come from wait4."""
    if out.exists():
        shutil.rmtree(out)
    argv = [PYTHON, *(extra or []), "-m", "mkdocs", "build", "-q", "-f", config, "-d", str(out)]
    if strict:
        argv.insert(argv.index("build") + 1, "--strict")
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=project, env=mkdocs_env(), stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            text = errors.read().decode(errors="replace")
            raise RuntimeError(f"build of {config} failed ({process.returncode}):\n{text[-4000:]}")
    shutil.rmtree(out, ignore_errors=True)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def measure(
    project: Path, configs: dict[str, tuple[str, bool]], runs: int, side_by_side: bool = False
) -> dict[str, list[Run]]:
    """Alternate the configurations, rotating the order each round so drift hits all alike.

    Side by side (2+ cores): each round's builds run at once, as many as there are cores,
    which cuts the wall time; each build's CPU time and peak memory are its own.
    """
    results: dict[str, list[Run]] = {name: [] for name in configs}
    names = list(configs)
    at_once = min(len(names), os.cpu_count() or 1) if side_by_side else 1
    for i in range(runs):
        order = names[i % len(names) :] + names[: i % len(names)]
        with ThreadPoolExecutor(max_workers=at_once) as pool:
            futures = {
                name: pool.submit(
                    build, project, configs[name][0], project / f"out-{name}-{i}", configs[name][1]
                )
                for name in order
            }
            done = {name: future.result() for name, future in futures.items()}
        for name in order:
            run = done[name]
            results[name].append(run)
            print(
                f"  {name:38s} run {i + 1}: {run.cpu:6.2f} s CPU, {run.wall:6.2f} s wall, "
                f"{run.maxrss_mb:4.0f} MB",
                flush=True,
            )
    return results


def _line(function: Any) -> int:
    return int(inspect.getsourcelines(function)[1])


def profile_labels() -> list[tuple[str, str, str, int | None]]:
    """(label, file suffix, function, first line or None): what a cProfile run is summed into."""
    from markdown.extensions.md_in_html import HtmlBlockPreprocessor
    from mkdocs.structure.pages import _RawHTMLPreprocessor

    return [
        ("total: build()", "mkdocs/commands/build.py", "build", None),
        ("Markdown to HTML, all pages (Page.render)", "mkdocs/structure/pages.py", "render", None),
        (
            "  raw HTML: md_in_html block parser",
            "markdown/extensions/md_in_html.py",
            "run",
            _line(HtmlBlockPreprocessor.run),
        ),
        (
            "  raw HTML: MkDocs anchor scan",
            "mkdocs/structure/pages.py",
            "run",
            _line(_RawHTMLPreprocessor.run),
        ),
        ("templates, all pages (_build_page)", "mkdocs/commands/build.py", "_build_page", None),
        ("  sidebar nav (partials/nav.html)", "material/templates/partials/nav.html", "root", None),
        ("  tabs (partials/tabs.html)", "material/templates/partials/tabs.html", "root", None),
        ("  overrides/main.html extrahead", "overrides/main.html", "block_extrahead", None),
        ("  overrides/main.html config", "overrides/main.html", "block_config", None),
        (
            "blog: post excerpts on index/archive/categories",
            "material/plugins/blog/plugin.py",
            "_render",
            None,
        ),
        (
            "blog: url filter wrapper (every link)",
            "material/plugins/blog/plugin.py",
            "url_filter_with_pagination",
            None,
        ),
    ]


PLUGIN_MODULES = {
    "material/plugins/blog/plugin.py": "plugin blog",
    "material/plugins/search/plugin.py": "plugin search",
    "material/plugins/meta/plugin.py": "plugin meta",
    "mkdocs_rss_plugin/plugin.py": "plugin rss",
}


def profile(project: Path, config: str, strict: bool) -> dict[str, float]:
    """cProfile one build (timed by CPU, bench/cpu_profile.py); cumulative seconds per stage,
    hook and plugin event handler."""
    stats_file = project / f"{config}.prof"
    profiler = [str(BENCH / "cpu_profile.py"), str(stats_file)]
    build(project, config, project / "out-prof", strict, extra=profiler)
    stats = pstats.Stats(str(stats_file))
    labels = profile_labels()
    costs: dict[str, float] = {}
    for (filename, lineno, function), row in stats.stats.items():  # type: ignore[attr-defined]
        cumulative = row[3]
        path = filename.replace(os.sep, "/")
        found = None
        for label, suffix, name, first in labels:
            if path.endswith(suffix) and function == name and (first is None or lineno == first):
                found = label
        if found is None and function.startswith("on_"):
            if "/overrides/hooks/" in path or path.startswith("overrides/hooks/"):
                found = f"hook {Path(path).stem}.{function}"
            else:
                found = next((f"{p}.{function}" for s, p in PLUGIN_MODULES.items() if path.endswith(s)), None)
        if found:
            costs[found] = costs.get(found, 0.0) + cumulative
    return costs


def real_site_build(runs: int = 2) -> list[Run]:
    """The real site, clean, strict, as `make build` does (into a temporary folder)."""
    out = Path(tempfile.mkdtemp(prefix="bench-real-site-"))
    try:
        return [build(ROOT, "mkdocs.yml", out / "site", strict=True) for _ in range(runs)]
    finally:
        shutil.rmtree(out, ignore_errors=True)
