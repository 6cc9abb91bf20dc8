"""The layer rules of DESIGN.md, as tests.

Imported modules are checked in a fresh interpreter (what loading a layer really pulls in);
the package's own imports are read from the source (every import, at the top of a module or
inside a function, except those made for type checking alone), so that a rule cannot be
dodged by importing late.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "policybench"


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """The modules of the package that ``module`` imports (submodules where named)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            node.body = []  # walked after this node: forget what only the type checker sees
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in MODULES:  # `import policybench.x.y` imports policybench.x.y
                name = name.rpartition(".")[0]
            if name.startswith("policybench") and name != "policybench" and name != module:
                yield name


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = set(_imports(tree, name, path.name == "__init__.py"))
    return graph


GRAPH = _graph()


def _in_fresh_interpreter(modules: list[str], forbidden: set[str]) -> None:
    code = (
        f"import sys, importlib; [importlib.import_module(m) for m in {modules!r}]; "
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {sorted(forbidden)!r} "
        f"or any(m == f or m.startswith(f + '.') for f in {sorted(forbidden)!r})); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _layer(prefix: str) -> list[str]:
    return [m for m in MODULES if m == prefix or m.startswith(prefix + ".")]


@pytest.mark.parametrize(
    "module",
    [
        "policybench",
        "policybench.mcda",
        "policybench.robustness",
        "policybench.catalog",
        "policybench.group",
    ],
)
def test_core_stays_free_of_ui_and_database(module: str) -> None:
    _in_fresh_interpreter([module], {"streamlit", "sqlalchemy", "altair", "psycopg", "pandas"})


def test_analysis_never_loads_pandas_streamlit_or_the_store() -> None:
    _in_fresh_interpreter(
        _layer("policybench.analysis"),
        {"pandas", "streamlit", "altair", "sqlalchemy", "policybench.store"},
    )


def test_present_never_loads_streamlit_or_the_store() -> None:
    _in_fresh_interpreter(
        _layer("policybench.present"), {"streamlit", "sqlalchemy", "policybench.store"}
    )


def test_export_never_loads_streamlit_or_the_store() -> None:
    _in_fresh_interpreter(
        _layer("policybench.export"), {"streamlit", "sqlalchemy", "policybench.store"}
    )


def test_nothing_below_the_ui_imports_it() -> None:
    offenders = {
        m: sorted(i for i in imported if i.startswith("policybench.ui"))
        for m, imported in GRAPH.items()
        if not m.startswith("policybench.ui") and not m.startswith("policybench.cli")
    }
    assert not {m: i for m, i in offenders.items() if i}


@pytest.mark.parametrize(
    ("layer", "never"),
    [
        (
            "policybench.analysis",
            ("policybench.present", "policybench.export", "policybench.store", "policybench.cli"),
        ),
        ("policybench.present", ("policybench.export", "policybench.store", "policybench.cli")),
        ("policybench.export", ("policybench.store", "policybench.cli")),
        (
            "policybench.store",
            ("policybench.analysis", "policybench.present", "policybench.export"),
        ),
    ],
)
def test_layers_point_one_way(layer: str, never: tuple[str, ...]) -> None:
    wrong = {m: sorted(i for i in GRAPH[m] if i.startswith(never)) for m in _layer(layer)}
    assert not {m: i for m, i in wrong.items() if i}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_package_has_no_import_cycles() -> None:
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_at_most_three_modules_beside_the_packages_init() -> None:
    root = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert len(root) <= 3, root
    assert {"errors.py", "group.py"} <= set(root)
