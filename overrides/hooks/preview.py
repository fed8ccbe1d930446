"""The live preview (`make preview`, i.e. `mkdocs serve`): problems shown in the page, shared files rebuilt.

- Problems in the page. The preview keeps going when a page has problems, and an
  editor may never look at the terminal. So each page with problems gets a banner at
  the top listing them, as the same one-line messages the terminal shows
  (`docs/x.md:12: ...`); problems of shared files (data/, includes/, mkdocs.yml)
  show on every page. Plain HTML and a style element: no script, which the site's
  Content-Security-Policy would have to allow.
- Shared files rebuilt. `make preview` runs `mkdocs serve --dirty`, which rebuilds
  only the pages whose Markdown changed (a save shows in under a second; see
  bench/preview_latency.py). A change to anything else it watches (data/, includes/,
  overrides/, mkdocs.yml, a .meta.yml) can change every page, so it rebuilds them all.
- Templates compiled once. MkDocs compiles every template again for each rebuild,
  half the time of a one-page rebuild; a cache kept between rebuilds compiles a
  template again only when its source changed (Jinja checks).

Nothing of this happens in `mkdocs build`: MkDocs names its command at startup
(on_startup), and only `serve` turns the preview on.
"""

from __future__ import annotations

import html
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import clean_directory

log = logging.getLogger("mkdocs.hooks.preview")

LOCATED = re.compile(r"^(?P<path>[^\s:][^:\n]*):\d+: ")
# MkDocs' own notes that are not an editor's problem: the --dirty reminder, and the
# list of pages missing from the nav (front_matter.py names each page on its own line).
IGNORED = ("A 'dirty' build is being performed", "The following pages exist in the docs directory")
CONTENT_START = re.compile(r'<(?:article|div) class="md-content__inner[^"]*">')
BEGIN, END = "<!-- sdm-problems -->", "<!-- /sdm-problems -->"
OLD_BANNER = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
STYLE = (
    ".sdm-problems{margin:0 0 1.2rem;padding:.6rem 1rem;border:.1rem solid #b3261e;"
    "border-left-width:.4rem;border-radius:.2rem;background:#fdecea;color:#410e0b}"
    ".sdm-problems li{font-family:var(--md-code-font-family,monospace);font-size:.7rem;"
    "overflow-wrap:anywhere}"
    "[data-md-color-scheme=slate] .sdm-problems{background:#3b1211;color:#ffdad6;border-color:#ffb4ab}"
)


@dataclass
class _State:
    serving: bool = False
    dirty: bool = False
    messages: list[str] = field(default_factory=list)  # warnings of the build under way
    pages: dict[str, str] = field(default_factory=dict)  # src_uri -> built file
    rendered: set[str] = field(default_factory=set)  # pages (src_uri) rendered this build
    shown: dict[str, list[str]] = field(default_factory=dict)  # problems in each built page
    shared: list[str] = field(default_factory=list)  # shared-file problems in every built page
    inputs: dict[str, tuple[int, int]] | None = None  # shared files: (mtime, size) at the last build


_state = _State()


class _Compiled(BytecodeCache):
    """Compiled templates kept in memory between the preview's rebuilds."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_compiled = _Compiled()


class _Collect(logging.Handler):
    """Keeps the text of every warning (and error) MkDocs and the hooks log."""

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.levelno >= logging.WARNING and not text.startswith(IGNORED):
            _state.messages.append(text)


def on_startup(*, command: str, dirty: bool) -> None:
    _state.serving, _state.dirty = command == "serve", dirty
    if _state.serving:
        logging.getLogger("mkdocs").addHandler(_Collect(logging.WARNING))
    if _state.serving and dirty:
        # MkDocs warns that --dirty may leave other pages stale; editors read a WARNING line
        # as a problem of theirs, and shared files are handled (on_pre_build). Say it plainly.
        logging.getLogger("mkdocs.commands.build").addFilter(_not_the_dirty_warning)
        log.info("Preview: a save rebuilds its page; a change to a shared file rebuilds every page")


def _not_the_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith(IGNORED[0])


def on_pre_build(config: MkDocsConfig) -> None:
    """In a --dirty preview, rebuild every page when a shared file changed since the last build."""
    if not (_state.serving and _state.dirty):
        return
    inputs = shared_inputs(config)
    if _state.inputs is not None and inputs != _state.inputs:
        changed = sorted(
            path
            for path in inputs.keys() | _state.inputs.keys()
            if inputs.get(path) != _state.inputs.get(path)
        )
        log.info("%s changed: rebuilding every page", os.path.relpath(changed[0]))
        clean_directory(config.site_dir)
        _state.shown.clear()
    _state.inputs = inputs


def shared_inputs(config: MkDocsConfig) -> dict[str, tuple[int, int]]:
    """Every watched file but the pages' Markdown, with its modification time and size."""
    roots = [config.docs_dir, *config.watch]
    found: dict[str, tuple[int, int]] = {}
    for path in [Path(config.config_file_path)] + [p for root in roots for p in Path(root).rglob("*")]:
        if path.is_file() and "__pycache__" not in path.parts and not _is_page(path, config):
            stat = path.stat()
            found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


def _is_page(path: Path, config: MkDocsConfig) -> bool:
    return path.suffix == ".md" and Path(config.docs_dir) in path.parents


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    if _state.serving:
        env.bytecode_cache = _compiled
    return env


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if _state.serving:
        _state.pages = {file.src_uri: file.abs_dest_path for file in files.documentation_pages()}
    return files


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    _state.rendered.add(page.file.src_uri)
    return html_text


@event_priority(-200)  # last: after every check and every file the other hooks write
def on_post_build(config: MkDocsConfig) -> None:
    """Put each page's problems, and the shared files', at the top of its built HTML."""
    if not _state.serving:
        return
    own, shared = by_page(_state.messages, config.docs_dir)
    for src_uri, built in _state.pages.items():
        fresh = src_uri in _state.rendered
        problems = (
            own.get(src_uri, []) if fresh else _unique(_state.shown.get(src_uri, []) + own.get(src_uri, []))
        )
        if fresh or shared != _state.shared or problems != _state.shown.get(src_uri, []):
            _rewrite(built, problems, shared)
        _state.shown[src_uri] = problems
    _state.shared = shared
    _state.messages.clear()
    _state.rendered.clear()


def on_build_error(error: Exception) -> None:
    _state.messages.clear()
    _state.rendered.clear()


def by_page(messages: list[str], docs_dir: str) -> tuple[dict[str, list[str]], list[str]]:
    """Messages by the page (src_uri) they name; the rest concern shared files."""
    own: dict[str, list[str]] = {}
    shared: list[str] = []
    docs = Path(docs_dir).resolve()
    for message in _unique(messages):
        located = LOCATED.match(message)
        path = Path(located.group("path")).resolve() if located else None
        if path is not None and path.suffix == ".md" and docs in path.parents:
            own.setdefault(path.relative_to(docs).as_posix(), []).append(message)
        else:
            shared.append(message)
    return own, shared


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _rewrite(built: str, problems: list[str], shared: list[str]) -> None:
    try:
        text = Path(built).read_text(encoding="utf-8")
    except OSError:
        return  # not written (a draft, or a page another plugin skipped)
    Path(built).write_text(with_banner(text, banner(problems, shared)), encoding="utf-8")


def with_banner(page_html: str, banner_html: str) -> str:
    """The page with its old banner removed and the new one (if any) at the top of its content."""
    page_html = OLD_BANNER.sub("", page_html)
    if not banner_html:
        return page_html
    start = CONTENT_START.search(page_html) or re.search(r"<body[^>]*>", page_html)
    at = start.end() if start else 0
    return page_html[:at] + banner_html + page_html[at:]


def banner(problems: list[str], shared: list[str]) -> str:
    """The banner's HTML, or "" when there is nothing to show."""
    if not problems and not shared:
        return ""
    parts = [
        BEGIN,
        f'<div class="sdm-problems" role="region" aria-label="Build problems"><style>{STYLE}</style>',
    ]
    if problems:
        parts.append(f"<p><strong>{_count(problems)} on this page.</strong> " + _why() + "</p>")
        parts.append(_list(problems))
    if shared:
        lead = "Also, in" if problems else f"<strong>{_count(shared)}</strong> in"
        parts.append(f"<p>{lead} files every page uses:" + ("" if problems else " " + _why()) + "</p>")
        parts.append(_list(shared))
    parts.append("</div>" + END)
    return "".join(parts)


def _count(problems: list[str]) -> str:
    return "1 problem" if len(problems) == 1 else f"{len(problems)} problems"


def _why() -> str:
    return "<code>make build</code> refuses the site until they are fixed. Only the preview shows this box."


def _list(messages: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(message)}</li>" for message in messages) + "</ul>"
