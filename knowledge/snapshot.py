"""The content of one built database, in memory, with the indexes the bot's lookups need.

A snapshot is immutable once made, so any number of threads may read it; the store swaps in a new one when
the database is rebuilt. Every lookup is a dictionary access, a spaCy pass over one message (cached) or a
query of the in-memory full-text index.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .answer_index import AnswerIndex, AnswerMatch
from .content import BACKGROUND_TOPIC, Answer, Content, Myth, QuizQuestion, Source, Topic
from .matcher import GlossaryMatcher
from .search import SearchDocument, SearchHit, SearchIndex
from .semantic_index import SemanticIndex
from .settings import SENTENCE_VECTORS_DIR

GLOSSARY_BONUS = 0.5
# A topic's example question this close by words to a wording of one of the topic's own answers is that answer's
# question, not the card's (the level at which a message counts as a card's general question in actions/analysis.py)
CARD_EXAMPLE_ANSWERED = 0.8
# Words that say who or what in general, not which question: "what about babies?" or "and for adults?" asks
# for the topic's note, not for a specific answer that happens to mention babies.
GENERIC_LEMMAS = frozenset(
    """baby child kid son daughter toddler infant adult teen teenager people person mum mom dad parent year month
    old work help good effective useful benefit thing anything know tell question fine ok okay""".split()
)
MYTH_MIN_SIMILARITY = 0.3


@dataclass(frozen=True)
class TopicHit:
    slug: str
    title: str
    score: float


class TopicGroup(NamedTuple):
    """A group of the topic menu with (slug, title) of its topics: what its button opens."""

    id: str
    title: str
    topics: tuple[tuple[str, str], ...]


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
        self.menu_groups: tuple[TopicGroup, ...] = tuple(
            TopicGroup(g.id, g.title, tuple((slug, self._topics[slug].title) for slug in g.topics))
            for g in content.menu_groups
        )
        self._menu_group_by_id = {group.id: group for group in self.menu_groups}

        # glossary: the first topic to claim a phrase keeps it (validation warns about clashes)
        self._glossary: dict[str, tuple[str, str | None, str]] = {}
        for topic in self._topics.values():
            for entry in topic.glossary:
                for phrase in (entry.term, *entry.synonyms):
                    self._glossary.setdefault(phrase.lower(), (entry.term, entry.definition, topic.slug))
        self._matcher = GlossaryMatcher([(phrase, slug) for phrase, (_, _, slug) in self._glossary.items()])

        # myths: the lemmas of each claim and phrasing, and which of them each lemma occurs in (numpy arrays:
        # a message's overlap with every phrasing is then one bincount, however many myths there are)
        phrasings = [
            (myth.id, self._matcher.content_lemmas(text))
            for myth in content.myths
            for text in (myth.claim, *myth.phrasings)
        ]
        phrasings = [(myth_id, lemmas) for myth_id, lemmas in phrasings if lemmas]
        self._phrasing_myth = [myth_id for myth_id, _ in phrasings]
        self._phrasing_size = np.array([len(lemmas) for _, lemmas in phrasings], dtype=np.float64)
        postings: dict[str, list[int]] = defaultdict(list)
        for index, (_, lemmas) in enumerate(phrasings):
            for lemma in lemmas:
                postings[lemma].append(index)
        self._postings = {lemma: np.array(indices, dtype=np.int32) for lemma, indices in postings.items()}

        self._answers = {answer.id: answer for answer in content.answers}
        # A specific answer must match on what the message asks beyond naming its topic or eczema itself:
        # "what is a faecal transplant" asks for the topic, "can my child have a faecal transplant" for an answer.
        background = self._topic_lemmas(self._topics[BACKGROUND_TOPIC]) if BACKGROUND_TOPIC in self._topics else set()
        self._naming_lemmas = {
            slug: frozenset(self._topic_lemmas(topic) | background | GENERIC_LEMMAS)
            for slug, topic in self._topics.items()
        }
        # each wording is lemmatised once, though read twice (to find the card examples an answer answers, then
        # to index them): spaCy's parse is most of the cost of building the snapshot
        lemmatised: Callable[[str], frozenset[str]] = functools.lru_cache(maxsize=None)(self._matcher.question_lemmas)
        cards = self._card_wordings(content.answers, lemmatised)
        self._answer_index = AnswerIndex(content.answers, lemmatised, cards)
        self._semantic_index = SemanticIndex(
            [
                *((answer.topic, answer, answer.wordings) for answer in content.answers),
                *((t.slug, None, t.examples) for t in self._topics.values()),
            ],
            SENTENCE_VECTORS_DIR,
        )

        # topics only: myths are found by their wording (find_myth), never by full-text relevance
        self._index = SearchIndex(
            SearchDocument(
                "topic",
                t.slug,
                t.title,
                "\n".join(self._phrases(t)),
                "\n".join((t.short_answer, t.detailed_answer, t.plain_answer, *t.key_points)),
            )
            for t in self._topics.values()
        )

    def _topic_lemmas(self, topic: Topic) -> set[str]:
        """The words that name the topic: its title and its first glossary term with that term's synonyms."""
        first = topic.glossary[0] if topic.glossary else None
        phrases = (topic.title, *((first.term, *first.synonyms) if first else ()))
        return {lemma for phrase in phrases for lemma in self._matcher.question_lemmas(phrase)}

    @staticmethod
    def _phrases(topic: Topic) -> list[str]:
        return [phrase for entry in topic.glossary for phrase in (entry.term, *entry.synonyms)]

    # -- topics and sources -------------------------------------------------------------------------
    def topic(self, slug: str) -> Topic | None:
        return self._topics.get(slug)

    def title(self, slug: str) -> str:
        return self._topics[slug].title

    def menu_group(self, group_id: str) -> TopicGroup | None:
        return self._menu_group_by_id.get(group_id)

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

    # -- specific answers ---------------------------------------------------------------------------------
    def answer(self, answer_id: str) -> Answer | None:
        return self._answers.get(answer_id)

    def with_glossary_terms(self, message: str) -> str:
        """The message, followed by the glossary term of each phrase in it that no answer's wording uses: a name
        on a pack or a misspelling ("is protopic safe?", "dupilimab side effects") is matched as its term."""
        terms: dict[str, None] = {}
        for match in self._matcher.find(message):
            term = self._glossary[match.phrase][0]
            words = self._matcher.question_lemmas(match.phrase)
            if term.lower() != match.phrase.lower() and words and not any(map(self._answer_index.knows, words)):
                terms[term] = None
        return f"{message} ({', '.join(terms)})" if terms else message

    def _card_wordings(
        self, answers: Iterable[Answer], lemmas: Callable[[str], frozenset[str]]
    ) -> list[tuple[str, tuple[str, ...]]]:
        """Each topic's example questions that its card answers, for matching by words: not those that are all but
        a wording of one of the topic's own specific answers ("how often should I apply my emollient" teaches the
        topic classifier, and is answered by the answer on how much and how often). They still train the classifier
        and the meaning index."""
        by_topic: dict[str, list[Answer]] = defaultdict(list)
        for answer in answers:
            by_topic[answer.topic].append(answer)
        cards = []
        for topic in self._topics.values():
            # compared with the topic's own answers only (an index each): linear in the size of the content
            own = AnswerIndex(by_topic[topic.slug], lemmas) if by_topic[topic.slug] else None
            naming = self._naming_lemmas[topic.slug]
            kept = tuple(
                example
                for example in topic.examples
                if own is None
                or lemmas(example) <= naming  # "what is eczema" only names its topic: the card's own question
                or not any(match.score >= CARD_EXAMPLE_ANSWERED for match in own.find(example, 1))
            )
            cards.append((topic.slug, kept))
        return cards

    def find_answers(self, message: str, limit: int = 3) -> list[AnswerMatch]:
        """Specific answers and topic cards close to the message, best first; a specific answer only when it
        matches on more than the names of its topic and of the topics the message names ("what is a fecal
        transplant" asks for the FMT card, not for an answer on clinical trials that mentions transplants)."""
        empty: frozenset[str] = frozenset()
        named = empty.union(*(self._naming_lemmas.get(m.topic_slug, empty) for m in self._matcher.find(message)))
        message = self.with_glossary_terms(message)
        found = self._answer_index.find(message, limit * 2)
        asks = [m for m in found if m.answer is None or m.shared - self._naming_lemmas.get(m.topic, empty) - named]
        return asks[:limit]

    def find_by_meaning(self, message: str, limit: int = 3, wait: bool = True) -> list[AnswerMatch]:
        """Specific answers and topic cards closest to the message in meaning (semantic_index.py), best first. As
        in find_answers, a message whose words only name a topic ("what is a fecal transplant") asks for its card,
        not for one of its answers, however close in meaning."""
        message = self.with_glossary_terms(message)
        words = self._matcher.question_lemmas(message)
        found = self._semantic_index.find(message, limit * 2, wait)
        asks = [m for m in found if m.answer is None or not words <= self._naming_lemmas.get(m.topic, frozenset())]
        return asks[:limit]

    @property
    def meanings_cache(self) -> Path:
        """Where the wordings' sentence vectors are kept (semantic_index.py)."""
        return self._semantic_index.cache_path

    def load_meanings(self, wait: bool = True) -> bool:
        """Load the sentence encoder and the wordings' vectors now (filling their cache); False if unavailable,
        or, without `wait`, while they are still being embedded in the background."""
        return self._semantic_index.ready(wait)

    def question_lemmas(self, text: str) -> frozenset[str]:
        return self._matcher.question_lemmas(text)

    def naming_lemmas(self, slug: str) -> frozenset[str]:
        """The words that only name a topic (its title and first term, eczema itself, who it is for)."""
        return self._naming_lemmas.get(slug, frozenset())

    def answers_of(self, slug: str) -> tuple[Answer, ...]:
        return tuple(a for a in self._answers.values() if a.topic == slug)

    # -- myths --------------------------------------------------------------------------------------
    def find_myth(self, message: str, min_similarity: float = MYTH_MIN_SIMILARITY) -> MythMatch | None:
        """The myth whose claim or phrasings share the most words (as lemmas) with the message (Jaccard)."""
        words = self._matcher.content_lemmas(message)
        found = [self._postings[lemma] for lemma in words if lemma in self._postings]
        if not found:
            return None
        shared = np.bincount(np.concatenate(found), minlength=len(self._phrasing_myth))
        scores = shared / (len(words) + self._phrasing_size - shared)
        best = int(np.argmax(scores))  # the first of equal scores: content order breaks ties
        if scores[best] < min_similarity:
            return None
        return MythMatch(**vars(self._myths[self._phrasing_myth[best]]), similarity=float(scores[best]))
