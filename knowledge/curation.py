"""What curators need from real conversations: feedback per topic and questions the bot could not answer.

Kept in its own database (CURATION_DATABASE_URL) because the knowledge database is rebuilt from content.
Only the topic is stored with feedback, never the message; unanswered text is stored with e-mail addresses
and phone numbers removed. It often tells of someone's health, so it is kept UNANSWERED_RETENTION_DAYS at most
(`make forget-old`), and with a sender key so that "delete my data" removes it too: a keyed hash (HMAC-SHA256)
of the sender id, not the id itself, as the id can name a person (a Telegram chat, a Slack user) and these rows
outlive the conversation. The key is CURATION_SENDER_SECRET, or else a random one made once and kept in this
database (the Rasa server deletes what the action server wrote: both must derive the same key).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import threading
from collections import Counter
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, delete, func, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, declarative_base

from .database import make_engine
from .settings import curation_url, storage

CurationBase: Any = declarative_base()  # SQLAlchemy 1.4's declarative base has no static type

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)\+?\(?\d[\d\s().-]{6,}\d(?!\w)")
MIN_PHONE_DIGITS = 9  # fewer digits are years, ranges or counts, not phone numbers


class FeedbackRow(CurationBase):
    __tablename__ = "feedback"
    id = Column(Integer, primary_key=True)
    topic_slug = Column(String(64), nullable=False, index=True)
    helpful = Column(Boolean, nullable=False)
    created_at = Column(DateTime, nullable=False)
    answer_id = Column(String(100))  # the specific answer rated, when it was one; NULL for a topic card (and old rows)


class UnansweredRow(CurationBase):
    __tablename__ = "unanswered"
    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, index=True)
    sender_key = Column(String(64), index=True)  # sender_key(sender id); NULL in rows stored before it existed


class SecretRow(CurationBase):
    """The key of the sender hashes when CURATION_SENDER_SECRET is not set (one row)."""

    __tablename__ = "sender_secret"
    id = Column(Integer, primary_key=True)
    secret = Column(String(64), nullable=False)


def redact(text: str) -> str:
    """Remove e-mail addresses and phone numbers, collapse whitespace, lower-case for counting."""
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub(
        lambda m: "[phone]" if sum(c.isdigit() for c in m.group()) >= MIN_PHONE_DIGITS else m.group(), text
    )
    return " ".join(text.split()).lower()


def durable_commit(session: Session) -> None:
    """Make this transaction's commit wait for the disk on PostgreSQL, whatever the server's or connection's
    synchronous_commit: a deletion the user is told about must survive a database crash. (SQLite: nothing to do.)"""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit = on"))


def _add_missing_column(engine: Engine, table: str, column: str, sql_type: str, index: bool = False) -> None:
    """Add a column to a database made before it existed (create_all adds tables, not columns)."""
    if column in {existing["name"] for existing in inspect(engine).get_columns(table)}:
        return
    with engine.begin() as connection:
        connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}"))
        if index:
            connection.execute(text(f"CREATE INDEX IF NOT EXISTS ix_{table}_{column} ON {table} ({column})"))


class CurationStore:
    def __init__(self, url: str | None = None):
        self.url = url or curation_url()
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._secret: bytes | None = None

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                engine = make_engine(self.url, create_folder=True)
                CurationBase.metadata.create_all(engine)
                _add_missing_column(engine, "unanswered", "sender_key", "VARCHAR(64)", index=True)
                _add_missing_column(engine, "feedback", "answer_id", "VARCHAR(100)")  # nullable: old rows rated a topic
                self._engine = engine
            return self._engine

    def sender_key(self, sender_id: str) -> str:
        """The keyed hash stored with a sender's unanswered questions (the id cannot be read back from it)."""
        if self._secret is None:
            self._secret = (storage().curation_sender_secret or self._stored_secret()).encode()
        return hmac.new(self._secret, sender_id.encode(), hashlib.sha256).hexdigest()

    def _stored_secret(self) -> str:
        with Session(self.engine) as session:
            if session.get(SecretRow, 1) is None:
                try:
                    with Session(self.engine) as writer, writer.begin():
                        writer.add(SecretRow(id=1, secret=secrets.token_hex(32)))
                except IntegrityError:  # another process made it first: use theirs
                    pass
        with Session(self.engine) as session:
            return str(session.get(SecretRow, 1).secret)

    def record_feedback(self, topic_slug: str, helpful: bool, answer_id: str | None = None) -> None:
        with Session(self.engine) as session, session.begin():
            session.add(
                FeedbackRow(
                    topic_slug=topic_slug, helpful=helpful, created_at=dt.datetime.utcnow(), answer_id=answer_id
                )
            )

    def record_unanswered(self, text: str, sender_id: str | None = None) -> str:
        cleaned = redact(text)[:500]
        if cleaned:
            key = self.sender_key(sender_id) if sender_id else None
            with Session(self.engine) as session, session.begin():
                session.add(UnansweredRow(text=cleaned, created_at=dt.datetime.utcnow(), sender_key=key))
        return cleaned

    def forget_sender(self, sender_id: str) -> int:
        """Delete a sender's unanswered questions ("delete my data"), durably; the number deleted."""
        key = self.sender_key(sender_id)
        with Session(self.engine) as session, session.begin():
            durable_commit(session)
            result = session.execute(delete(UnansweredRow).where(UnansweredRow.sender_key == key))
        return int(result.rowcount)

    def forget_unanswered_older_than(self, days: float) -> int:
        """Delete the unanswered questions stored more than `days` ago; the number deleted."""
        cutoff = dt.datetime.utcnow() - dt.timedelta(days=days)
        with Session(self.engine) as session, session.begin():
            durable_commit(session)
            result = session.execute(delete(UnansweredRow).where(UnansweredRow.created_at < cutoff))
        return int(result.rowcount)

    def feedback_summary(self) -> dict[str, tuple[int, int]]:
        """topic slug -> (helpful, not helpful)."""
        with Session(self.engine) as session:
            rows = session.execute(
                select(FeedbackRow.topic_slug, FeedbackRow.helpful, func.count()).group_by(
                    FeedbackRow.topic_slug, FeedbackRow.helpful
                )
            ).all()
        summary: dict[str, list[int]] = {}
        for slug, helpful, count in rows:
            summary.setdefault(slug, [0, 0])[0 if helpful else 1] += count
        return {slug: (up, down) for slug, (up, down) in summary.items()}

    def frequent_unanswered(self, limit: int = 10) -> list[tuple[str, int]]:
        with Session(self.engine) as session:
            texts = session.execute(select(UnansweredRow.text)).scalars().all()
        return Counter(texts).most_common(limit)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
