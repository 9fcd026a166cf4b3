"""The built knowledge database: each content item as a JSON document (see documents.py), plus its fingerprint.

Content is read-only at run time and the store holds it in memory, so the database only has to keep items
and their order; the texts are never queried column by column.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base: Any = declarative_base()  # SQLAlchemy 1.4's declarative base has no static type

# Kinds of documents: one row per source, topic, myth, specific answer and quiz question; the tour and the menu
# are one list each.
SOURCE, TOPIC, MYTH, ANSWER, QUESTION, LIST = "source", "topic", "myth", "answer", "question", "list"


class DocumentRow(Base):
    __tablename__ = "documents"
    kind = Column(String(20), primary_key=True)
    key = Column(String(100), primary_key=True)  # the slug or id
    position = Column(Integer, nullable=False)  # content order (topics: menu order)
    body = Column(Text, nullable=False)  # JSON of the content dataclass


class MetaRow(Base):
    __tablename__ = "meta"
    key = Column(String(50), primary_key=True)
    value = Column(Text, nullable=False)
