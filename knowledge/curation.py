"""What curators need from real conversations: feedback per topic and questions the bot could not answer.

Kept in its own database (CURATION_DATABASE_URL) because the knowledge database is rebuilt from content.
Only the topic is stored with feedback, never the message; unanswered text is stored with e-mail addresses
and phone numbers removed.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base

from .database import make_engine
from .settings import curation_url

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


class UnansweredRow(CurationBase):
    __tablename__ = "unanswered"
    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False)


def redact(text: str) -> str:
    """Remove e-mail addresses and phone numbers, collapse whitespace, lower-case for counting."""
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub(
        lambda m: "[phone]" if sum(c.isdigit() for c in m.group()) >= MIN_PHONE_DIGITS else m.group(), text
    )
    return " ".join(text.split()).lower()


class CurationStore:
    def __init__(self, url: str | None = None):
        self.url = url or curation_url()
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = make_engine(self.url, create_folder=True)
                CurationBase.metadata.create_all(self._engine)
            return self._engine

    def record_feedback(self, topic_slug: str, helpful: bool) -> None:
        with Session(self.engine) as session, session.begin():
            session.add(FeedbackRow(topic_slug=topic_slug, helpful=helpful, created_at=dt.datetime.utcnow()))

    def record_unanswered(self, text: str) -> str:
        cleaned = redact(text)[:500]
        if cleaned:
            with Session(self.engine) as session, session.begin():
                session.add(UnansweredRow(text=cleaned, created_at=dt.datetime.utcnow()))
        return cleaned

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
