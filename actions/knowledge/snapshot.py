"""The content of one built database, in memory, with the indexes the bot's lookups need.

A snapshot is immutable once made, so any number of threads may read it; the store swaps in a new one when
the database is rebuilt. Every lookup is a dictionary access, a spaCy pass over one message (cached) or a
query of the in-memory full-text index.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from .content import BACKGROUND_TOPIC, Content, Myth, QuizQuestion, Source, Topic
from .matcher import GlossaryMatcher
from .search import SearchDocument, SearchHit, SearchIndex

GLOSSARY_BONUS = 0.5
MYTH_MIN_SIMILARITY = 0.3


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
class MythMatch(Myth):
    """A myth as found in a message."""
    similarity: float = 1.0  # how close the message came to the myth's wording (0..1)


class Snapshot:
    def __init__(self, content: Content, fingerprint: str):
        self.fingerprint = fingerprint
        self._topics = content.topics  # in menu order
        self._sources = content.sources
        self._myths = {myth.id: myth for myth in content.myths}
        self.quiz: tuple[QuizQuestion, ...] = tuple(content.quiz)
        self.tour: tuple[str, ...] = tuple(content.tour)
        self.menu: tuple[tuple[str, str], ...] = tuple((t.slug, t.title) for t in self._topics.values())

        # glossary: the first topic to claim a phrase keeps it (validation warns about clashes)
        self._glossary: dict[str, tuple[str, str | None, str]] = {}
        for topic in self._topics.values():
            for entry in topic.glossary:
                for phrase in (entry.term, *entry.synonyms):
                    self._glossary.setdefault(phrase.lower(), (entry.term, entry.definition, topic.slug))
        self._matcher = GlossaryMatcher([(phrase, slug) for phrase, (_, _, slug) in self._glossary.items()])

        # myths: the lemmas of each claim and phrasing, and which of them each lemma occurs in
        self._phrasings: list[tuple[str, frozenset[str]]] = [
            (myth.id, self._matcher.content_lemmas(text)) for myth in content.myths
            for text in (myth.claim, *myth.phrasings)]
        postings: dict[str, list[int]] = defaultdict(list)
        for index, (_, lemmas) in enumerate(self._phrasings):
            for lemma in lemmas:
                postings[lemma].append(index)
        self._postings = dict(postings)

        # topics only: myths are found by their wording (find_myth), never by full-text relevance
        self._index = SearchIndex(
            SearchDocument("topic", t.slug, t.title, "\n".join(self._phrases(t)),
                           "\n".join((t.short_answer, t.detailed_answer, t.plain_answer, *t.key_points)))
            for t in self._topics.values())

    @staticmethod
    def _phrases(topic: Topic) -> list[str]:
        return [phrase for entry in topic.glossary for phrase in (entry.term, *entry.synonyms)]

    # -- topics and sources -------------------------------------------------------------------------
    def topic(self, slug: str) -> Topic | None:
        return self._topics.get(slug)

    def title(self, slug: str) -> str:
        return self._topics[slug].title

    def related(self, topic: Topic) -> tuple[tuple[str, str], ...]:
        """(slug, title) of the topic's related topics."""
        return tuple((slug, self._topics[slug].title) for slug in topic.related)

    def sources(self, ids: tuple[str, ...]) -> tuple[Source, ...]:
        return tuple(self._sources[source_id] for source_id in ids)

    def all_sources(self) -> tuple[Source, ...]:
        return tuple(self._sources.values())

    def myths(self) -> tuple[Myth, ...]:
        return tuple(self._myths.values())

    # -- finding topics in messages -----------------------------------------------------------------
    def match_topics(self, message: str) -> list[str]:
        """Topic slugs whose glossary terms the message names: most and longest matches first."""
        weight: Counter[str] = Counter()
        first_seen: dict[str, int] = {}
        for match in self._matcher.find(message):
            weight[match.topic_slug] += match.length
            first_seen.setdefault(match.topic_slug, match.start)
        # The background topic (eczema itself) comes last; ties go to the topic named last.
        return sorted(weight, key=lambda slug: (slug == BACKGROUND_TOPIC, -weight[slug], -first_seen[slug]))

    def glossary_entry(self, message: str) -> GlossaryEntry | None:
        """The longest glossary phrase in the message, with its definition and topic."""
        matches = self._matcher.find(message)
        if not matches:
            return None
        best = max(matches, key=lambda m: m.length)
        term, definition, slug = self._glossary[best.phrase]
        return GlossaryEntry(best.phrase, term, definition, slug, self.title(slug))

    def search(self, message: str, limit: int = 3) -> list[TopicHit]:
        """Topics ranked by full-text relevance (bm25)."""
        hits: list[SearchHit] = self._index.search(message, limit=limit)
        return [TopicHit(hit.ref, self.title(hit.ref), hit.score) for hit in hits]

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

    # -- myths --------------------------------------------------------------------------------------
    def find_myth(self, message: str, min_similarity: float = MYTH_MIN_SIMILARITY) -> MythMatch | None:
        """The myth whose claim or phrasings share the most words (as lemmas) with the message (Jaccard).

        Only phrasings sharing a word with the message can score above zero: the postings find them."""
        words = self._matcher.content_lemmas(message)
        candidates = sorted({index for lemma in words for index in self._postings.get(lemma, ())})
        best_score, best_id = 0.0, None
        for index in candidates:  # in content order: the first myth wins ties
            myth_id, other = self._phrasings[index]
            shared = len(words & other)
            score = shared / (len(words) + len(other) - shared)
            if score > best_score:
                best_score, best_id = score, myth_id
        if best_id is None or best_score < min_similarity:
            return None
        return MythMatch(**vars(self._myths[best_id]), similarity=best_score)
