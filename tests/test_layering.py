"""Layering rules read from the source (issue 18): the API calls services and selectors,
never a module's views. The imports are read with `ast`, so a moved helper that is
imported back from a views module fails here, wherever the import sits in the file."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lienhe"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, *, top_level_only: bool = False) -> set[str]:
    """Dotted names of the modules `path` imports (relative imports resolved; for
    `from pkg import name` both `pkg` and `pkg.name` are listed, since `name` may be a
    submodule)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return found


def is_views_module(name: str) -> bool:
    last = name.rpartition(".")[2]
    return last == "views" or last.startswith("views_")


def test_the_helper_sees_relative_and_absolute_views_imports(tmp_path):
    pkg = ROOT / "lienhe" / "api" / "endpoints"
    fake = pkg / "_layering_probe.py"
    fake.write_text(
        "from lienhe.liaison.views import x\ndef f():\n    from ...meetings import views_report\n",
        encoding="utf-8",
    )
    try:
        names = imported_modules(fake)
    finally:
        fake.unlink()
    assert "lienhe.liaison.views" in names
    assert "lienhe.meetings.views_report" in names


def test_api_imports_no_views_module_of_another_app():
    offenders = []
    for path in sorted((PACKAGE / "api").rglob("*.py")):
        for name in imported_modules(path):
            if not name.startswith("lienhe.") or not is_views_module(name):
                continue
            if name.startswith("lienhe.api."):
                continue  # the API app's own token pages, wired by lienhe/api/urls.py
            offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def project_import_graph() -> dict[str, set[str]]:
    """Module → project modules it imports when it is loaded (top-level statements
    only: imports inside functions or under `if TYPE_CHECKING:` do not run then)."""
    modules = {
        module_name(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {
            target
            for target in imported_modules(path, top_level_only=True)
            if target in modules and target != name
        }
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_project_modules_import_each_other_without_cycles():
    graph = project_import_graph()
    assert "lienhe.access.scoping" in graph["lienhe.orgs.models"]  # the graph is read
    assert import_cycles(graph) == []
