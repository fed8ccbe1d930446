"""Build scaling: the project's MkDocs configuration against bare Material.

Generates a synthetic site of 10, 100 and 1,000 realistic pages (headings, lists,
tables, admonitions, tabs, glossary terms, links, citations with valid front
matter, pages in folders with a nav, a blog) and builds it, alternating, with

* the project's full configuration (mkdocs.yml, overrides/, includes/, data/:
  hooks, plugins and template overrides), `--strict` as the project builds, and
* bare Material: theme material with navigation.prune, the same
  markdown_extensions, default plugins (search), no hooks, no custom_dir.

Each round builds both configurations, in rotating order; on 2+ cores the two
builds of a round run side by side, one per core, so that 3 rounds at 1,000 pages
fit in the 5-minute budget (--sequential: one at a time). Prints median CPU
seconds (user + system of the build process: what the configuration costs, even
on a shared machine), wall seconds and peak memory (each build's own maxrss, from
wait4), and the ratios; the goal is at most 1.10 x bare Material at 1,000 pages,
judged on CPU time. When it is missed, one 100-page build of each is profiled with
cProfile and the extra time is shown per stage, hook and plugin. Also times the
real site's clean build.

    .venv/bin/python bench/build.py [--sizes 10,100,1000] [--sequential] [--keep]
    .venv/bin/python bench/build.py --ablate 500   # what each part costs (not in run_all)
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import os
import posixpath
import pstats
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    PYTHON,
    ROOT,
    goal,
    markdown_extensions_block,
    median,
    mkdocs_env,
    print_summary,
    ratio,
    save_results,
    table,
)

GOAL_RATIO = 1.10
RUNS = {10: 5, 100: 5, 1000: 3}  # 3 alternating pairs at 1,000 pages keeps us under 5 minutes
FOLDER_PAGES = 10  # pages per topic folder (its index included)
SECTION_FOLDERS = 10  # topic folders per top-level section

# -- Synthetic content ----------------------------------------------------------------

SUBJECTS = [
    "Low back pain",
    "Neck pain",
    "Shoulder stiffness",
    "Tension headaches",
    "Fibromyalgia",
    "Anxiety and stress",
    "Sports recovery",
    "Lymphedema",
    "Knee osteoarthritis",
    "Sleep problems",
    "Pregnancy discomfort",
    "Desk work strain",
]
SENTENCES = [
    "Massage may help some people with {subject_l} feel better for a short time.",
    "Most trials were small, and many did not hide from participants which treatment they got.",
    "A {term} pooled the results of several trials on this question.",
    "The benefit, when there was one, faded within weeks after the sessions ended.",
    "Ask your clinician before you book if you take an {term2} or have a known clot.",
    "Sessions of 60 minutes seemed to work better than 30-minute sessions in one trial.",
    "People often report less tension and better sleep after a session.",
    "The research cannot yet say which technique works best for {subject_l}.",
    "A therapist certified by CAMTC has completed at least 500 hours of training.",
    "Side effects were mostly mild, such as soreness the next day.",
    "Compared with a sham treatment, the difference was small and uncertain.",
    "Some clinics in San Diego describe this as medical or clinical massage.",
    "Keep seeing your doctor: massage works best as an add-on to usual care.",
    "Researchers rated the certainty of evidence as low because of risk of bias.",
    "Stop and seek help if pain spreads down a leg or comes with numbness.",
    "Insurance rarely pays for massage, but an HSA or FSA sometimes can.",
    "A letter of medical necessity may be needed before a plan will pay.",
    "Gentle pressure is usually enough; deep pressure is not always better.",
    "Tell your therapist about any surgery, medicine or condition you have.",
    "The trials measured pain on a scale from 0 to 10 before and after treatment.",
]
ANTI = "anticoagulant"
RESULTS = ["Small benefit", "No clear difference", "Better than wait list"]
TERMS = [
    "systematic review",
    "meta-analysis",
    "randomized controlled trial",
    "Cochrane review",
    "sham",
    "placebo",
    "trigger point",
    "fascia",
    "chronic pain",
    "DVT",
    "GRADE",
    "RCT",
]


@dataclass
class SiteSpec:
    """The synthetic site: Markdown files by path, and the nav."""

    files: dict[str, str] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)


def load_keys() -> list[str]:
    data = yaml.safe_load((ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))
    return [str(key) for key in data["sources"]]


def load_terms() -> list[str]:
    text = (ROOT / "includes" / "abbreviations.md").read_text(encoding="utf-8")
    return re.findall(r"^\*\[([^\]]+)\]:", text, re.MULTILINE)


def front_matter(fields: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1000) + "---\n\n"


def paragraph(
    rng: random.Random, subject: str, keys: list[str], terms: list[str], cite: bool = True, sentences: int = 3
) -> str:
    out = []
    for _ in range(sentences):
        sentence = rng.choice(SENTENCES).format(
            subject_l=subject.lower(), term=rng.choice(TERMS), term2="anticoagulant"
        )
        if rng.random() < 0.3:
            sentence = sentence[:-1] + f", a point that matters for {rng.choice(terms)}."
        if cite and keys and rng.random() < 0.5:
            sentence = sentence[:-1] + f" [@{rng.choice(keys)}]" + sentence[-1]
        out.append(sentence)
    return " ".join(out)


def description(subject: str, number: int) -> str:
    text = (
        f"What research says about massage for {subject.lower()}, part {number}: "
        "benefits, limits, safety and sources."
    )
    return text[:160]


def topic_page(
    rng: random.Random, title: str, subject: str, keys: list[str], terms: list[str], links: list[str]
) -> str:
    chosen = rng.sample(keys, 5)
    meta = {
        "title": title,
        "description": description(subject, rng.randint(1, 99)),
        "last_reviewed": dt.date.today() - dt.timedelta(days=rng.randint(0, 300)),
        "health": True,
        "sources": chosen,
        "condition": subject,
    }
    rows = "\n".join(
        f"| {rng.choice(['Sherman', 'Furlan', 'Gross', 'Field', 'Moyer'])} {2000 + rng.randint(0, 24)} "
        f"| {rng.randint(20, 900)} | {rng.choice(RESULTS)} |"
        for _ in range(4)
    )
    link_text = " ".join(f"See also [{name}]({target})." for name, target in links)
    p = lambda cite=True: paragraph(rng, subject, chosen, terms, cite)  # noqa: E731
    return (
        front_matter(meta)
        + f"# {title}\n\n"
        + f'!!! abstract "In short"\n\n    {p()}\n\n'
        + f"{p()}\n\n"
        + "## What the research found\n\n"
        + f"{p()}\n\n{p()}\n\n"
        + "".join(
            f"- {rng.choice(SENTENCES).format(subject_l=subject.lower(), term='GRADE', term2=ANTI)}\n"
            for _ in range(4)
        )
        + "\n### A closer look at the trials\n\n"
        + "| Trial | People | Result |\n|---|---:|---|\n"
        + rows
        + "\n\n## What a session may feel like\n\n"
        + f'=== "First visit"\n\n    {p(False)}\n\n'
        + f'=== "Later visits"\n\n    {p(False)}\n\n'
        + "## Safety\n\n"
        + f'!!! warning "Talk with your clinician"\n\n    {p()}\n\n'
        + f"{p()} {link_text}\n\n"
        + "## Summary\n\n"
        + f"{p()}\n"
    )


def generate(pages: int, seed: int = 2026) -> SiteSpec:
    """Exactly `pages` Markdown pages: home, FAQ, glossary, blog index, posts and topic pages."""
    rng = random.Random(seed + pages)
    keys, terms = load_keys(), load_terms()
    spec = SiteSpec()
    posts = max(2, pages // 20)
    topics = pages - 4 - posts
    if topics < 2:
        raise ValueError("at least 8 pages")
    today = dt.date.today()

    # Topic pages in section/topic folders, each folder with an index page.
    paths: list[tuple[str, str, str]] = []  # (path, title, subject)
    folder = 0
    while len(paths) < topics:
        section, topic = divmod(folder, SECTION_FOLDERS)
        subject = SUBJECTS[folder % len(SUBJECTS)]
        base = f"section-{section + 1:02d}/topic-{topic + 1:02d}"
        count = min(FOLDER_PAGES, topics - len(paths))
        for i in range(count):
            name = "index.md" if i == 0 else f"page-{i:02d}.md"
            title = f"{subject}: overview {folder + 1}" if i == 0 else f"{subject}: question {folder + 1}.{i}"
            paths.append((f"{base}/{name}", title, subject))
        folder += 1
    for n, (path, title, subject) in enumerate(paths):
        targets = [paths[(n + step) % len(paths)] for step in (1, 7)]
        links = [
            (target_title, posixpath.relpath(target_path, posixpath.dirname(path)))
            for target_path, target_title, _ in targets
            if target_path != path
        ]
        spec.files[path] = topic_page(rng, title, subject, keys, terms, links)

    # The nav: sections > topic folders > pages, like the real site's sections.
    sections: dict[str, dict[str, list[Any]]] = {}
    for path, title, _ in paths:
        section, topic, name = path.split("/")
        entry: Any = path if name == "index.md" else {title: path}
        sections.setdefault(section, {}).setdefault(topic, []).append(entry)
    spec.nav.append({"Home": "index.md"})
    for section, topics_ in sections.items():
        spec.nav.append(
            {
                f"Section {section[-2:]}": [
                    {f"Topic {topic[-2:]}": entries} for topic, entries in topics_.items()
                ]
            }
        )

    # Blog: an index and posts; citations only below the excerpt marker.
    spec.files["blog/index.md"] = (
        front_matter(
            {
                "title": "Articles",
                "description": "Articles from the editorial team on medical massage, research and safety.",
                "last_reviewed": today,
            }
        )
        + "# Articles\n"
    )
    for i in range(posts):
        subject = SUBJECTS[i % len(SUBJECTS)]
        chosen = rng.sample(keys, 6)
        slug = f"article-{i + 1:03d}"
        meta = {
            "title": f"{subject}: what the research says ({i + 1})",
            "description": description(subject, i + 1),
            "last_reviewed": today,
            "date": {"created": today - dt.timedelta(days=i + 1)},
            "slug": slug,
            "categories": [rng.choice(["Research", "Safety", "Getting started"])],
            "sources": chosen,
        }
        body = "\n\n".join(paragraph(rng, subject, chosen, terms) for _ in range(6))
        spec.files[f"blog/posts/{slug}.md"] = (
            front_matter(meta)
            + f"# {meta['title']}\n\n{paragraph(rng, subject, [], terms, cite=False)}\n\n<!-- more -->\n\n"
            + f"## The research\n\n{body}\n"
        )
        spec.posts.append(f"blog/posts/{slug}.md")
    spec.nav.append({"Articles": ["blog/index.md"]})

    # Home (latest articles, grid cards), FAQ (question blocks), glossary.
    chosen = rng.sample(keys, 4)
    cards = "\n".join(
        f"-   :material-book-open-variant:{{ .lg .middle }} **[{title}]({path})**\n\n    ---\n\n"
        f"    {paragraph(rng, subject, [], terms, cite=False)}\n"
        for path, title, subject in paths[:4]
    )
    spec.files["index.md"] = (
        front_matter(
            {
                "title": "Medical massage in San Diego",
                "description": "Plain-language guide to medical massage: what it is, the research, safety.",
                "last_reviewed": today,
                "health": True,
                "sources": chosen,
                "latest_articles": 3,
                "hide": ["navigation", "toc"],
            }
        )
        + f"# Medical massage in San Diego\n\n{paragraph(rng, 'pain', chosen, terms)}\n\n"
        + f'## Start here\n\n<div class="grid cards" markdown>\n\n{cards}\n</div>\n'
    )
    chosen = rng.sample(keys, 8)
    questions = "\n".join(
        f'??? question "Does massage help with {subject.lower()}?"\n\n'
        f"    {paragraph(rng, subject, chosen, terms)}\n"
        for subject in SUBJECTS
    )
    spec.files["faq.md"] = (
        front_matter(
            {
                "title": "Frequently asked questions",
                "description": "Short answers on medical massage: insurance, HSA and FSA, safety, pregnancy.",
                "last_reviewed": today,
                "faq": True,
                "health": True,
                "sources": chosen,
            }
        )
        + f"# Frequently asked questions\n\n{questions}"
    )
    spec.files["glossary.md"] = (
        front_matter(
            {
                "title": "Glossary",
                "description": "Plain-language definitions of the medical and massage terms on this site.",
                "last_reviewed": today,
                "glossary": True,
            }
        )
        + "# Glossary\n\nEvery term below also shows as a tooltip where it appears on the site.\n"
    )
    spec.nav += [{"FAQ": "faq.md"}, {"Glossary": "glossary.md"}]
    assert len(spec.files) == pages, (len(spec.files), pages)
    return spec


# -- The two configurations -----------------------------------------------------------


def write_project(spec: SiteSpec, where: Path) -> None:
    """A temporary project: the real configuration, overrides, includes and data, synthetic docs."""
    if where.exists():
        shutil.rmtree(where)
    docs = where / "docs"
    for name in ("overrides", "includes", "data"):
        shutil.copytree(ROOT / name, where / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    for path, text in spec.files.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for extra in ("blog/.authors.yml", "blog/posts/.meta.yml"):
        shutil.copy2(ROOT / "docs" / extra, docs / extra)

    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config[: config.index("\nnav:\n") + 1]
    nav = yaml.safe_dump({"nav": spec.nav}, sort_keys=False, allow_unicode=True, width=1000)
    (where / "mkdocs.yml").write_text(config + nav, encoding="utf-8")

    bare_nav = [*spec.nav[:-3], {"Articles": ["blog/index.md", *spec.posts]}, *spec.nav[-2:]]
    bare = (
        "site_name: Medical Massage San Diego\n"
        "site_url: http://127.0.0.1:8000/\n"
        "theme:\n  name: material\n  features:\n    - navigation.prune\n"
        + markdown_extensions_block(config)
        + yaml.safe_dump({"nav": bare_nav}, sort_keys=False, allow_unicode=True, width=1000)
    )
    (where / "mkdocs-bare.yml").write_text(bare, encoding="utf-8")


# -- Ablation: the project configuration minus one part at a time -------------------------

ABLATIONS: dict[str, list[tuple[str, str]]] = {
    # name: [(regex, replacement)] applied to the project's mkdocs.yml
    "without navigation.tabs and .sections": [
        (r"\n    - navigation\.tabs\n", "\n"),
        (r"\n    - navigation\.sections\n", "\n"),
    ],
    "without blog and rss plugins": [
        (r"\n  blog:\n(?:    .*\n)+", "\n"),
        (r"\n  rss:\n(?:    .*\n)+", "\n"),
    ],
    "without sources hook": [(r"\n  - overrides/hooks/sources\.py\n", "\n")],
    "without custom_dir overrides": [(r"\n  custom_dir: overrides\n", "\n")],
    "search with default separator": [(r"\n  search:\n    separator: .*\n", "\n  search: {}\n")],
}


def write_ablations(project: Path) -> list[str]:
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    names = []
    for n, (name, edits) in enumerate(ABLATIONS.items()):
        variant = text
        for pattern, replacement in edits:
            variant, count = re.subn(pattern, replacement, variant)
            if count == 0:
                raise RuntimeError(f"ablation '{name}': {pattern!r} not found in mkdocs.yml")
        (project / f"mkdocs-ablate-{n}.yml").write_text(variant, encoding="utf-8")
        names.append(name)
    return names


# -- Building and measuring -------------------------------------------------------------------


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

    Side by side (two configurations, 2+ cores): each round builds both at once, one per
    core, which halves the wall time; each build's CPU time and peak memory are its own.
    """
    results: dict[str, list[Run]] = {name: [] for name in configs}
    names = list(configs)
    for i in range(runs):
        order = names[i % len(names) :] + names[: i % len(names)]
        done: dict[str, Run] = {}
        failures: list[BaseException] = []

        def one(
            name: str, done: dict[str, Run] = done, failures: list[BaseException] = failures, i: int = i
        ) -> None:
            config, strict = configs[name]
            try:
                done[name] = build(project, config, project / f"out-{name}-{i}", strict)
            except BaseException as error:  # re-raised below, in the main thread
                failures.append(error)

        if side_by_side:
            threads = [threading.Thread(target=one, args=(name,)) for name in order]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            for name in order:
                one(name)
        if failures:
            raise failures[0]
        for name in order:
            run = done[name]
            results[name].append(run)
            print(
                f"  {name:38s} run {i + 1}: {run.cpu:6.2f} s CPU, {run.wall:6.2f} s wall, "
                f"{run.maxrss_mb:4.0f} MB",
                flush=True,
            )
    return results


# -- Profiling when the goal is missed ----------------------------------------------------------


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
    """cProfile one build; cumulative seconds per stage, hook and plugin event handler."""
    stats_file = project / f"{config}.prof"
    build(project, config, project / "out-prof", strict, extra=["-m", "cProfile", "-o", str(stats_file)])
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


# -- Main -----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--runs", type=int, help="runs per configuration (default: 5, 3 at 1,000 pages)")
    parser.add_argument("--profile", action="store_true", help="profile even when the goal is met")
    parser.add_argument("--profile-size", type=int, default=100, help="pages of the profiled site")
    parser.add_argument("--ablate", type=int, metavar="PAGES", help="only: cost of each part at PAGES")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects in /tmp")
    parser.add_argument(
        "--sequential", action="store_true", help="one build at a time (default: each pair side by side)"
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
        rows.append(
            [
                name,
                cpu,
                full - cpu,
                (full - cpu) / (full - bare) if full != bare else None,
                ratio(cpu, bare),
                median([r.maxrss_mb for r in runs_]),
            ]
        )
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
    print_summary(
        "build_ablation",
        [
            table(
                f"What each part of the project configuration costs at {size} pages "
                "(median CPU seconds of the build; saved = full minus variant)",
                ["configuration", "CPU s", "saved s", "share of extra", "x bare", "MB"],
                rows,
            )
        ],
    )
    return 0


def scaling(work: Path, args: argparse.Namespace) -> int:
    sizes = sorted(int(s) for s in args.sizes.split(","))
    started = time.perf_counter()
    results: dict[str, Any] = {"sizes": {}, "goal_ratio": GOAL_RATIO, "load_before": os.getloadavg()}
    print(f"Working in {work}", flush=True)
    real = real_site_build()
    results["real_site"] = [vars(r) for r in real]
    print("real site clean build: " + ", ".join(f"{r.cpu:.2f} s CPU / {r.wall:.2f} s wall" for r in real))
    rows = []
    configs = {"project": ("mkdocs.yml", True), "bare": ("mkdocs-bare.yml", False)}
    side_by_side = not args.sequential and (os.cpu_count() or 1) >= 2
    results["side_by_side"] = side_by_side
    for n, size in enumerate(sizes):
        project = work / f"site-{size}"
        spec = generate(size)
        write_project(spec, project)
        words = sum(len(text.split()) for text in spec.files.values())
        print(f"{size} pages, {words:,} words", flush=True)
        if n == 0:  # warm the disk cache and imports once, untimed
            for config, strict in configs.values():
                build(project, config, project / "out-warm", strict)
        runs = args.runs or RUNS.get(size, 3)
        measured = measure(project, configs, runs, side_by_side=side_by_side)
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
        ours, bare = figures["project"], figures["bare"]
        figures["ratio_cpu"] = ratio(ours["median_cpu"], bare["median_cpu"])
        figures["ratio_wall"] = ratio(ours["median_wall"], bare["median_wall"])
        figures["ratio_memory"] = ratio(ours["median_maxrss_mb"], bare["median_maxrss_mb"])
        results["sizes"][size] = figures
        rows.append(
            [
                size,
                runs,
                ours["median_cpu"],
                bare["median_cpu"],
                figures["ratio_cpu"],
                ours["median_wall"],
                bare["median_wall"],
                figures["ratio_wall"],
                ours["median_maxrss_mb"],
                bare["median_maxrss_mb"],
                figures["ratio_memory"],
            ]
        )
        if not args.keep:
            shutil.rmtree(project)

    largest = sizes[-1]
    final_ratio = results["sizes"][largest]["ratio_cpu"]
    profile_rows = []
    if final_ratio > GOAL_RATIO or args.profile:
        size = args.profile_size
        print(f"Profiling one {size}-page build of each configuration (cProfile)", flush=True)
        project = work / f"profile-{size}"
        write_project(generate(size), project)
        ours_costs = profile(project, "mkdocs.yml", strict=True)
        bare_costs = profile(project, "mkdocs-bare.yml", strict=False)
        ordered = [label for label, *_ in profile_labels()]
        ordered += sorted(
            (k for k in set(ours_costs) | set(bare_costs) if k not in ordered),
            key=lambda k: -ours_costs.get(k, 0),
        )
        for label in ordered:
            a, b = ours_costs.get(label), bare_costs.get(label)
            if max(a or 0.0, b or 0.0) >= 0.02:
                profile_rows.append([label, a, b, (a or 0.0) - (b or 0.0)])
        results["profile"] = {"size": size, "project": ours_costs, "bare": bare_costs}
    results["load_after"] = os.getloadavg()
    results["elapsed_seconds"] = time.perf_counter() - started
    save_results("build", results)

    tables = [
        table(
            "Build: project configuration vs bare Material with prune (medians; CPU = user+system "
            "seconds of the build process, wall = clock; "
            + ("each pair built side by side, one per core)" if side_by_side else "one build at a time)"),
            [
                "pages",
                "runs",
                "ours CPU",
                "bare CPU",
                "ratio",
                "ours wall",
                "bare wall",
                "ratio",
                "ours MB",
                "bare MB",
                "mem ratio",
            ],
            rows,
        ),
        table(
            "Real site (docs/), clean `mkdocs build --strict`",
            ["pages", "median CPU s", "median wall s", "MB"],
            [
                [
                    len(list((ROOT / "docs").rglob("*.md"))),
                    median([r.cpu for r in real]),
                    median([r.wall for r in real]),
                    median([r.maxrss_mb for r in real]),
                ]
            ],
        ),
    ]
    if profile_rows:
        tables.append(
            table(
                f"cProfile, one {args.profile_size}-page build of each (cumulative seconds under the "
                "profiler; hooks and plugins: their on_* handlers)",
                ["where", "ours s", "bare s", "extra s"],
                profile_rows,
            )
        )
    big = results["sizes"][largest]
    notes = [
        goal(
            f"project config <= {GOAL_RATIO:.2f} x bare Material at {largest} pages (CPU time)",
            final_ratio <= GOAL_RATIO,
            f"{final_ratio:.3f} x ({big['project']['median_cpu']:.2f} s vs "
            f"{big['bare']['median_cpu']:.2f} s CPU; "
            f"wall {big['ratio_wall']:.3f} x)",
        ),
        f"Load average before/after: {results['load_before'][0]:.2f} / {results['load_after'][0]:.2f} "
        f"on {os.cpu_count()} cores. Total time of this benchmark: {results['elapsed_seconds']:.0f} s.",
    ]
    print_summary("build", tables, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
