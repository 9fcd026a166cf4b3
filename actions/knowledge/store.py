"""Read-only queries over the built knowledge database. One short-lived session per call."""
from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, selectinload

from . import search as fulltext
from .content import BACKGROUND_TOPIC, QuizQuestion, Source
from .matcher import GlossaryMatcher
from .models import GlossaryTermRow, MetaRow, MythRow, QuizQuestionRow, SourceRow, TopicRow, TourStepRow
from .settings import database_url


GLOSSARY_BONUS = 0.5
MYTH_MIN_SIMILARITY = 0.3


class KnowledgeStoreUnavailable(RuntimeError):
    """The knowledge database is missing or unreadable; the message says how to build it."""


@dataclass(frozen=True)
class SourceView(Source):
    """A source as the bot shows it: its link and a one-line reference."""

    @property
    def link(self) -> str | None:
        return self.url or (f"https://doi.org/{self.doi}" if self.doi else None)

    def reference(self) -> str:
        """Authors (Year). Title. Journal. Without known authors: Title (Year). Journal."""
        year = f" ({self.year})" if self.year else ""
        title = self.title.rstrip(".")
        parts = [f"{self.authors}{year}.", f"{title}."] if self.authors else [f"{title}{year}."]
        if self.journal:
            parts.append(f"{self.journal.rstrip('.')}.")
        return " ".join(parts)

    def citation(self) -> str:
        """A one-line reference with identifiers: Authors (Year). Title. Journal. PMID/DOI."""
        parts = [self.reference()]
        if self.pmid:
            parts.append(f"PMID {self.pmid}.")
        if self.doi:
            parts.append(f"doi:{self.doi}")
        return " ".join(parts)


@dataclass(frozen=True)
class TopicView:
    slug: str
    title: str
    last_reviewed: str
    evidence_level: str
    short_answer: str
    detailed_answer: str
    plain_answer: str
    evidence_summary: str
    children_note: str | None
    adults_note: str | None
    key_points: tuple[str, ...]
    related: tuple[tuple[str, str], ...]  # (slug, title)
    sources: tuple[SourceView, ...]

    def as_dict(self) -> dict:
        data = {k: v for k, v in vars(self).items() if k not in ("related", "sources")}
        data["key_points"] = list(self.key_points)
        data["related"] = [{"slug": s, "title": t} for s, t in self.related]
        data["sources"] = [dict(vars(s), citation=s.citation()) for s in self.sources]
        return data


@dataclass(frozen=True)
class TopicHit:
    slug: str
    title: str
    score: float


@dataclass(frozen=True)
class GlossaryEntry:
    phrase: str
    term: str
    definition: str | None
    topic_slug: str
    topic_title: str


@dataclass(frozen=True)
class MythView:
    id: str
    claim: str
    verdict: str
    correction: str
    topic_slug: str
    sources: tuple[SourceView, ...]
    similarity: float = 1.0  # how close the message came to the myth's wording (0..1)


def _source_view(row: SourceRow) -> SourceView:
    return SourceView(row.id, row.authors, row.year, row.title, row.journal, row.pmid, row.doi, row.url,
                      row.study_design, row.evidence_note)


class KnowledgeStore:
    """Queries over one knowledge database. Thread-safe: the engine pools connections, sessions are per call."""

    def __init__(self, url: str | None = None):
        self.url = url or database_url()
        self._engine: Engine | None = None
        self._matcher: GlossaryMatcher | None = None
        self._matcher_fingerprint: str | None = None
        self._myth_index: list[tuple[str, frozenset[str]]] | None = None
        self._myth_fingerprint: str | None = None
        self._engine_lock = threading.Lock()
        self._matcher_lock = threading.Lock()

    # -- plumbing -----------------------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        with self._engine_lock:
            if self._engine is None:
                parsed = make_url(self.url)
                if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
                    raise KnowledgeStoreUnavailable(
                        f"knowledge database not found at {parsed.database}: build it with "
                        "`make knowledge` or `python -m actions.knowledge build`")
                self._engine = create_engine(self.url, future=True, pool_pre_ping=True)
            return self._engine

    def _session(self) -> Session:
        return Session(self.engine)

    def _guard(self, error: Exception) -> KnowledgeStoreUnavailable:
        return KnowledgeStoreUnavailable(
            f"knowledge database at {self.url} is not readable ({error.__class__.__name__}): rebuild it with "
            "`python -m actions.knowledge build`")

    def fingerprint(self) -> str:
        try:
            with self._session() as session:
                return session.get(MetaRow, "fingerprint").value
        except (OperationalError, ProgrammingError, AttributeError) as error:
            raise self._guard(error) from error

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- topics -------------------------------------------------------------------------------------
    def topic(self, slug: str) -> TopicView | None:
        try:
            with self._session() as session:
                row = session.execute(
                    select(TopicRow).where(TopicRow.slug == slug).options(
                        selectinload(TopicRow.key_points), selectinload(TopicRow.related),
                        selectinload(TopicRow.citations))).scalar_one_or_none()
                if row is None:
                    return None
                titles = dict(session.execute(select(TopicRow.slug, TopicRow.title)).all())
                return TopicView(
                    slug=row.slug, title=row.title, last_reviewed=row.last_reviewed.isoformat(),
                    evidence_level=row.evidence_level, short_answer=row.short_answer,
                    detailed_answer=row.detailed_answer, plain_answer=row.plain_answer,
                    evidence_summary=row.evidence_summary, children_note=row.children_note,
                    adults_note=row.adults_note,
                    key_points=tuple(k.text for k in row.key_points),
                    related=tuple((r.related_slug, titles[r.related_slug]) for r in row.related),
                    sources=tuple(_source_view(c.source) for c in row.citations))
        except (OperationalError, ProgrammingError) as error:
            raise self._guard(error) from error

    def topics(self) -> list[tuple[str, str]]:
        """(slug, title) of every topic, in content order (the topic menu)."""
        try:
            with self._session() as session:
                return [tuple(r) for r in session.execute(select(TopicRow.slug, TopicRow.title).order_by(TopicRow.position))]
        except (OperationalError, ProgrammingError) as error:
            raise self._guard(error) from error

    # -- finding topics in messages -----------------------------------------------------------------
    def _glossary_matcher(self) -> GlossaryMatcher:
        fingerprint = self.fingerprint()
        with self._matcher_lock:
            if self._matcher is None or self._matcher_fingerprint != fingerprint:
                with self._session() as session:
                    rows = session.execute(select(GlossaryTermRow.phrase, GlossaryTermRow.topic_slug)
                                           .order_by(GlossaryTermRow.id)).all()
                self._matcher, self._matcher_fingerprint = GlossaryMatcher(rows), fingerprint
            return self._matcher

    def match_topics(self, message: str) -> list[str]:
        """Topic slugs whose glossary terms the message names: most and longest matches first."""
        matches = self._glossary_matcher().find(message)
        weight: Counter[str] = Counter()
        first_seen: dict[str, int] = {}
        for match in matches:
            weight[match.topic_slug] += match.length
            first_seen.setdefault(match.topic_slug, match.start)
        # The background topic (eczema itself) comes last; ties go to the topic named last.
        return sorted(weight, key=lambda slug: (slug == BACKGROUND_TOPIC, -weight[slug], -first_seen[slug]))

    def glossary_entry(self, message: str) -> GlossaryEntry | None:
        """The longest glossary phrase in the message, with its definition and topic."""
        matches = self._glossary_matcher().find(message)
        if not matches:
            return None
        best = max(matches, key=lambda m: m.length)
        try:
            with self._session() as session:
                rows = session.execute(select(GlossaryTermRow).where(GlossaryTermRow.topic_slug == best.topic_slug)
                                       .order_by(GlossaryTermRow.id)).scalars()
                row = next(r for r in rows if r.phrase.lower() == best.phrase)  # Python lower(): not ASCII-only
                title = session.get(TopicRow, row.topic_slug).title
                return GlossaryEntry(best.phrase, row.term, row.definition, row.topic_slug, title)
        except (OperationalError, ProgrammingError) as error:
            raise self._guard(error) from error

    def search(self, message: str, limit: int = 3) -> list[TopicHit]:
        """Topics ranked by full-text relevance (bm25 on SQLite)."""
        try:
            with self._session() as session:
                hits = fulltext.search(session.connection(), message, kind="topic", limit=limit)
                titles = dict(session.execute(select(TopicRow.slug, TopicRow.title)).all())
        except (OperationalError, ProgrammingError) as error:
            raise self._guard(error) from error
        return [TopicHit(h.ref, titles[h.ref], h.score) for h in hits]

    def find_topics(self, message: str, limit: int = 3) -> list[str]:
        """Topics a message is about, best first: full-text relevance plus a bonus for naming a glossary term.

        The bonus (half the best full-text score) lets a named term win close calls without letting a
        broad term ("treatment") beat a clear full-text match."""
        hits = self.search(message, limit=10)
        best = max((hit.score for hit in hits), default=0.0) or 1.0
        score = {hit.slug: hit.score / best for hit in hits}
        named = self.match_topics(message)
        for slug in named:
            if slug != BACKGROUND_TOPIC or len(named) == 1:
                score[slug] = score.get(slug, 0.0) + GLOSSARY_BONUS
        return sorted(score, key=lambda slug: -score[slug])[:limit]

    # -- myths, quiz, tour --------------------------------------------------------------------------
    def find_myth(self, message: str, min_similarity: float = MYTH_MIN_SIMILARITY) -> MythView | None:
        """The myth whose claim or phrasings share the most words (as lemmas) with the message."""
        matcher = self._glossary_matcher()
        words = matcher.content_lemmas(message)
        scored = [(len(words & other) / len(words | other), myth_id)
                  for myth_id, other in self._myth_phrasings() if words and other]
        if not scored or max(scored)[0] < min_similarity:
            return None
        similarity, best_id = max(scored, key=lambda pair: pair[0])  # first myth wins ties
        try:
            with self._session() as session:
                best = session.get(MythRow, best_id)
                return MythView(best.id, best.claim, best.verdict, best.correction, best.topic_slug,
                                tuple(_source_view(c.source) for c in best.citations), similarity)
        except (OperationalError, ProgrammingError) as error:
            raise self._guard(error) from error

    def _myth_phrasings(self) -> list[tuple[str, frozenset[str]]]:
        """(myth id, lemmas) for each claim and phrasing; computed once per content version."""
        matcher, fingerprint = self._glossary_matcher(), self.fingerprint()
        with self._matcher_lock:
            if self._myth_index is None or self._myth_fingerprint != fingerprint:
                with self._session() as session:
                    rows = session.execute(select(MythRow.id, MythRow.claim, MythRow.phrasings)
                                           .order_by(MythRow.position)).all()
                self._myth_index = [(myth_id, matcher.content_lemmas(text)) for myth_id, claim, phrasings in rows
                                    for text in (claim, *phrasings.splitlines())]
                self._myth_fingerprint = fingerprint
            return self._myth_index

    def quiz_questions(self) -> list[QuizQuestion]:
        try:
            with self._session() as session:
                rows = session.execute(select(QuizQuestionRow).order_by(QuizQuestionRow.position)).scalars()
                return [QuizQuestion(r.id, r.topic_slug, r.question, tuple(tuple(c) for c in json.loads(r.choices)),
                                         r.answer, r.explanation) for r in rows]
        except (OperationalError, ProgrammingError) as error:
            raise self._guard(error) from error

    def tour(self) -> list[str]:
        try:
            with self._session() as session:
                return list(session.execute(select(TourStepRow.topic_slug).order_by(TourStepRow.position)).scalars())
        except (OperationalError, ProgrammingError) as error:
            raise self._guard(error) from error
