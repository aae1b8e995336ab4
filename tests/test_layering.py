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
