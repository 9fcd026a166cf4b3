"""The knowledge store: the built database, loaded once per process into memory, reloaded when rebuilt.

Lookups read an in-memory snapshot (snapshot.py). The database is read when the store is first used and again
only when it has changed: for SQLite, when the file was replaced (a stat per lookup); for other databases,
when the stored fingerprint differs (checked at most every RELOAD_CHECK_SECONDS). A database that cannot be
read raises KnowledgeStoreUnavailable with what to do; once loaded, content is served from memory even if the
database goes away.
"""

from __future__ import annotations

import json
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, InterfaceError
from sqlalchemy.orm import Session

from .answer_index import AnswerMatch
from .content import Answer, Content, MenuGroup, Myth, QuizQuestion, Source, Topic
from .database import make_engine, sqlite_file
from .documents import from_document
from .models import ANSWER, LIST, MYTH, QUESTION, SOURCE, TOPIC, DocumentRow, MetaRow
from .settings import database_url
from .snapshot import MYTH_MIN_SIMILARITY, GlossaryEntry, MythMatch, Snapshot, TopicGroup, TopicHit

RELOAD_CHECK_SECONDS = 2.0
BUILD_HINT = "build it with `make knowledge` or `python -m knowledge build`"

__all__ = [
    "AnswerMatch",
    "GlossaryEntry",
    "KnowledgeStore",
    "KnowledgeStoreUnavailable",
    "MythMatch",
    "TopicGroup",
    "TopicHit",
]


class KnowledgeStoreUnavailable(RuntimeError):
    """The knowledge database is missing or unreadable; the message says how to build it."""


class _SharedSnapshots:
    """Snapshots by content fingerprint, shared by the stores of a process: the same content is loaded once
    (loading parses every glossary phrase) while any store still holds it; then it is freed (weak references)."""

    def __init__(self) -> None:
        self._snapshots: weakref.WeakValueDictionary[str, Snapshot] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()

    def get(self, fingerprint: str, load: Callable[[], Snapshot]) -> Snapshot:
        with self._lock:
            snapshot = self._snapshots.get(fingerprint)
        if snapshot is None:
            snapshot = load()
            with self._lock:
                self._snapshots[fingerprint] = snapshot
        return snapshot


SHARED_SNAPSHOTS = _SharedSnapshots()


class KnowledgeStore:
    """Lookups over one knowledge database. Thread-safe: snapshots are immutable, loading takes a lock."""

    def __init__(self, url: str | None = None, wait_for_meanings: bool = True):
        self.url = url or database_url()
        # False in a server: with no cached sentence vectors for the content, matching by meaning is off while
        # they are embedded in the background, rather than one question waiting for them (semantic_index.py)
        self.wait_for_meanings = wait_for_meanings
        self._file = sqlite_file(self.url)
        self._engine: Engine | None = None
        self._snapshot: Snapshot | None = None
        self._file_signature: tuple[int, int, int] | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    # -- loading --------------------------------------------------------------------------------------
    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """A session on the database; any database error becomes KnowledgeStoreUnavailable."""
        if self._file is not None and not self._file.is_file():
            raise KnowledgeStoreUnavailable(f"knowledge database not found at {self._file}: {BUILD_HINT}")
        try:
            if self._engine is None:
                self._engine = make_engine(self.url)
            with Session(self._engine) as session:
                yield session
        except (DatabaseError, InterfaceError) as error:
            raise KnowledgeStoreUnavailable(
                f"knowledge database at {self.url} is not readable ({error.__class__.__name__}): rebuild it with "
                "`python -m knowledge build`"
            ) from error

    def _read_fingerprint(self, session: Session) -> str:
        row = session.get(MetaRow, "fingerprint")
        if row is None:
            raise KnowledgeStoreUnavailable(f"knowledge database at {self.url} has no content: {BUILD_HINT}")
        return row.value

    def _load(self, session: Session, fingerprint: str) -> Snapshot:
        content = Content()
        lists: dict[str, list[str]] = {}
        rows = session.execute(
            select(DocumentRow.kind, DocumentRow.key, DocumentRow.body).order_by(DocumentRow.kind, DocumentRow.position)
        )
        for kind, key, body in rows:
            if kind == SOURCE:
                content.sources[key] = from_document(Source, body)
            elif kind == TOPIC:
                content.topics[key] = from_document(Topic, body)
            elif kind == MYTH:
                content.myths.append(from_document(Myth, body))
            elif kind == ANSWER:
                content.answers.append(from_document(Answer, body))
            elif kind == QUESTION:
                content.quiz.append(from_document(QuizQuestion, body))
            elif kind == LIST:
                lists[key] = json.loads(body)
        content.tour, content.menu_groups = lists.get("tour", []), self._menu_groups(lists.get("menu", []))
        return Snapshot(content, fingerprint)

    def _menu_groups(self, stored: list) -> list[MenuGroup]:
        # A database built before the menu had groups holds bare slugs: say so rather than fail on each lookup.
        if not all(isinstance(group, dict) for group in stored):
            raise KnowledgeStoreUnavailable(
                f"knowledge database at {self.url} was built before the topic menu had groups: rebuild it with "
                "`python -m knowledge build`"
            )
        return [MenuGroup(group["id"], group["title"], tuple(group["topics"])) for group in stored]

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            stat = os.stat(self._file) if self._file is not None else None
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size) if stat else None

    def _may_have_changed(self) -> bool:
        if self._file is not None:
            signature = self._signature()
            return signature is not None and signature != self._file_signature
        return time.monotonic() - self._checked_at >= RELOAD_CHECK_SECONDS

    def snapshot(self) -> Snapshot:
        """The current content (loaded on first use, reloaded after a rebuild)."""
        current = self._snapshot
        if current is not None and not self._may_have_changed():
            return current
        with self._lock:
            if self._snapshot is not None and not self._may_have_changed():
                return self._snapshot
            signature = self._signature()
            with self._reading() as session:
                fingerprint = self._read_fingerprint(session)
                if self._snapshot is None or self._snapshot.fingerprint != fingerprint:
                    self._snapshot = SHARED_SNAPSHOTS.get(fingerprint, lambda: self._load(session, fingerprint))
            if self._file is not None and self._engine is not None:
                self._engine.dispose()  # a rebuilt file is a new file: no connection to the old one is kept
            self._file_signature, self._checked_at = signature, time.monotonic()
            return self._snapshot

    def fingerprint(self) -> str:
        """The fingerprint stored in the database now (read from it, not from memory)."""
        with self._reading() as session:
            return self._read_fingerprint(session)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- lookups --------------------------------------------------------------------------------------
    def topic(self, slug: str) -> Topic | None:
        return self.snapshot().topic(slug)

    def known_topic(self, slug: str) -> Topic:
        """A topic that content validation guarantees (a tour step, a myth's topic): its absence is a bug."""
        topic = self.topic(slug)
        if topic is None:
            raise KeyError(f"topic {slug!r} is not in the knowledge store, though the content refers to it")
        return topic

    def topics(self) -> list[tuple[str, str]]:
        """(slug, title) of every topic, in content order (the topic menu)."""
        return list(self.snapshot().menu)

    def menu_groups(self) -> list[TopicGroup]:
        """The groups of the topic menu, each with (slug, title) of its topics, in menu order."""
        return list(self.snapshot().menu_groups)

    def menu_group(self, group_id: str) -> TopicGroup | None:
        return self.snapshot().menu_group(group_id)

    def related(self, topic: Topic) -> tuple[tuple[str, str], ...]:
        return self.snapshot().related(topic)

    def sources(self, ids: tuple[str, ...]) -> tuple[Source, ...]:
        return self.snapshot().sources(ids)

    def match_topics(self, message: str) -> list[str]:
        return self.snapshot().match_topics(message)

    def glossary_entry(self, message: str) -> GlossaryEntry | None:
        return self.snapshot().glossary_entry(message)

    def search(self, message: str, limit: int = 3) -> list[TopicHit]:
        return self.snapshot().search(message, limit)

    def find_topics(self, message: str, limit: int = 3) -> list[str]:
        return self.snapshot().find_topics(message, limit)

    def find_myth(self, message: str, min_similarity: float = MYTH_MIN_SIMILARITY) -> MythMatch | None:
        return self.snapshot().find_myth(message, min_similarity)

    def answer(self, answer_id: str) -> Answer | None:
        return self.snapshot().answer(answer_id)

    def find_answers(self, message: str, limit: int = 3) -> list[AnswerMatch]:
        """Specific answers whose questions the message is closest to, best first."""
        return self.snapshot().find_answers(message, limit)

    def find_by_meaning(self, message: str, limit: int = 3) -> list[AnswerMatch]:
        """Specific answers and topic cards closest to the message in meaning, best first."""
        return self.snapshot().find_by_meaning(message, limit, self.wait_for_meanings)

    def has_meanings(self) -> bool:
        """Whether matching by meaning works here (the sentence model is installed and the vectors are ready)."""
        return self.snapshot().load_meanings(self.wait_for_meanings)

    def question_lemmas(self, text: str) -> frozenset[str]:
        """The lemmas of the words that say what a question asks (stop words left out)."""
        return self.snapshot().question_lemmas(text)

    def naming_lemmas(self, slug: str) -> frozenset[str]:
        return self.snapshot().naming_lemmas(slug)

    def answers_of(self, slug: str) -> tuple[Answer, ...]:
        """A topic's specific answers, in content order."""
        return self.snapshot().answers_of(slug)

    def quiz_questions(self) -> list[QuizQuestion]:
        return list(self.snapshot().quiz)

    def tour(self) -> list[str]:
        return list(self.snapshot().tour)
