"""Start a new page: valid front matter in the right folder, and a line in the nav.

    make new-page SECTION=evidence TITLE="Plantar fasciitis" \
        DESCRIPTION="What research says about massage for heel pain ..." SOURCES="E1,E4"
    python scripts/new_page.py evidence "Plantar fasciitis" --description "..." --sources E1,E4

The page body starts from scripts/page_template.md. The front matter is checked by
the same rules the build uses (overrides/hooks/front_matter.py), and source keys
against data/sources.yml, so a new page builds from the start. Pages in the health
sections (about, safety, evidence) must name their sources.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "page_template.md"
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))

from front_matter import check  # noqa: E402  (the build's own rules)

HEALTH_SECTIONS = {"about", "safety", "evidence", "articles"}
ARTICLES = "articles"  # blog posts: listed by the blog, not the nav, and open to comments
HANDBOOK = "contributing"  # the editor handbook: published, but kept out of the nav (not_in_nav)
# Folder → the nav section it belongs to (as written in mkdocs.yml); None: not in the nav.
SECTIONS: dict[str, str | None] = {
    ARTICLES: None,
    "about": "Is it right for me?",
    "safety": "Is it safe?",
    "evidence": "What does the research say?",
    "site": "About this site",
    HANDBOOK: None,
}


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def front_matter(meta: dict[str, object]) -> str:
    """YAML front matter, one field per line, in the order editors expect."""
    lines = ["---"]
    for key, value in meta.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines += [
                f"  {inner}: {item.isoformat() if isinstance(item, dt.date) else item}"
                for inner, item in value.items()
            ]
        elif isinstance(value, list):
            lines.append(f"{key}: [{', '.join(str(item) for item in value)}]")
        elif isinstance(value, dt.date):
            lines.append(f"{key}: {value.isoformat()}")
        else:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join([*lines, "---", ""])


def render(meta: dict[str, object], article: bool = False) -> str:
    body = TEMPLATE.read_text(encoding="utf-8").replace("{title}", str(meta["title"]))
    if article:
        # The blog shows the text above this line as the excerpt (keep citations below it).
        heading, intro, rest = body.split("\n\n", 2)
        body = f"{heading}\n\n{intro}\n\n<!-- more -->\n\n{rest}"
    return front_matter(meta) + "\n" + body


def known_sources(root: Path) -> set[str]:
    register = yaml.safe_load((root / "data" / "sources.yml").read_text(encoding="utf-8"))
    return set(register["sources"])


def add_to_nav(config: str, section: str, title: str, path: str) -> str:
    """Append `- title: path` as the last item of `section` in mkdocs.yml's nav.

    Works on the text, not on parsed YAML, so comments and !ENV tags survive.
    """
    lines = config.splitlines(keepends=True)
    nav_start = next(i for i, line in enumerate(lines) if line.rstrip() == "nav:")
    header = re.compile(rf"^(?P<indent>\s*)- {re.escape(section)}:\s*$")
    for index in range(nav_start + 1, len(lines)):
        match = header.match(lines[index])
        if not match:
            continue
        item_indent = len(match.group("indent")) + 4
        end = index + 1
        while end < len(lines) and (
            not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) >= item_indent
        ):
            end += 1
        while end > index + 1 and not lines[end - 1].strip():
            end -= 1
        entry = f"{' ' * item_indent}- {_yaml_key(title)}: {path}\n"
        return "".join([*lines[:end], entry, *lines[end:]])
    raise SystemExit(f"mkdocs.yml: no nav section called '{section}'")


def _yaml_key(title: str) -> str:
    return f'"{title}"' if re.search(r"[:#\"'\[\]{}]", title) else title


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("section", choices=sorted(SECTIONS), help="the folder under docs/")
    parser.add_argument("title", help="the page title, as readers will see it")
    parser.add_argument("--description", required=True, help="50–160 characters for search results")
    parser.add_argument("--sources", default="", help="comma-separated source keys, e.g. E4,E10")
    parser.add_argument("--slug", help="file name without .md (default: from the title)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    slug = args.slug or slugify(args.title)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        parser.error(f"slug '{slug}' must be lowercase words joined by hyphens")
    article = args.section == ARTICLES
    relative = f"blog/posts/{slug}.md" if article else f"{args.section}/{slug}.md"
    page = args.root / "docs" / relative
    if page.exists():
        parser.error(f"docs/{relative} already exists")

    meta: dict[str, object] = {
        "title": args.title,
        "description": args.description,
        "last_reviewed": dt.date.today(),
    }
    if article:
        meta.update({"date": {"created": dt.date.today()}, "slug": slug, "comments_id": f"articles/{slug}"})
    sources = [key.strip() for key in args.sources.split(",") if key.strip()]
    if sources:
        meta["sources"] = sources
    problems = [message for _, message in check({**meta, "health": args.section in HEALTH_SECTIONS}, "", "")]
    problems += [f"unknown source key '{key}'" for key in sources if key not in known_sources(args.root)]
    if problems:
        parser.error("; ".join(problems))

    page.parent.mkdir(parents=True, exist_ok=True)
    section = SECTIONS[args.section]
    if article:
        page.write_text(render(meta, article=True), encoding="utf-8")
        print(f"Created docs/{relative}; the Articles page lists it by date.")
    elif section is None:
        page.write_text(render(meta), encoding="utf-8")
        print(
            f"Created docs/{relative}. The handbook is not in the site's menu: "
            f"link the new page from docs/{HANDBOOK}/index.md."
        )
    else:
        config_path = args.root / "mkdocs.yml"
        config = add_to_nav(config_path.read_text(encoding="utf-8"), section, args.title, relative)
        page.write_text(render(meta), encoding="utf-8")
        config_path.write_text(config, encoding="utf-8")
        print(f"Created docs/{relative} and added it to the nav under '{section}'.")
    print("Next: run `make preview` and write the page; cite sources inline like [@E4].")
    return 0


if __name__ == "__main__":
    sys.exit(main())
