"""scripts/find_python.sh picks the interpreter `.venv` is built with: Python 3.10 only, as the README says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "find_python.sh"
OTHER_PYTHONS = sorted(Path.home().glob(".pyenv/versions/3.*/bin/python"))


def find_python(python: str, tmp_path: Path) -> subprocess.CompletedProcess:
    # Nothing else on PATH: only PYTHON and pyenv's own 3.10 (when there is one) can be chosen.
    env = {"PYTHON": python, "PATH": f"{tmp_path}:/usr/bin:/bin", "HOME": str(Path.home())}
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


def test_the_python_of_the_tests_is_accepted(tmp_path: Path):
    assert sys.version_info[:2] == (3, 10)
    assert find_python(sys.executable, tmp_path).stdout.strip() == sys.executable


@pytest.mark.parametrize(
    "python",
    [p for p in OTHER_PYTHONS if not p.parts[-3].startswith("3.10.")]
    or [pytest.param(None, marks=pytest.mark.skip("no other Python under pyenv"))],
)
def test_another_python_is_never_chosen(python: Path, tmp_path: Path):
    result = find_python(str(python), tmp_path)
    assert result.stdout.strip() != str(python)
    if result.returncode != 0:
        assert "no Python 3.10 found" in result.stderr


def test_the_readme_asks_for_the_version_the_script_accepts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "You need Python 3.10" in readme
    assert not re.search(r"Python 3\.[89]|3\.8-3\.10|3\.9-3\.10", readme)


def test_the_action_environment_never_gets_rasas_python(tmp_path: Path):
    # `find_python.sh actions` builds .venv-actions: 3.13 or 3.12 only, never the 3.10 of the tests
    env = {"ACTIONS_PYTHON": sys.executable, "PATH": f"{tmp_path}:/usr/bin:/bin", "HOME": str(Path.home())}
    result = subprocess.run(["bash", str(SCRIPT), "actions"], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() != sys.executable
    if result.returncode == 0:
        assert re.search(r"3\.1[23]", result.stdout)
    else:
        assert "no Python 3.13 or 3.12 found" in result.stderr
