"""What the production code may not import: the demo seed data (demo/, used by `manage.py
seed-demo` and tests) stays out of resolvers/ and schema/, and the benchmark twin (bench/app.py
wraps the production app itself) stays out of the production app altogether. Imports flow one
way (schema -> resolvers -> models), form no cycle, and sit at module level (STYLE.md). Read
from the source with ast, so a function-local import is caught too."""

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


# ------------------------------------------------------------------ one-way imports, no cycle, none local

#: The application's own code, whose imports must form no cycle.
APP = ("app.py", "models", "resolvers", "schema")


def is_type_checking(node: ast.If) -> bool:
    """`if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`): imports there are for annotations only."""
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(path: Path) -> Iterator[tuple[int, ast.Import | ast.ImportFrom, bool]]:
    """(line, import, local) for every import that runs (not under `if TYPE_CHECKING:`); `local`
    when it sits in a function or class body rather than at module level."""

    def visit(node: ast.AST, local: bool) -> Iterator[tuple[int, ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and is_type_checking(child):
                for other in child.orelse:
                    yield from visit_one(other, local)
                continue
            yield from visit_one(child, local)

    def visit_one(node: ast.AST, local: bool) -> Iterator[tuple[int, ast.Import | ast.ImportFrom, bool]]:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node.lineno, node, local
        inner = local or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)
        yield from visit(node, inner)

    yield from visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), False)


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path, *names: str) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for name in names:
        path = root / name
        for source in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            found[module_name(root, source)] = source
    return found


def targets(node: ast.Import | ast.ImportFrom, importer: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The modules of `known` an import loads: `from a import b` is a.b when that is a module."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
        yield from (name for name in names if name in known)
        return
    base = node.module or ""
    if node.level:  # relative: from the importer's package
        package = importer.split(".") if path.name == "__init__.py" else importer.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        target = sub if sub in known else base
        if target in known:
            yield target


def import_graph(root: Path, *names: str) -> dict[str, set[str]]:
    """Module -> the modules (among `names`) it imports at run time."""
    known = modules(root, *names)
    return {
        name: {t for _, node, _ in runtime_imports(path) for t in targets(node, name, path, known)}
        for name, path in known.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import one another in a circle (Tarjan's strongly connected
    components), a module that imports itself included."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph[v]:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return sorted(found)


def local_imports(*paths: Path) -> list[str]:
    return [
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{line}"
        for path in paths
        for line, _, local in runtime_imports(path)
        if local
    ]


def test_the_checks_see_a_planted_cycle_and_a_local_import(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("from pkg.b import B\n")
    (tmp_path / "pkg" / "b.py").write_text("from pkg import c\n\nB = 1\n")
    (tmp_path / "pkg" / "c.py").write_text("import pkg.a\n")
    (tmp_path / "pkg" / "d.py").write_text(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg.e import E\n\n"
        "class D:\n    def f(self):\n        from pkg.e import E\n"
    )
    (tmp_path / "pkg" / "e.py").write_text("from . import d\nfrom .e import E\n\nE = 1\n")
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.d"] == {"pkg.e"}  # the function-local one; the TYPE_CHECKING one does not count
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"], ["pkg.d", "pkg.e"]]
    assert local_imports(tmp_path / "pkg" / "d.py") == [f"{tmp_path / 'pkg' / 'd.py'}:8"]
    (tmp_path / "pkg" / "d.py").write_text("from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import pkg.e\n")
    (tmp_path / "pkg" / "c.py").write_text("")
    assert cycles(import_graph(tmp_path, "pkg")) == [["pkg.e"]]  # e imports itself
    assert local_imports(tmp_path / "pkg" / "d.py") == []


def test_imports_flow_from_schema_to_resolvers_to_models() -> None:
    """schema -> resolvers -> models, even for annotations: models imports neither, resolvers never
    imports schema, and resolvers/core (the Context and its loader registry) imports no domain."""
    assert offenders("resolvers", "models") == []
    assert offenders("schema", "models", "resolvers") == []
    domains = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sources("resolvers/core")
        for line, module in imported(path)
        if module.startswith("resolvers.") and not module.startswith("resolvers.core")
    ]
    assert domains == []


def test_no_import_cycle() -> None:
    graph = import_graph(ROOT, *APP)
    assert {"app", "models", "resolvers.core.context", "schema.catalog"} <= graph.keys()
    assert "resolvers.core.errors" in graph["resolvers.core.access"]  # the graph sees run-time imports
    assert cycles(graph) == []


def test_no_function_local_import() -> None:
    assert local_imports(*sources(*APP)) == []
