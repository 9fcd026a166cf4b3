"""Build the knowledge database from validated content, atomically."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from . import search
from .content import Content, load_content
from .fingerprint import content_fingerprint
from .models import (Base, GlossaryTermRow, KeyPointRow, MetaRow, MythRow, MythSourceRow, QuizQuestionRow,
                     RelatedTopicRow, SearchDocumentRow, SourceRow, TopicRow, TopicSourceRow, TourStepRow)


def _rows(content: Content) -> list[list[Base]]:
    """Rows in groups that must be inserted in order: foreign keys point only at earlier groups."""
    sources: list[Base] = [SourceRow(**vars(s)) for s in content.sources.values()]
    topics: list[Base] = []
    rows: list[Base] = []  # everything that points at a source or a topic
    menu_order = {slug: i for i, slug in enumerate(content.menu)}
    ordered = sorted(content.topics.values(), key=lambda t: (menu_order.get(t.slug, len(menu_order)), t.slug))
    for position, topic in enumerate(ordered):
        phrases = [phrase for g in topic.glossary for phrase in (g.term, *g.synonyms)]
        row = TopicRow(slug=topic.slug, position=position, title=topic.title, last_reviewed=topic.last_reviewed,
                       evidence_level=topic.evidence_level, short_answer=topic.short_answer,
                       detailed_answer=topic.detailed_answer, plain_answer=topic.plain_answer,
                       evidence_summary=topic.evidence_summary, children_note=topic.children_note,
                       adults_note=topic.adults_note)
        row.key_points = [KeyPointRow(position=i, text=t) for i, t in enumerate(topic.key_points)]
        row.related = [RelatedTopicRow(position=i, related_slug=s) for i, s in enumerate(topic.related)]
        row.citations = [TopicSourceRow(position=i, source_id=s) for i, s in enumerate(topic.sources)]
        row.terms = [GlossaryTermRow(phrase=phrase, term=g.term, definition=g.definition)
                     for g in topic.glossary for phrase in (g.term, *g.synonyms)]
        topics.append(row)
        rows.append(SearchDocumentRow(kind="topic", ref=topic.slug, title=topic.title, terms="\n".join(phrases),
                                      body="\n".join((topic.short_answer, topic.detailed_answer, topic.plain_answer,
                                                      *topic.key_points))))
    for position, myth in enumerate(content.myths):
        row = MythRow(id=myth.id, position=position, claim=myth.claim, phrasings="\n".join(myth.phrasings),
                      verdict=myth.verdict, correction=myth.correction, topic_slug=myth.topic)
        row.citations = [MythSourceRow(position=i, source_id=s) for i, s in enumerate(myth.sources)]
        rows.append(row)
        rows.append(SearchDocumentRow(kind="myth", ref=myth.id, title=myth.claim, terms="\n".join(myth.phrasings),
                                      body=myth.correction))
    rows += [QuizQuestionRow(id=q.id, position=i, topic_slug=q.topic, question=q.question,
                             choices=json.dumps(q.choices), answer=q.answer, explanation=q.explanation)
             for i, q in enumerate(content.quiz)]
    rows += [TourStepRow(position=i, topic_slug=slug) for i, slug in enumerate(content.tour)]
    return [sources, topics, rows]


def _write(url: str, content: Content, fingerprint: str) -> None:
    engine = create_engine(url, future=True)
    try:
        with Session(engine) as session, session.begin():
            connection = session.connection()
            Base.metadata.drop_all(connection)
            connection.exec_driver_sql("DROP TABLE IF EXISTS search_index")
            Base.metadata.create_all(connection)
            for group in _rows(content):  # PostgreSQL checks foreign keys on every insert
                session.add_all(group)
                session.flush()
            session.add(MetaRow(key="fingerprint", value=fingerprint))
            session.flush()
            search.create_index(connection)
    finally:
        engine.dispose()


def build(content_dir: Path, url: str) -> Content:
    """Validate content and write it to the database at url.

    SQLite: written to a temporary file beside the target, then renamed over it, so a failed build never
    leaves a half-written database. Other databases: one transaction (PostgreSQL DDL is transactional).
    """
    content = load_content(content_dir)
    fingerprint = content_fingerprint(content_dir)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        _write(url, content, fingerprint)
        return content
    if not parsed.database or parsed.database == ":memory:":
        raise ValueError(f"an SQLite knowledge database needs a file path, got {url!r}")
    target = Path(parsed.database)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        _write(str(parsed.set(database=temporary)), content, fingerprint)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return content
