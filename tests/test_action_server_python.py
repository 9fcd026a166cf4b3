"""The running action server is on a supported Python (3.12/3.13) with the pinned rasa-sdk, in .venv-actions,
while the Rasa server stays on Rasa's 3.10: the split of scripts/action_server.py, checked on the live processes
so that a regression (the action server started from .venv again) fails here."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from scripts import action_server
from scripts.processes import ROOT

pytestmark = pytest.mark.e2e


def interpreter_of(pid: int) -> tuple[str, tuple[int, int]]:
    """The command's interpreter (argv[0]) of a running process and the Python version of its executable."""
    argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
    executable = Path(f"/proc/{pid}/exe").resolve()  # the binary really running, whatever argv[0] says
    version = subprocess.run(
        [str(executable), "-c", "import sys; print(*sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.split()
    return argv0, (int(version[0]), int(version[1]))


def pinned(name: str) -> str:
    found = re.search(rf"^{re.escape(name)}==(\S+)", (ROOT / "requirements-actions.txt").read_text(), re.MULTILINE)
    assert found, f"{name} is pinned in requirements-actions.txt"
    return found.group(1)


def test_the_action_server_runs_on_a_supported_python_with_the_pinned_rasa_sdk(stack):
    assert stack.actions.process and stack.actions.process.poll() is None
    argv0, version = interpreter_of(stack.actions.process.pid)
    assert argv0 == action_server.python() == str(ROOT / ".venv-actions" / "bin" / "python")
    assert version in action_server.SUPPORTED, f"action server on Python {version}, not 3.12/3.13"
    sdk = subprocess.run(
        [argv0, "-c", "import rasa_sdk; print(rasa_sdk.__version__)"], capture_output=True, text=True, timeout=60
    ).stdout.strip()
    assert sdk == pinned("rasa-sdk")


def test_the_rasa_server_stays_on_python_3_10(stack):
    assert stack.rasa.process and stack.rasa.process.poll() is None
    assert interpreter_of(stack.rasa.process.pid)[1] == (3, 10)
