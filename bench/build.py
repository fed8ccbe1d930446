"""Build scaling: the project against Material with the same features and plugins, and bare Material.

Generates a synthetic site of 10, 100 and 1,000 realistic pages (bench/synthetic_site.py)
and builds it, alternating, with three configurations (bench/build_configs.py):

* project: the full configuration (mkdocs.yml, overrides/, includes/, data/: hooks,
  plugins and template overrides), `--strict` as the project builds;
* material-plugins, the fair anchor: Material with the same theme features and the same
  plugins (tabs, sections, prune, instant, blog, RSS, search, meta), the same Markdown
  extensions, no hooks, no overrides;
* bare: Material with navigation.prune, the same Markdown extensions, default plugins
  (search), no hooks, no custom_dir.

Each round builds every configuration, in rotating order; on 2+ cores the builds of a
round run side by side, one per core (--sequential: one at a time). Prints median CPU
seconds (user + system of the build process: what the configuration costs, even on a
shared machine), wall seconds and peak memory (each build's own maxrss, from wait4), and
the ratios. Goals at 1,000 pages, on CPU time: our own hooks and overrides add at most
1.10 x over the anchor, and the whole project is at most 1.50 x bare Material. When the
first is missed, one 100-page build of the project and of the anchor is profiled with
cProfile (timed by CPU, bench/cpu_profile.py) and the extra time is shown per stage, hook
and plugin. Also times the real site's clean build.

    .venv/bin/python bench/build.py [--sizes 10,100,1000] [--sequential] [--keep]
    .venv/bin/python bench/build.py --sizes 1000 --baseline main   # before/after in one run
    .venv/bin/python bench/build.py --ablate 500   # what each part costs (not in run_all)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, goal, median, print_summary, ratio, save_results
from build_configs import write_ablations, write_baseline, write_project
from build_runs import Run, build, measure, profile, profile_labels, real_site_build
from synthetic_site import generate
from text_tables import table

GOALS = {"own_code": 1.10, "whole": 1.50}  # x the anchor, x bare Material, at the largest size
RUNS = {10: 3, 100: 3, 1000: 3}  # 3 alternating rounds each: 27 builds, within 5 minutes on 2 quiet cores
CONFIGS = {
    "project": ("mkdocs.yml", True),
    "material-plugins": ("mkdocs-anchor.yml", False),
    "bare": ("mkdocs-bare.yml", False),
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--runs", type=int, help="runs per configuration (default: 3)")
    parser.add_argument("--profile", action="store_true", help="profile even when the goal is met")
    parser.add_argument("--profile-size", type=int, default=100, help="pages of the profiled site")
    parser.add_argument("--ablate", type=int, metavar="PAGES", help="only: cost of each part at PAGES")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects in /tmp")
    parser.add_argument(
        "--baseline", metavar="REF", help="also build the project's overrides and mkdocs.yml as at git REF"
    )
    parser.add_argument(
        "--sequential", action="store_true", help="one build at a time (default: each round side by side)"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        if args.ablate:
            return ablate(work, args.ablate, args.runs or 3)
        return scaling(work, args)
    finally:
        if args.keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def ablate(work: Path, size: int, runs: int) -> int:
    started = time.perf_counter()
    project = work / f"site-{size}"
    write_project(generate(size), project)
    names = write_ablations(project)
    configs = {
        "full project configuration": ("mkdocs.yml", False),
        "bare Material": ("mkdocs-bare.yml", False),
    }
    configs.update({name: (f"mkdocs-ablate-{n}.yml", False) for n, name in enumerate(names)})
    print(f"Ablation at {size} pages, {runs} rounds", flush=True)
    measured = measure(project, configs, runs)
    full = median([r.cpu for r in measured["full project configuration"]])
    bare = median([r.cpu for r in measured["bare Material"]])
    rows = []
    for name, runs_ in measured.items():
        cpu = median([r.cpu for r in runs_])
        share = (full - cpu) / (full - bare) if full != bare else None
        rows.append([name, cpu, full - cpu, share, ratio(cpu, bare), median([r.maxrss_mb for r in runs_])])
    save_results(
        "build_ablation",
        {
            "size": size,
            "runs": runs,
            "cpu_seconds": {name: [r.cpu for r in runs_] for name, runs_ in measured.items()},
            "wall_seconds": {name: [r.wall for r in runs_] for name, runs_ in measured.items()},
            "elapsed_seconds": time.perf_counter() - started,
        },
    )
    title = (
        f"What each part of the project configuration costs at {size} pages "
        "(median CPU seconds of the build; saved = full minus variant)"
    )
    headers = ["configuration", "CPU s", "saved s", "share of extra", "x bare", "MB"]
    print_summary("build_ablation", [table(title, headers, rows)])
    return 0


def figures_of(measured: dict[str, list[Run]], size: int, words: int, runs: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"pages": size, "words": words, "runs": runs}
    for name, runs_ in measured.items():
        figures[name] = {
            "cpu_seconds": [r.cpu for r in runs_],
            "wall_seconds": [r.wall for r in runs_],
            "maxrss_mb": [r.maxrss_mb for r in runs_],
            "median_cpu": median([r.cpu for r in runs_]),
            "median_wall": median([r.wall for r in runs_]),
            "median_maxrss_mb": median([r.maxrss_mb for r in runs_]),
        }
    for ours, prefix in (("project", "ratio"), ("baseline", "baseline_ratio")):
        for anchor in ("material-plugins", "bare"):
            for key, field_ in (
                ("cpu", "median_cpu"),
                ("wall", "median_wall"),
                ("memory", "median_maxrss_mb"),
            ):
                if ours in figures:
                    figures[f"{prefix}_{key}_{anchor}"] = ratio(
                        figures[ours][field_], figures[anchor][field_]
                    )
    return figures


def measure_size(
    work: Path, size: int, args: argparse.Namespace, first: bool, side_by_side: bool
) -> dict[str, Any]:
    project = work / f"site-{size}"
    spec = generate(size)
    write_project(spec, project)
    configs = dict(CONFIGS)
    if args.baseline:
        configs["baseline"] = (write_baseline(project, args.baseline), True)
    words = sum(len(text.split()) for text in spec.files.values())
    print(f"{size} pages, {words:,} words", flush=True)
    if first:  # warm the disk cache and imports once (and the precompressed cache), untimed
        for config, strict in configs.values():
            build(project, config, project / "out-warm", strict)
    runs = args.runs or RUNS.get(size, 3)
    figures = figures_of(measure(project, configs, runs, side_by_side=side_by_side), size, words, runs)
    if not args.keep:
        shutil.rmtree(project)
    return figures


def profile_rows(work: Path, size: int) -> tuple[list[list[Any]], dict[str, Any]]:
    """cProfile one `size`-page build of the project and of the anchor: where the extra goes."""
    print(f"Profiling one {size}-page build of the project and of the anchor (cProfile)", flush=True)
    project = work / f"profile-{size}"
    write_project(generate(size), project)
    # Untimed, as before the timed builds: fills precompress.py's cache (var/cache in the
    # project), which every timed build of the project reads; unprofiled it is 1.2 s of zopfli.
    build(project, "mkdocs.yml", project / "out-warm", strict=True)
    ours_costs = profile(project, "mkdocs.yml", strict=True)
    anchor_costs = profile(project, "mkdocs-anchor.yml", strict=False)
    ordered = [label for label, *_ in profile_labels()]
    ordered += sorted(
        (k for k in set(ours_costs) | set(anchor_costs) if k not in ordered),
        key=lambda k: -ours_costs.get(k, 0),
    )
    rows = []
    for label in ordered:
        a, b = ours_costs.get(label), anchor_costs.get(label)
        if max(a or 0.0, b or 0.0) >= 0.02:
            rows.append([label, a, b, (a or 0.0) - (b or 0.0)])
    return rows, {"size": size, "project": ours_costs, "material-plugins": anchor_costs}


def scaling(work: Path, args: argparse.Namespace) -> int:
    sizes = sorted(int(s) for s in args.sizes.split(","))
    started = time.perf_counter()
    side_by_side = not args.sequential and (os.cpu_count() or 1) >= 2
    results: dict[str, Any] = {
        "sizes": {},
        "goals": GOALS,
        "load_before": os.getloadavg(),
        "side_by_side": side_by_side,
        "baseline": args.baseline,
    }
    print(f"Working in {work}", flush=True)
    real = real_site_build()
    results["real_site"] = [vars(r) for r in real]
    print("real site clean build: " + ", ".join(f"{r.cpu:.2f} s CPU / {r.wall:.2f} s wall" for r in real))
    for n, size in enumerate(sizes):
        results["sizes"][size] = measure_size(work, size, args, n == 0, side_by_side)
    largest = results["sizes"][sizes[-1]]
    rows: list[list[Any]] = []
    if largest["ratio_cpu_material-plugins"] > GOALS["own_code"] or args.profile:
        rows, results["profile"] = profile_rows(work, args.profile_size)
    results["load_after"] = os.getloadavg()
    results["elapsed_seconds"] = time.perf_counter() - started
    save_results("build", results)
    report(results, real, rows, args.profile_size)
    return 0


def scaling_table(results: dict[str, Any]) -> str:
    names = ("project", "material-plugins", "bare")
    ratios = (
        "ratio_cpu_material-plugins",
        "ratio_cpu_bare",
        "ratio_wall_material-plugins",
        "ratio_wall_bare",
    )
    rows = [
        [size, f["runs"], *(f[n]["median_cpu"] for n in names), *(f[r] for r in ratios),
         *(f[n]["median_maxrss_mb"] for n in names)]
        for size, f in results["sizes"].items()
    ]  # fmt: skip
    rows += [
        [f"{size} (baseline {results['baseline']})", f["runs"], f["baseline"]["median_cpu"],
         f["material-plugins"]["median_cpu"], f["bare"]["median_cpu"],
         *(f[f"baseline_{r}"] for r in ratios), f["baseline"]["median_maxrss_mb"],
         f["material-plugins"]["median_maxrss_mb"], f["bare"]["median_maxrss_mb"]]
        for size, f in results["sizes"].items()
        if "baseline" in f
    ]  # fmt: skip
    how = "one build at a time"
    if results["side_by_side"]:
        how = "each round's builds side by side, one per core"
    return table(
        "Build: the project vs Material with the same features and plugins (anchor: no hooks, no overrides) "
        f"and vs bare Material with prune (medians; CPU = user+system seconds of the build process; {how})",
        ["pages", "runs", "ours CPU", "anchor CPU", "bare CPU", "x anchor", "x bare", "wall x anchor",
         "wall x bare", "ours MB", "anchor MB", "bare MB"],
        rows,
    )  # fmt: skip


def report(
    results: dict[str, Any], real: list[Run], profile_rows_: list[list[Any]], profile_size: int
) -> None:
    real_row = [
        len(list((ROOT / "docs").rglob("*.md"))),
        median([r.cpu for r in real]),
        median([r.wall for r in real]),
        median([r.maxrss_mb for r in real]),
    ]
    tables = [
        scaling_table(results),
        table(
            "Real site (docs/), clean `mkdocs build --strict`",
            ["pages", "median CPU s", "median wall s", "MB"],
            [real_row],
        ),
    ]
    if profile_rows_:
        title = (
            f"cProfile, one {profile_size}-page build of the project and of the anchor (cumulative CPU "
            "seconds under the profiler; hooks and plugins: their on_* handlers)"
        )
        tables.append(table(title, ["where", "ours s", "anchor s", "extra s"], profile_rows_))
    size, big = max(results["sizes"].items())
    own, whole = big["ratio_cpu_material-plugins"], big["ratio_cpu_bare"]
    notes = [
        goal(
            f"our hooks and overrides <= {GOALS['own_code']:.2f} x Material with the same features and "
            f"plugins at {size} pages (CPU)",
            own <= GOALS["own_code"],
            f"{own:.3f} x ({big['project']['median_cpu']:.2f} s vs "
            f"{big['material-plugins']['median_cpu']:.2f} s)",
        ),
        goal(
            f"whole project <= {GOALS['whole']:.2f} x bare Material at {size} pages (CPU)",
            whole <= GOALS["whole"],
            f"{whole:.3f} x ({big['project']['median_cpu']:.2f} s vs {big['bare']['median_cpu']:.2f} s)",
        ),
        f"Load average before/after: {results['load_before'][0]:.2f} / {results['load_after'][0]:.2f} "
        f"on {os.cpu_count()} cores. Total time of this benchmark: {results['elapsed_seconds']:.0f} s.",
    ]
    print_summary("build", tables, notes)


if __name__ == "__main__":
    sys.exit(main())
