"""Where the knowledge store lives. Paths are derived from this file, never from the current directory."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONTENT_DIR = PROJECT_ROOT / "data" / "knowledge"
BUILD_DIR = PROJECT_ROOT / "build"

DATABASE_URL_ENV = "KNOWLEDGE_DATABASE_URL"
CURATION_URL_ENV = "CURATION_DATABASE_URL"


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def database_url() -> str:
    """URL of the built knowledge database (content only; rebuilt from data/knowledge)."""
    return os.environ.get(DATABASE_URL_ENV) or _sqlite_url(BUILD_DIR / "knowledge.db")


def curation_url() -> str:
    """URL of the curation database (feedback and unanswered questions; kept across rebuilds)."""
    return os.environ.get(CURATION_URL_ENV) or _sqlite_url(PROJECT_ROOT / "var" / "curation.db")
