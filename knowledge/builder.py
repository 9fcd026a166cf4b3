"""Build the knowledge database from validated content, atomically."""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.orm import Session

from .content import Content, load_content
from .database import make_engine, sqlite_file
from .documents import to_document
from .fingerprint import content_fingerprint
from .models import ANSWER, LIST, MYTH, QUESTION, SOURCE, TOPIC, Base, DocumentRow, MetaRow


def topics_in_menu_order(content: Content) -> list:
    menu_order = {slug: i for i, slug in enumerate(content.menu)}
    return sorted(content.topics.values(), key=lambda t: (menu_order.get(t.slug, len(menu_order)), t.slug))


def document_rows(content: Content) -> Iterator[DocumentRow]:
    """One row per content item, in content order. A topic keeps its example questions: they are the wordings of
    its card when the bot tells a general question from a specific one (answer_index.py)."""
    for position, source in enumerate(content.sources.values()):
        yield DocumentRow(kind=SOURCE, key=source.id, position=position, body=to_document(source))
    for position, topic in enumerate(topics_in_menu_order(content)):
        yield DocumentRow(kind=TOPIC, key=topic.slug, position=position, body=to_document(topic))
    for position, myth in enumerate(content.myths):
        yield DocumentRow(kind=MYTH, key=myth.id, position=position, body=to_document(myth))
    for position, answer in enumerate(content.answers):
        yield DocumentRow(kind=ANSWER, key=answer.id, position=position, body=to_document(answer))
    for position, question in enumerate(content.quiz):
        yield DocumentRow(kind=QUESTION, key=question.id, position=position, body=to_document(question))
    lists = {"tour": content.tour, "menu": [dataclasses.asdict(group) for group in content.menu_groups]}
    for position, (name, items) in enumerate(lists.items()):
        yield DocumentRow(kind=LIST, key=name, position=position, body=json.dumps(items))


def _write(url: str, content: Content, fingerprint: str) -> None:
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            connection = session.connection()
            for table in (
                "search_index",
                "search_documents",
                "tour_steps",
                "quiz_questions",
                "myth_sources",
                "myths",
                "glossary_terms",
                "topic_sources",
                "sources",
                "related_topics",
                "key_points",
                "topics",
            ):  # the tables of earlier versions of the database
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
            Base.metadata.drop_all(connection)
            Base.metadata.create_all(connection)
            session.add_all(document_rows(content))
            session.add(MetaRow(key="fingerprint", value=fingerprint))
    finally:
        engine.dispose()


def build(content_dir: Path, url: str) -> Content:
    """Validate content and write it to the database at url.

    SQLite: written to a temporary file beside the target, then renamed over it, so a failed build never
    leaves a half-written database. Other databases: one transaction (PostgreSQL DDL is transactional).
    """
    # review dates are for curators (`check`, `make test`, `due`): a running bot is not taken down by a date
    content = load_content(content_dir, check_stale=False)
    fingerprint = content_fingerprint(content_dir)
    target = sqlite_file(url)
    if target is None:
        if url.startswith("sqlite"):
            raise ValueError(f"an SQLite knowledge database needs a file path, got {url!r}")
        _write(url, content, fingerprint)
        return content
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        _write(f"sqlite:///{temporary}", content, fingerprint)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return content
