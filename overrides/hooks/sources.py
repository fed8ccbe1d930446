"""Sources: one register behind every citation on the site.

Editors list a page's sources as keys in front matter (`sources: [E4, E10]`) and
may cite them inline as `[@E4]`. The build numbers the citations, appends a
"Sources" section, and renders the whole register on the page that asks for it
(`show_register: true`). A key that is not in the register fails the build, and so
does a register entry that links off its publisher's domains or repeats another
entry's link or DOI (_publishers.py), and a health page that leans on commentary
(_grades.py).

The Markdown gets only the headings (so they stay in the table of contents) and
tokens (see _slots.py); the citation links and the lists are put into the page's
HTML once it is rendered, so Markdown never parses them. Headings and labels are in
the edition's language (data/strings.yml); the sources keep theirs (English), and
say so on the pages of another language.
"""

from __future__ import annotations

import html
import os
import re
from typing import Any
from urllib.parse import urlsplit

import _citations
import _grades
import _publishers
import _search_text
import _slots
import _strings
import yaml
from _report import body_line_offset, front_matter_line, page_problem, problem
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

EXCERPT_SEPARATOR = "<!-- more -->"
REQUIRED = ("group", "author", "title", "publisher", "url", "grade")
GRADES = {"A", "B", "C"}
# A page's Sources list and its citation numbers stay out of the search index: a reader
# searching a topic wants the pages about it, not every page that cites a paper with
# that word in its title. The sources page's register stays in: one result per source.
# Search reads the page without the list and the citation links (_search_text.py), and
# its Sources heading with this attribute, by which Material's search leaves out the
# heading's whole section. The published page has neither (care_card.py finds the
# heading as SOURCES_HEADING).
SEARCH_EXCLUDE = 'data-search-exclude="true"'
SOURCES_HEADING = '<h2 id="sources">'

_register: dict[str, Any] = {"sources": {}, "groups": {}, "accessed": None}
# This edition's words, and the attribute marking the sources' language on its pages.
_edition: dict[str, Any] = {"words": {}, "lang": ""}
# Each entry's formatted HTML, made once per build (by key): pages list the same sources.
_formatted: dict[str, str] = {}
# Per page (by source path), from on_page_markdown to on_page_content: the keys it
# lists, in citation-number order, and the register groups it shows.
_pending: dict[str, tuple[list[str], list[str]]] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Load and check the register once per build."""
    root = os.path.dirname(config.config_file_path)
    path = os.path.join(root, config.extra["sources_register"])
    _register.update(load_register(path, os.path.join(root, config.extra["sources_publishers"])))
    language = str(config.theme["language"])
    _edition["words"] = _strings.words(config)
    _edition["lang"] = "" if language == _strings.REFERENCE else f' lang="{_strings.REFERENCE}"'
    _formatted.clear()
    return config


def load_register(path: str, publishers_path: str) -> dict[str, Any]:
    """Read the register, reporting each malformed entry as `file:line: problem`."""
    shown = os.path.relpath(path)
    text = _read(path)
    data = _parse(text)
    publishers, any_publisher = _publishers.load(_parse(_read(publishers_path)))
    groups: dict[str, str] = data.get("groups") or {}
    sources: dict[str, dict[str, Any]] = data.get("sources") or {}
    for key, entry in sources.items():
        line = _key_line(text, str(key))
        if not isinstance(entry, dict):
            problem(shown, line, f"{key}: each source must be a mapping of fields")
            continue
        for field in REQUIRED:
            if not str(entry.get(field) or "").strip():
                problem(shown, line, f"{key}: '{field}' is missing")
        if entry.get("group") and entry["group"] not in groups:
            problem(shown, line, f"{key}: group '{entry['group']}' is not one of {sorted(groups)}")
        if entry.get("grade") and entry["grade"] not in GRADES:
            problem(shown, line, f"{key}: grade must be A, B or C")
        year = entry.get("year")
        if year is not None and not (isinstance(year, int) and 1900 < year < 2100):
            problem(shown, line, f"{key}: 'year' must be a four-digit year or null")
        if entry.get("url") and urlsplit(str(entry["url"])).scheme not in {"http", "https"}:
            problem(shown, line, f"{key}: 'url' must start with https:// or http://")
        elif reason := _publishers.link_problem(entry, publishers, any_publisher):
            problem(shown, line, f"{key}: {reason}")
        if entry.get("doi") is not None and _publishers.normal_doi(str(entry["doi"])) is None:
            problem(shown, line, f"{key}: 'doi' must be a DOI such as 10.1002/14651858.CD001929.pub3")
    for key, earlier, shared in _publishers.duplicates(sources):
        problem(
            shown,
            _key_line(text, key),
            f"{key}: same {shared} as {earlier}; one source gets one key: merge {key} into {earlier}",
        )
    return {"sources": sources, "groups": groups, "accessed": data.get("accessed")}


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _parse(text: str) -> dict[str, Any]:
    # libyaml's safe loader when PyYAML has it: the same result, several times faster.
    return (yaml.load(text, Loader=yaml.CSafeLoader) if yaml.__with_libyaml__ else yaml.safe_load(text)) or {}


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Check the page's citations, number them and append its Sources section."""
    source = page.file.content_string
    listed = _listed_keys(page, source)
    offset = body_line_offset(source, markdown)

    def line_of(position: int) -> int:
        return offset + markdown.count("\n", 0, position) + 1

    citations, misses = _citations.scan(markdown, _register["sources"])
    for miss in misses:
        page_problem(page, line_of(miss.start), f"{miss.text} {miss.fix}")
    # A post's text above "<!-- more -->" is also shown on the Articles list, where
    # its numbered links would point at nothing.
    excerpt_end = markdown.find(EXCERPT_SEPARATOR) if _is_post(page, config) else -1
    cited = [(citation.start, key) for citation in citations for key in citation.keys]
    for position, key in cited:
        for message in _citation_problems(key, listed, position < excerpt_end):
            page_problem(page, line_of(position), message)
    named = [key for _, key in cited] + [key for miss in misses for key in miss.keys]
    _report_uncited(page, source, listed, named)
    if page.meta.get("health") is True:
        for line, message in _grades.problems(markdown, cited, _register["sources"]):
            page_problem(page, offset + line, message)
    markdown = _numbered(markdown, citations, listed)
    if listed:
        heading = _edition["words"]["sources"]["heading"]
        markdown += f"\n\n## {heading} {{#sources}}\n" + _slots.block(_slots.SOURCES)
    groups = _shown_groups() if page.meta.get("show_register") else []
    names = {**_register["groups"], **_edition["words"].get("register_groups", {})}
    for number, group in enumerate(groups):
        markdown += f"\n\n## {names[group]}\n" + _slots.block(_slots.REGISTER, number)
    _pending[page.file.src_uri] = (listed, groups)
    return markdown


def _listed_keys(page: Page, source: str) -> list[str]:
    """The page's `sources` that are in the register, in order; reports the others."""
    keys = page.meta.get("sources")
    listed: list[str] = []
    for key in keys if isinstance(keys, list) else []:
        if str(key) in _register["sources"]:
            listed.append(str(key))
        else:
            page_problem(
                page,
                front_matter_line(source, "sources", str(key)),
                f"unknown source key '{key}'; it is not in the sources register",
            )
    return listed


def _citation_problems(key: str, listed: list[str], in_excerpt: bool) -> list[str]:
    """What is wrong with one cited key, each with its fix."""
    problems = []
    if in_excerpt:
        problems.append(f"move citation [@{key}] below {EXCERPT_SEPARATOR}: excerpts have no sources list")
    if key in listed:
        return problems
    known = _citations.suggest(key, _register["sources"])
    if known == key:
        problems.append(f"citation [@{key}] is not in this page's 'sources'; add {key} to 'sources'")
    elif known is not None:
        problems.append(f"citation [@{key}] is not in the sources register; did you mean [@{known}]?")
    else:
        problems.append(
            f"citation [@{key}] is not in the sources register; check the key on the sources page "
            "(data/sources.yml), or add the source to the register first"
        )
    return problems


def _report_uncited(page: Page, source: str, listed: list[str], named: list[str]) -> None:
    """A listed source that no citation names would show in the Sources list supporting nothing."""
    spelled = {_citations.suggest(key, _register["sources"]) or key for key in named}
    for key in listed:
        if key not in spelled:
            page_problem(
                page,
                front_matter_line(source, "sources", key),
                f"source {key} is listed in 'sources' but never cited; cite it right after the fact "
                f"it supports, like [@{key}], or remove it from 'sources'",
            )


def _numbered(markdown: str, citations: list[_citations.Citation], listed: list[str]) -> str:
    """The Markdown with each citation whose keys are all listed replaced by numbered tokens."""
    parts: list[str] = []
    done = 0
    for citation in citations:
        if all(key in listed for key in citation.keys):
            parts.append(markdown[done : citation.start])
            parts += [_slots.inline(_slots.CITATION, listed.index(key) + 1) for key in citation.keys]
            done = citation.end
    return "".join(parts) + markdown[done:]


@event_priority(50)  # before plugins read the HTML (the blog's reading time, the RSS feed)
def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put the citation links, the Sources list and the register into the rendered page."""
    listed, groups = _pending.pop(page.file.src_uri, ([], []))
    if listed:
        links = [_citation(listed, number) for number in range(1, len(listed) + 1)]
        sources = _source_list(listed)
        content = _slots.fill(content, _slots.CITATION, lambda number: links[number - 1])
        content = _slots.fill(content, _slots.SOURCES, lambda _: sources, is_block=True)
        _slots.add_anchors(page, (f"source-{number}" for number in range(1, len(listed) + 1)))
        for part in (sources, *links):
            _search_text.instead(page, part, "")
        _search_text.instead(page, SOURCES_HEADING, SOURCES_HEADING.replace(">", f" {SEARCH_EXCLUDE}>"))
    if groups:
        content = _slots.fill(content, _slots.REGISTER, lambda n: _register_list(groups[n]), is_block=True)
        _slots.add_anchors(
            page, (f"ref-{key.lower()}" for group in groups for key, _ in _group_entries(group))
        )
    return content


@event_priority(-110)  # after the blog plugin adds its posts' headings to the Articles pages
def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    """A citation in a heading shows in the table of contents as its number, e.g. [2]."""
    if page.toc is not None:
        _slots.fill_toc(page.toc.items, _slots.CITATION, lambda number: f"[{number}]")
    return context


def _citation(listed: list[str], number: int) -> str:
    title = html.escape(_short_reference(_register["sources"][listed[number - 1]]), quote=True)
    link = f'<a href="#source-{number}" title="{title}">[{number}]</a>'
    return f'<sup class="sdm-cite">{link}</sup>'


def _is_post(page: Page, config: MkDocsConfig) -> bool:
    blog = config.plugins.get("material/blog")
    blog_dir = getattr(getattr(blog, "config", None), "blog_dir", None)
    return bool(blog_dir) and page.file.src_uri.startswith(f"{blog_dir}/posts/")


def _source_list(keys: list[str]) -> str:
    items = "".join(
        f'<li id="source-{number}">{_formatted_entry(key)}</li>' for number, key in enumerate(keys, start=1)
    )
    return f'<ol class="sdm-sources">{items}</ol>'


def _group_entries(group: str) -> list[tuple[str, dict[str, Any]]]:
    return [(key, entry) for key, entry in _register["sources"].items() if entry.get("group") == group]


def _shown_groups() -> list[str]:
    """The register's groups that have sources, in the order of `groups:`."""
    return [group for group in _register["groups"] if _group_entries(group)]


def _register_list(group: str) -> str:
    label = html.escape(_edition["words"]["sources"]["key_title"], quote=True)
    items = "".join(
        f'<li id="ref-{key.lower()}">{_formatted_entry(key)} '
        f'<span class="sdm-key" title="{label}">{html.escape(key)}</span></li>'
        for key, _ in _group_entries(group)
    )
    return f'<ul class="sdm-register">{items}</ul>'


def _formatted_entry(key: str) -> str:
    """A source as listed on this edition's pages, formatted once per build (pages share sources)."""
    if key not in _formatted:
        _formatted[key] = _cited(_register["sources"][key])
    return _formatted[key]


def _cited(entry: dict[str, Any]) -> str:
    """A source as listed on this edition's pages: its title in its own language, marked as such."""
    return format_citation(entry, _edition["words"]["sources"]["no_date"], _edition["lang"])


def format_citation(entry: dict[str, Any], no_date: str = "n.d.", lang: str = "") -> str:
    """Author (year). Title. Publisher. host — as safe HTML with the title as the link.
    `lang` is the title's language attribute on a page of another language."""
    author = html.escape(str(entry["author"]).strip())
    year = entry.get("year") or no_date
    title = html.escape(str(entry["title"]).strip().rstrip("."))
    publisher = str(entry.get("publisher") or "").strip().rstrip(".")
    url = html.escape(str(entry["url"]), quote=True)
    host = html.escape(urlsplit(str(entry["url"])).netloc.removeprefix("www."))
    parts = [f"{author} ({year}).", f'<a href="{url}"><cite{lang}>{title}</cite></a>.']
    if publisher and publisher != str(entry["author"]).strip():
        parts.append(f"{html.escape(publisher)}.")
    parts.append(f'<span class="sdm-host">{host}</span>')
    return " ".join(parts)


def _short_reference(entry: dict[str, Any]) -> str:
    return f"{entry['author']} ({entry.get('year') or 'n.d.'}). {entry['title']}"


def _key_line(text: str, key: str) -> int:
    match = re.search(rf"^\s+{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1
