"""Imports point one way: knowledge ← safety ← rasa_ext ← scripts/deploy, and actions beside them.

knowledge/, safety/ and actions/ run or are tested without Rasa (actions/ and knowledge/ in the action server's
own Python, where Rasa is not installed), so they never import it; nothing outside tests/ imports tests.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("knowledge", "safety", "actions", "rasa_ext", "scripts", "deploy", "benchmarks")
# What each package must not import (top-level names of modules).
FORBIDDEN = {
    "knowledge": {"rasa", "rasa_sdk", "rasa_ext", "safety", "actions", "scripts", "deploy", "tests"},
    "safety": {"rasa", "rasa_sdk", "rasa_ext", "actions", "scripts", "deploy", "tests"},
    "actions": {"rasa", "rasa_ext", "safety", "scripts", "deploy", "tests"},
    "rasa_ext": {"rasa_sdk", "actions", "scripts", "deploy", "tests"},
    "scripts": {"tests"},
    "deploy": {"tests"},
    "benchmarks": {"tests"},
}


def imported_top_levels(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_one_way(package: str):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_top_levels(path) & FORBIDDEN[package])
        for path in sorted((ROOT / package).rglob("*.py"))
        if "__pycache__" not in path.parts
    }
    assert not {path: names for path, names in wrong.items() if names}


def test_the_old_packages_are_gone():
    assert not (ROOT / "nlu_components").exists() and not (ROOT / "connectors").exists()
