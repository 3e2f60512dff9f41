"""The plan of the house, checked: no import cycles, and each third-party library behind the one
module of ours that wraps it (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "feeder"

WRAPPED = {
    "feedgen": {"feeder.publish.feeds"},
    "requests": {"feeder.fetch"},
    "bs4": {"feeder.sources.news_parser"},
    "uvicorn": {"feeder.server", "feeder.server.protocol"},
    "httptools": {"feeder.server.protocol"},
    "jinja2": {"feeder.templating"},
    "nh3": {"feeder.text"},
    "yaml": {"feeder.config"},
}
"""Library → the only modules that may import it."""


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(name: str, *, module_level: bool) -> set[str]:
    """What module ``name`` imports (absolute names; for ``from x import y``, ``x.y`` when that
    is a module, else ``x``). ``module_level``: only imports that run when the module is
    imported (not inside functions, not under ``if TYPE_CHECKING``)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes: list[ast.AST] = []
    if module_level:
        for node in tree.body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            nodes.extend(ast.walk(node))
    else:
        nodes = list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                full = f"{target}.{alias.name}"
                found.add(full if full in MODULES else target)
    return found


def test_no_import_cycles() -> None:
    graph = {
        name: {dep for dep in _imports(name, module_level=True) if dep in MODULES and dep != name}
        for name in MODULES
    }
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = [*path[path.index(name):], name]
            pytest.fail("import cycle: " + " → ".join(cycle))
        if name in done:
            return
        for dep in sorted(graph[name]):
            visit(dep, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


@pytest.mark.parametrize("library", sorted(WRAPPED))
def test_each_library_lives_behind_one_module(library: str) -> None:
    importers = {
        name for name in MODULES
        if any(dep == library or dep.startswith(library + ".")
               for dep in _imports(name, module_level=False))
    }
    assert importers == WRAPPED[library]


def test_the_checks_can_fail() -> None:
    """The import reader sees a relative import and a lazy one (so the checks above bite)."""
    assert "feeder.errors" in _imports("feeder.fetch", module_level=True)
    assert "feeder.scheduler" not in _imports("feeder.app", module_level=True)
    assert "feeder.scheduler" in _imports("feeder.app", module_level=False)
