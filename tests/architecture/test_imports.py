"""The shape of the code, checked: no import cycles, and our own imports stay at module level.

import-linter (`make test`, contracts in pyproject.toml) checks which room may import which;
these two tests check what it does not: a cycle between any of our modules, and imports
tucked inside functions, which hide dependencies (and cycles) from every linter.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
OUR_PACKAGES = (
    "config",
    "shop_ai",
    "catalog",
    "content",
    "livestream",
    "webhooks",
    "trust",
    "locales",
)
# Each function-level import of our own modules needs a reason on its line or the one above.
MAX_FUNCTION_LEVEL_IMPORTS = 5


def _packages() -> list[str]:
    return [name for name in OUR_PACKAGES if (ROOT / name / "__init__.py").exists()]


def _strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_module_of_ours_imports_itself_through_others(monkeypatch):
    monkeypatch.setattr(sys, "path", [str(ROOT), *sys.path])
    graph = grimp.build_graph(*_packages(), cache_dir=None, exclude_type_checking_imports=True)
    cycles = _strongly_connected(graph)
    assert cycles == [], "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def _function_level_imports() -> list[tuple[str, int, str, bool]]:
    found = []
    for package in _packages():
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            lines = source.splitlines()
            for function in ast.walk(ast.parse(source)):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                        names = [node.module]
                    elif isinstance(node, ast.Import):
                        names = [alias.name for alias in node.names]
                    else:
                        continue
                    if not any(name.split(".")[0] in OUR_PACKAGES for name in names):
                        continue
                    line = lines[node.lineno - 1]
                    above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
                    explained = "#" in line or above.startswith("#")
                    found.append((str(path.relative_to(ROOT)), node.lineno, names[0], explained))
    # A nested function is walked twice (as itself and inside its parent).
    return sorted(set(found))


def test_our_imports_live_at_module_level_with_few_explained_exceptions():
    imports = _function_level_imports()
    listing = "\n".join(f"{path}:{line} {name}" for path, line, name, _ in imports)
    assert len(imports) <= MAX_FUNCTION_LEVEL_IMPORTS, (
        f"{len(imports)} function-level imports:\n{listing}"
    )
    unexplained = [f"{path}:{line} {name}" for path, line, name, ok in imports if not ok]
    assert unexplained == [], "function-level imports without a reason:\n" + "\n".join(unexplained)
