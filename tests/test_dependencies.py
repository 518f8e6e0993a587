"""The dependencies pyproject.toml declares are exactly the third-party packages slides/ imports."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from conftest import ROOT

# Declared, never imported: used as data or as a program.
NOT_IMPORTED = {
    "font-lato": "the theme's font files (templates/themes/default/theme.yaml: package: font_lato)",
}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return {
        normalized(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0])
        for spec in project["dependencies"]
    }


def imported_modules() -> set[str]:
    """Top-level names of every absolute import in slides/ (inside functions too)."""
    names = set()
    for path in (ROOT / "slides").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"slides", "__future__"}


def test_declared_dependencies_equal_the_imported_ones() -> None:
    distributions = packages_distributions()
    unknown = {name for name in imported_modules() if name not in distributions}
    assert not unknown, f"imported but not installed: {unknown}"
    imported = {normalized(d) for name in imported_modules() for d in distributions[name]}
    assert imported - declared() == set(), "imported but not declared in pyproject.toml"
    assert declared() - imported == set(NOT_IMPORTED), "declared but never imported"
