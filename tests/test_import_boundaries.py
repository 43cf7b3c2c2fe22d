"""What the production code may not import: the demo seed data (demo/, used by `manage.py
seed-demo` and tests) stays out of resolvers/ and schema/, and the benchmark twin (bench/app.py
wraps the production app itself) stays out of the production app altogether. Read from the
source with ast, so a function-local import is caught too."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def sources(*names: str) -> Iterator[Path]:
    for name in names:
        path = ROOT / name
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for every absolute import in the file, at any depth."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def offenders(package: str, *names: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sources(*names)
        for line, module in imported(path)
        if module == package or module.startswith(f"{package}.")
    ]


def test_the_scan_sees_function_local_imports(tmp_path: Path) -> None:
    source = tmp_path / "x.py"
    source.write_text("import demo.catalog\n\ndef f():\n    from bench import handwritten\n")
    assert [module for _, module in imported(source)] == ["demo.catalog", "bench"]


@pytest.mark.parametrize("folder", ["resolvers", "schema"])
def test_no_module_under_resolvers_or_schema_imports_demo(folder: str) -> None:
    assert list(sources(folder)), folder
    assert offenders("demo", folder) == []


def test_the_production_app_never_imports_bench() -> None:
    assert offenders("bench", "app.py", "settings.py", "manage.py", "models", "resolvers", "schema") == []
