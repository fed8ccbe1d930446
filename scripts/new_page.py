"""Start a new page: valid front matter in the right folder, and a line in the nav.

    make new-page SECTION=Research TITLE="Plantar fasciitis" \
        DESCRIPTION="What research says about massage for heel pain ..." SOURCES="E1,E4"
    python scripts/new_page.py evidence "Plantar fasciitis" --description "..." --sources E1,E4

SECTION is a folder under docs/ or the menu tab the page goes under, as editors see
it ("What does the research say?", or just "Research"); see SECTIONS, which the
editor handbook's table repeats (a test compares them). A page goes at the end of its
section, but before the pages that close it (the evidence section's "Other
conditions" and "Common claims checked"), or right after the page named by --after.

The page body starts from scripts/page_template.md, whose placeholders begin with
TODO: the build refuses the page until each is written. The front matter is checked
by the same rules the build uses (overrides/hooks/front_matter.py), and source keys
against data/sources.yml, so only the text is left to write. Pages in the health
sections (about, safety, evidence, articles) must name their sources.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "page_template.md"
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))

from front_matter import check  # noqa: E402  (the build's own rules)


@dataclass(frozen=True)
class Section:
    """Where a new page goes: its folder under docs/ and its nav section (None: not in the nav)."""

    name: str  # the folder's name, as SECTION= takes it
    folder: str
    nav: str | None
    also: tuple[str, ...]  # other names editors may type: the tab as they see it
    health: bool
    last: tuple[str, ...] = ()  # pages (paths) that stay at the end of the section


ARTICLES = "articles"  # blog posts: listed by the blog, not the nav, and open to comments
HANDBOOK = "contributing"  # the editor handbook: published, but kept out of the nav (not_in_nav)
SECTIONS = (
    Section("about", "about", "Is it right for me?", ("Right for me",), health=True),
    Section("safety", "safety", "Is it safe?", ("Safety", "Safe"), health=True),
    Section(
        "evidence",
        "evidence",
        "What does the research say?",
        ("Research",),
        health=True,
        last=("evidence/other-conditions.md", "evidence/claims-checked.md"),
    ),
    Section("site", "site", "About this site", (), health=False),
    Section(ARTICLES, "blog/posts", None, ("Articles", "Article", "Blog"), health=True),
    Section(HANDBOOK, HANDBOOK, None, ("Handbook", "Editor handbook"), health=False),
)


def names(section: Section) -> list[str]:
    """Every name SECTION= accepts for the section: the folder, the nav title, the others."""
    return list(dict.fromkeys([section.name, *([section.nav] if section.nav else []), *section.also]))


def _plain(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())


def find_section(name: str) -> Section | None:
    """The section called `name`, in any case and with or without punctuation."""
    wanted = _plain(name)
    return next((s for s in SECTIONS if wanted in {_plain(n) for n in names(s)}), None)


def sections_help() -> str:
    rows = [f"  {' or '.join(repr(n) for n in names(s))}" for s in SECTIONS]
    return "choose one of these (a folder, or the menu tab as the site shows it):\n" + "\n".join(rows)


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


# A nav item: `- Title: path`, `- "Title: with colon": path` or `- path`, maybe with a comment.
ITEM = re.compile(
    r"""^\s*-\s+(?:(?:(["'])(?P<quoted>.*?)\1|(?P<plain>[^"'#\s][^#]*?))\s*:\s+)?(?P<path>[^\s#]+)"""
)


class NavError(ValueError):
    """mkdocs.yml's nav has no such section, or the section no such page."""


def add_to_nav(
    config: str, section: str, title: str, path: str, *, last: tuple[str, ...] = (), after: str | None = None
) -> str:
    """Add `- title: path` to `section` of mkdocs.yml's nav: right after the page titled
    `after`, or else at the end, before the pages listed in `last`.

    Works on the text, not on parsed YAML, so comments and !ENV tags survive.
    """
    lines = config.splitlines(keepends=True)
    start, end, indent = _nav_section(lines, section)
    items = [index for index in range(start, end) if _item_indent(lines[index]) == indent]
    if after is not None:
        titles = {_item_title(lines[index]): index for index in items}
        if after not in titles:
            shown = ", ".join(repr(name) for name in titles if name)
            raise NavError(f"'{section}' has no page called '{after}'; choose one of {shown}")
        following = [index for index in items if index > titles[after]]
        at = following[0] if following else end
    else:
        closing = [index for index in items if _item_path(lines[index]) in last]
        at = closing[0] if closing else end
    entry = f"{' ' * indent}- {_yaml_key(title)}: {path}\n"
    return "".join([*lines[:at], entry, *lines[at:]])


def _nav_section(lines: list[str], section: str) -> tuple[int, int, int]:
    """(first line, line after the last item, indent of the items) of a nav section."""
    nav_start = next(i for i, line in enumerate(lines) if line.rstrip() == "nav:")
    header = re.compile(rf"^(?P<indent>\s*)- {re.escape(section)}:\s*$")
    for index in range(nav_start + 1, len(lines)):
        match = header.match(lines[index])
        if not match:
            continue
        indent = len(match.group("indent")) + 4
        end = index + 1
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) >= indent):
            end += 1
        while end > index + 1 and not lines[end - 1].strip():
            end -= 1
        return index + 1, end, indent
    raise NavError(f"mkdocs.yml: no nav section called '{section}'")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _item_indent(line: str) -> int | None:
    return _indent(line) if line.lstrip().startswith("- ") else None


def _item_title(line: str) -> str:
    """The title of `- Title: path`, without quotes; "" for an untitled `- path`."""
    match = ITEM.match(line)
    return (match.group("quoted") or match.group("plain") or "") if match else ""


def _item_path(line: str) -> str:
    match = ITEM.match(line)
    return match.group("path") if match else ""


def _yaml_key(title: str) -> str:
    return f'"{title}"' if re.search(r"[:#\"'\[\]{}]", title) else title


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("section", help="a folder under docs/, or the menu tab the page goes under")
    parser.add_argument("title", help="the page title, as readers will see it")
    parser.add_argument("--description", required=True, help="50–160 characters for search results")
    parser.add_argument("--sources", default="", help="comma-separated source keys, e.g. E4,E10")
    parser.add_argument("--slug", help="file name without .md (default: from the title)")
    parser.add_argument("--after", help="put the page right after this page of its menu section")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    return parser


def _meta(args: argparse.Namespace, section: Section, slug: str) -> tuple[dict[str, object], list[str]]:
    """The new page's front matter, and what is wrong with it."""
    meta: dict[str, object] = {
        "title": args.title,
        "description": args.description,
        "last_reviewed": dt.date.today(),
    }
    if section.name == ARTICLES:
        meta.update({"date": {"created": dt.date.today()}, "slug": slug, "comments_id": f"articles/{slug}"})
    sources = [key.strip() for key in args.sources.split(",") if key.strip()]
    if sources:
        meta["sources"] = sources
    problems = [message for _, message in check({**meta, "health": section.health}, "", "")]
    problems += [f"unknown source key '{key}'" for key in sources if key not in known_sources(args.root)]
    return meta, problems


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    section = find_section(args.section)
    if section is None:
        parser.error(f"no section called '{args.section}'; {sections_help()}")
    slug = args.slug or slugify(args.title)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        parser.error(f"slug '{slug}' must be lowercase words joined by hyphens")
    relative = f"{section.folder}/{slug}.md"
    page = args.root / "docs" / relative
    if page.exists():
        parser.error(f"docs/{relative} already exists")
    if args.after and section.nav is None:
        parser.error(f"--after: '{section.name}' pages are not in the menu")
    meta, problems = _meta(args, section, slug)
    if problems:
        parser.error("; ".join(problems))
    config_path = args.root / "mkdocs.yml"
    config = config_path.read_text(encoding="utf-8")
    if section.nav is not None:
        try:
            config = add_to_nav(
                config, section.nav, args.title, relative, last=section.last, after=args.after
            )
        except NavError as error:
            parser.error(str(error))
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(render(meta, article=section.name == ARTICLES), encoding="utf-8")
    if section.nav is not None:
        config_path.write_text(config, encoding="utf-8")
    print(f"Created docs/{relative}; {_where(section)}")
    print("Next: run `make preview`, replace each TODO, and cite each source inline like [@E4].")
    return 0


def _where(section: Section) -> str:
    if section.name == ARTICLES:
        return "the Articles page lists it by date."
    if section.nav is None:
        return f"the handbook is not in the site's menu: link the new page from docs/{HANDBOOK}/index.md."
    return f"added it to the menu under '{section.nav}'."


if __name__ == "__main__":
    sys.exit(main())
