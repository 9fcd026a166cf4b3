"""Where the knowledge store lives. Paths are derived from this file, never from the current directory."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONTENT_DIR = PROJECT_ROOT / "data" / "knowledge"
BUILD_DIR = PROJECT_ROOT / "build"

DATABASE_URL_ENV = "KNOWLEDGE_DATABASE_URL"
CURATION_URL_ENV = "CURATION_DATABASE_URL"
TRACKER_STORE_URL_ENV = "TRACKER_STORE_URL"
CURATION_SECRET_ENV = "CURATION_SENDER_SECRET"  # the key of the sender hashes kept with unanswered questions
UNANSWERED_RETENTION_ENV = "UNANSWERED_RETENTION_DAYS"
# Unanswered questions often tell of someone's health: long enough for curators to write answers, then gone.
DEFAULT_UNANSWERED_RETENTION_DAYS = 90.0


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def database_url() -> str:
    """URL of the built knowledge database (content only; rebuilt from data/knowledge)."""
    return os.environ.get(DATABASE_URL_ENV) or _sqlite_url(BUILD_DIR / "knowledge.db")


def curation_url() -> str:
    """URL of the curation database (feedback and unanswered questions; kept across rebuilds)."""
    return os.environ.get(CURATION_URL_ENV) or _sqlite_url(PROJECT_ROOT / "var" / "curation.db")


def tracker_store_url() -> str:
    """URL of Rasa's tracker store (the conversations), as scripts/endpoints.py configures it: read-only here."""
    return os.environ.get(TRACKER_STORE_URL_ENV) or _sqlite_url(BUILD_DIR / "trackers.db")


def unanswered_retention_days() -> float:
    """How long unanswered questions are kept (`make forget-old` deletes older ones)."""
    return float(os.environ.get(UNANSWERED_RETENTION_ENV) or DEFAULT_UNANSWERED_RETENTION_DAYS)
