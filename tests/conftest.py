"""Shared fixtures. The `stack` fixture starts the real servers once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.stack import Stack

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory):
    running = Stack(tmp_path_factory.mktemp("stack")).start()
    yield running
    running.stop()
