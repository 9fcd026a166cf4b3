"""Fixtures shared by the unit tests: content folders and knowledge databases built into temporary files.

No unit test reads or writes the project's own build/ or var/ databases: every test starts with both database
URLs pointing into its own temporary folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from knowledge.builder import build
from knowledge.content import Content, load_content
from knowledge.settings import CONTENT_DIR, CURATION_URL_ENV, DATABASE_URL_ENV
from knowledge.store import KnowledgeStore

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "content"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def read_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write_yaml(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def edit_yaml(path: Path, change) -> None:
    """Load a YAML file, let `change` modify the data in place, write it back."""
    data = read_yaml(path)
    change(data)
    write_yaml(path, data)


@pytest.fixture(autouse=True)
def _isolated_databases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point both database URLs at (missing) files in the test's own folder, so nothing touches build/ or var/."""
    monkeypatch.setenv(DATABASE_URL_ENV, sqlite_url(tmp_path / "no-knowledge-here.db"))
    monkeypatch.setenv(CURATION_URL_ENV, sqlite_url(tmp_path / "isolated-curation.db"))


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private, editable copy of the minimal valid fixture content."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


@pytest.fixture(scope="session")
def real_content() -> Content:
    return load_content(CONTENT_DIR)


@pytest.fixture(scope="session")
def real_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real data/knowledge content built once per session into a temporary database (read-only use)."""
    url = sqlite_url(tmp_path_factory.mktemp("real-knowledge") / "knowledge.db")
    build(CONTENT_DIR, url)
    # the sentence vectors too, as `make run` does: the action server's store does not wait for them, so after a
    # content change a test would otherwise race their embedding in the background
    store = KnowledgeStore(url)
    store.has_meanings()
    store.dispose()
    return url


@pytest.fixture(scope="session")
def fixture_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The minimal fixture content built once per session (read-only use)."""
    url = sqlite_url(tmp_path_factory.mktemp("fixture-knowledge") / "knowledge.db")
    build(FIXTURE_CONTENT, url)
    return url


@pytest.fixture
def undo_rasa_patches(monkeypatch: pytest.MonkeyPatch):
    """The Rasa server's start-up patches (action_failures, action_calls) that a test installs are undone after it,
    so that no result depends on which tests ran before. (monkeypatch restores what it recorded here.)"""
    from rasa.core.actions.action import RemoteAction

    from rasa_ext.patches import action_failures

    for name in ("run", "_validate_action_result", "_action_call_format"):
        monkeypatch.setattr(RemoteAction, name, RemoteAction.__dict__[name])
    monkeypatch.setattr(action_failures, "_installed", action_failures._installed)
    monkeypatch.setattr(action_failures, "_patched", action_failures._patched)
