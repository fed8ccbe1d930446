"""The configurations a build benchmark compares, written into a temporary project.

* project: the real mkdocs.yml (hooks, plugins, custom_dir overrides), nav of the site;
* material-plugins: the fair anchor, "Material with the same theme features and the same
  plugins" (tabs, sections, prune, instant, blog, RSS, search, meta; the same Markdown
  extensions): the project's mkdocs.yml with its hooks and its custom_dir taken out;
* bare: Material with navigation.prune only, the same Markdown extensions, default
  plugins (search), no hooks, no custom_dir;
* ablations: the project minus one part at a time.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

import yaml
from _common import ROOT, markdown_extensions_block
from synthetic_site import SiteSpec

# (regex, replacement) edits that take the project's own code out of its mkdocs.yml.
OWN_CODE = [
    (r"\nhooks:\n(?:  - .*\n)+", "\n"),
    (r"\n  custom_dir: overrides\n", "\n"),
]


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
    (where / "mkdocs-anchor.yml").write_text(edited(config + nav, OWN_CODE, "anchor"), encoding="utf-8")


def write_baseline(project: Path, ref: str) -> str:
    """The project's configuration and overrides as they were at git `ref`, beside the current
    ones (same docs, data and includes): its config file's name, to build before/after in one run."""
    archive = subprocess.run(
        ["git", "archive", ref, "overrides", "mkdocs.yml"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(project / "baseline", filter="data")
    config = (project / "baseline" / "mkdocs.yml").read_text(encoding="utf-8")
    config = config[: config.index("\nnav:\n") + 1]
    config = edited(
        config,
        [
            (r"(?m)^(  - )overrides/", r"\1baseline/overrides/"),
            (r"\n  custom_dir: overrides\n", "\n  custom_dir: baseline/overrides\n"),
        ],
        f"baseline {ref}",
    )
    nav = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs-baseline.yml").write_text(config + nav[nav.index("\nnav:\n") + 1 :], encoding="utf-8")
    return "mkdocs-baseline.yml"


def edited(text: str, edits: list[tuple[str, str]], name: str) -> str:
    """`text` with each regex edit applied; an edit that matches nothing is an error."""
    for pattern, replacement in edits:
        text, count = re.subn(pattern, replacement, text)
        if count == 0:
            raise RuntimeError(f"{name}: {pattern!r} not found in mkdocs.yml")
    return text


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
    # The care-card hook renders a template of overrides/: it goes with them.
    "without custom_dir overrides and the care-card hook": [
        (r"\n  custom_dir: overrides\n", "\n"),
        (r"\n  - overrides/hooks/care_card\.py\n", "\n"),
    ],
    "search with default separator": [(r"\n  search:\n    separator: .*\n", "\n  search: {}\n")],
}


def write_ablations(project: Path) -> list[str]:
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    names = []
    for n, (name, edits) in enumerate(ABLATIONS.items()):
        variant = edited(text, edits, f"ablation '{name}'")
        (project / f"mkdocs-ablate-{n}.yml").write_text(variant, encoding="utf-8")
        names.append(name)
    return names
