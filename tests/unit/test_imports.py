"""Imports point one way: nothing outside tests/ imports the tests (the benchmark and the deployment start the
servers with deploy/processes.py and deploy/stack.py, which the tests import too)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {"tests", "node_modules", ".venv", ".venv-actions", "build", ".git", ".mypy_cache", ".ruff_cache"}


def imports_of_tests(source: str, where: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename=where)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        found += [f"{where}:{node.lineno}: {n}" for n in names if n == "tests" or n.startswith("tests.")]
    return found


def test_no_module_outside_tests_imports_tests():
    paths = [p for p in sorted(ROOT.rglob("*.py")) if not SKIPPED & set(p.relative_to(ROOT).parts)]
    assert len(paths) > 50
    found = [line for p in paths for line in imports_of_tests(p.read_text(encoding="utf-8"), str(p.relative_to(ROOT)))]
    assert not found, "move what these need out of tests/ (e.g. into deploy/):\n" + "\n".join(found)


def test_the_check_sees_both_kinds_of_import():
    source = "import tests.support.rest\nfrom tests.support.web import x\nfrom .tests import y\nimport testsuite\n"
    assert imports_of_tests(source, "probe.py") == ["probe.py:1: tests.support.rest", "probe.py:2: tests.support.web"]
