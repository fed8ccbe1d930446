"""The service's three layers, read from the source: who may import whom, and no circles.

core/ (the rules) imports neither FastAPI nor Starlette, nor anything of infra/ or
web/; infra/ (how the service runs) may use core/ but not web/; web/ may use both;
only cli.py and asgi.py, the entry points, stand above them. Every import counts,
including one inside a function, and no module may reach itself again through its
imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "comments_service"
HTTP_LIBRARIES = ("fastapi", "starlette")
# What each layer may not import, besides itself being imported from above.
FORBIDDEN = {
    "core": ("infra", "web", "cli", "asgi"),
    "infra": ("web", "cli", "asgi"),
    "web": ("cli", "asgi"),
}


def modules(package: Path) -> dict[str, Path]:
    """Every module of the package by dotted name (`package` is its folder)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """What the module imports: our own modules by full name, libraries by top-level name."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield submodule if submodule in known else base


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def forbidden_imports(package: Path) -> list[str]:
    known = modules(package)
    root = package.name
    problems = []
    for name, path in known.items():
        own = layer(name)
        for target in imports(name, path, known):
            top = target.split(".")[0]
            if own == "core" and top in HTTP_LIBRARIES:
                problems.append(f"{name} imports {target}")
            if top == root and layer(target) in FORBIDDEN.get(own or "", ()):
                problems.append(f"{name} imports {target}")
    return problems


def cycles(package: Path) -> list[list[str]]:
    """Each set of our modules that import one another in a circle (Tarjan's algorithm)."""
    known = modules(package)
    graph = {
        name: {t for t in imports(name, path, known) if t in known and t != name}
        for name, path in known.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_each_layer_imports_only_what_it_may() -> None:
    assert forbidden_imports(PACKAGE) == []


def test_no_module_imports_itself_through_others() -> None:
    assert cycles(PACKAGE) == []


def test_the_tree_shows_the_three_layers() -> None:
    layers = {layer(name) for name in modules(PACKAGE)}
    assert {"core", "infra", "web"} <= layers
    assert layers - {"core", "infra", "web"} <= {None, "cli", "asgi"}


def test_the_checks_find_a_forbidden_import_and_a_circle(tmp_path: Path) -> None:
    package = tmp_path / "service"
    for folder in ("core", "infra", "web"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "core" / "rules.py").write_text("from fastapi import Request\nfrom ..infra import db\n")
    (package / "infra" / "db.py").write_text("def f():\n    from ..web import app\n")
    (package / "web" / "app.py").write_text("from ..core import rules\nfrom . import views\n")
    (package / "web" / "views.py").write_text("from .app import x\n")
    assert forbidden_imports(package) == [
        "service.core.rules imports fastapi",
        "service.core.rules imports service.infra.db",
        "service.infra.db imports service.web.app",
    ]
    assert cycles(package) == [
        ["service.core.rules", "service.infra.db", "service.web.app", "service.web.views"]
    ]


def test_every_module_says_what_it_owns() -> None:
    unexplained = [
        name for name, path in modules(PACKAGE).items() if not ast.get_docstring(ast.parse(path.read_text()))
    ]
    assert unexplained == []
