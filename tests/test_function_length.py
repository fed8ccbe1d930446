"""No function is over 60 lines: a longer one is asking to be split.

A function counts from its first decorator (or `def`) to its last line, docstring and
comments included; a nested function counts within its outer one as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

MAX_LINES = 60
CHECKED_DIRECTORIES = ["src", "overrides/hooks", "scripts", "bench"]


def checked_files(root: Path = ROOT) -> list[Path]:
    return [path for directory in CHECKED_DIRECTORIES for path in sorted((root / directory).rglob("*.py"))]


def too_long(path: Path, root: Path = ROOT) -> list[str]:
    """`file:line name (n lines)` for each function of the file over MAX_LINES lines."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - start + 1
            if length > MAX_LINES:
                found.append(f"{path.relative_to(root).as_posix()}:{start} {node.name} ({length} lines)")
    return found


def test_no_function_is_over_60_lines() -> None:
    files = checked_files()
    assert ROOT / "src" / "comments_service" / "cli" / "__init__.py" in files
    assert [problem for path in files for problem in too_long(path)] == []


def test_the_check_counts_decorators_and_nested_functions(tmp_path: Path) -> None:
    folder = tmp_path / "scripts"
    folder.mkdir()
    body = "".join(f"    x{n} = {n}\n" for n in range(57))
    (folder / "fits.py").write_text(f"def outer():\n    def inner():\n        pass\n{body}")
    (folder / "long.py").write_text(f"@decorated\ndef outer():\n    def inner():\n        pass\n{body}")
    assert [problem for path in checked_files(tmp_path) for problem in too_long(path, tmp_path)] == [
        "scripts/long.py:1 outer (61 lines)"
    ]
