"""The one way this package opens a database: the same engine settings for the knowledge and curation stores."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL; None for other databases (and for in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def with_installed_driver(url: str) -> str:
    """A PostgreSQL URL without a driver names psycopg2, the driver both environments install: SQLAlchemy 2 (the
    action server's) would otherwise pick psycopg 3, and Rasa's tracker store URL names no driver."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        return parsed.set(drivername="postgresql+psycopg2").render_as_string(hide_password=False)
    return url


def make_engine(url: str, create_folder: bool = False) -> Engine:
    """An engine whose pooled connections are tested before use (a restarted PostgreSQL leaves dead ones)."""
    path = sqlite_file(url)
    if path is not None and create_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    return create_engine(with_installed_driver(url), future=True, pool_pre_ping=True)
