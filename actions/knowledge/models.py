"""SQLAlchemy models of the built knowledge database (content only: it is rebuilt from data/knowledge)."""
from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class TopicRow(Base):
    __tablename__ = "topics"
    slug = Column(String(64), primary_key=True)
    position = Column(Integer, nullable=False)
    title = Column(String(200), nullable=False)
    last_reviewed = Column(Date, nullable=False)
    evidence_level = Column(Text, nullable=False)
    short_answer = Column(Text, nullable=False)
    detailed_answer = Column(Text, nullable=False)
    plain_answer = Column(Text, nullable=False)
    evidence_summary = Column(Text, nullable=False)
    children_note = Column(Text)
    adults_note = Column(Text)
    key_points = relationship("KeyPointRow", order_by="KeyPointRow.position", cascade="all, delete-orphan")
    related = relationship("RelatedTopicRow", order_by="RelatedTopicRow.position", cascade="all, delete-orphan",
                           foreign_keys="RelatedTopicRow.topic_slug")
    citations = relationship("TopicSourceRow", order_by="TopicSourceRow.position", cascade="all, delete-orphan")
    terms = relationship("GlossaryTermRow", order_by="GlossaryTermRow.id", cascade="all, delete-orphan")


class KeyPointRow(Base):
    __tablename__ = "key_points"
    topic_slug = Column(String(64), ForeignKey("topics.slug"), primary_key=True)
    position = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)


class RelatedTopicRow(Base):
    __tablename__ = "related_topics"
    topic_slug = Column(String(64), ForeignKey("topics.slug"), primary_key=True)
    position = Column(Integer, primary_key=True)
    related_slug = Column(String(64), ForeignKey("topics.slug"), nullable=False)


class SourceRow(Base):
    __tablename__ = "sources"
    id = Column(String(100), primary_key=True)
    authors = Column(Text, nullable=False)
    year = Column(Integer)
    title = Column(Text, nullable=False)
    journal = Column(Text)
    pmid = Column(String(20))
    doi = Column(String(200))
    url = Column(Text)
    study_design = Column(Text, nullable=False)
    evidence_note = Column(Text, nullable=False)


class TopicSourceRow(Base):
    __tablename__ = "topic_sources"
    topic_slug = Column(String(64), ForeignKey("topics.slug"), primary_key=True)
    position = Column(Integer, primary_key=True)
    source_id = Column(String(100), ForeignKey("sources.id"), nullable=False)
    source = relationship(SourceRow)


class GlossaryTermRow(Base):
    """One row per phrase people may type; synonyms point at their main term and its definition."""
    __tablename__ = "glossary_terms"
    id = Column(Integer, primary_key=True)
    topic_slug = Column(String(64), ForeignKey("topics.slug"), nullable=False, index=True)
    phrase = Column(String(200), nullable=False)
    term = Column(String(200), nullable=False)
    definition = Column(Text)


class MythRow(Base):
    __tablename__ = "myths"
    id = Column(String(100), primary_key=True)
    position = Column(Integer, nullable=False)
    claim = Column(Text, nullable=False)
    phrasings = Column(Text, nullable=False)  # newline-separated; also indexed for search
    verdict = Column(String(20), nullable=False)
    correction = Column(Text, nullable=False)
    topic_slug = Column(String(64), ForeignKey("topics.slug"), nullable=False)
    citations = relationship("MythSourceRow", order_by="MythSourceRow.position", cascade="all, delete-orphan")


class MythSourceRow(Base):
    __tablename__ = "myth_sources"
    myth_id = Column(String(100), ForeignKey("myths.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    source_id = Column(String(100), ForeignKey("sources.id"), nullable=False)
    source = relationship(SourceRow)


class QuizQuestionRow(Base):
    __tablename__ = "quiz_questions"
    id = Column(String(100), primary_key=True)
    position = Column(Integer, nullable=False)
    topic_slug = Column(String(64), ForeignKey("topics.slug"), nullable=False)
    question = Column(Text, nullable=False)
    choices = Column(Text, nullable=False)  # JSON list of [key, text]
    answer = Column(String(10), nullable=False)
    explanation = Column(Text, nullable=False)


class TourStepRow(Base):
    __tablename__ = "tour_steps"
    position = Column(Integer, primary_key=True)
    topic_slug = Column(String(64), ForeignKey("topics.slug"), nullable=False)


class SearchDocumentRow(Base):
    """Text the full-text search ranks; kind is 'topic' or 'myth', ref is its slug or id."""
    __tablename__ = "search_documents"
    id = Column(Integer, primary_key=True)
    kind = Column(String(10), nullable=False)
    ref = Column(String(100), nullable=False)
    title = Column(Text, nullable=False)
    terms = Column(Text, nullable=False)
    body = Column(Text, nullable=False)


class MetaRow(Base):
    __tablename__ = "meta"
    key = Column(String(50), primary_key=True)
    value = Column(Text, nullable=False)
