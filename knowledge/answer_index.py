"""Find the specific answer a message asks for, by how much of its wording it shares with the answer's questions.

A topic's own example questions are indexed too, as the wordings of its topic card: a message closest to one of
those asks about the topic in general ("what are probiotics?"), and gets the card, not a specific answer.

Each wording of each answer becomes a set of features: its question lemmas (matcher.question_lemmas) and the
character n-grams of those lemmas, so "excema" still meets "eczema" and "breastfed" meets "breastfeeding". A
message scores against a wording by cosine similarity, each feature weighted by how rare it is among all
wordings (idf: "egg" says more than "baby"); n-grams count for less than whole words. Features the index has
never seen still count in the message's length, at the weight of a rare one, so a message about something else
does not match on its one common word.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from .content import Answer

NGRAM = 4  # character n-grams of each lemma, with its boundaries ("<egg>" gives "<egg", "egg>")
NGRAM_WEIGHT = 0.35  # an n-gram's weight beside a whole word's


@dataclass(frozen=True)
class AnswerMatch:
    topic: str
    answer: Answer | None  # None: the closest wording asks about the topic in general (its card)
    score: float  # cosine similarity with the closest wording (0..1)
    shared: frozenset[str] = frozenset()  # the lemmas the message shares with that wording

    @property
    def key(self) -> str:
        return f"answer:{self.answer.id}" if self.answer is not None else f"topic:{self.topic}"


def ngrams(lemma: str) -> set[str]:
    marked = f"<{lemma}>"
    if len(marked) <= NGRAM:
        return {marked}
    return {marked[i : i + NGRAM] for i in range(len(marked) - NGRAM + 1)}


def features(lemmas: frozenset[str]) -> dict[str, float]:
    """Whole lemmas (weight 1) and their character n-grams (NGRAM_WEIGHT, prefixed with '#')."""
    found: dict[str, float] = {lemma: 1.0 for lemma in lemmas}
    for lemma in lemmas:
        for gram in ngrams(lemma):
            found[f"#{gram}"] = NGRAM_WEIGHT
    return found


class AnswerIndex:
    def __init__(
        self,
        answers: Iterable[Answer],
        lemmas: Callable[[str], frozenset[str]],
        cards: Iterable[tuple[str, tuple[str, ...]]] = (),
    ):
        self._lemmas = lemmas
        # What each entry answers: a specific answer, or (slug, None) for a topic card with its example questions.
        self._entries: list[tuple[str, Answer | None, tuple[str, ...]]] = [
            *((answer.topic, answer, answer.wordings) for answer in answers),
            *((slug, None, examples) for slug, examples in cards),
        ]
        wordings = [(i, lemmas(text)) for i, (_, _, texts) in enumerate(self._entries) for text in texts]
        wordings = [(i, words) for i, words in wordings if words]
        self._words = [words for _, words in wordings]
        self._owner = np.array([i for i, _ in wordings], dtype=np.int32)
        featured = [features(words) for words in self._words]
        frequency: dict[str, int] = defaultdict(int)
        for found in featured:
            for name in found:
                frequency[name] += 1
        total = max(len(wordings), 1)
        self._idf = {name: math.log((1 + total) / (1 + count)) + 1.0 for name, count in frequency.items()}
        self._unseen_idf = math.log(1 + total) + 1.0  # a feature no wording has: as rare as they come
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, found in enumerate(featured):
            for name, weight in found.items():
                postings[name].append((index, weight * self._idf[name]))
        self._postings = {
            name: (np.array([i for i, _ in rows], dtype=np.int32), np.array([w for _, w in rows]))
            for name, rows in postings.items()
        }
        self._norm = np.array([math.sqrt(sum((w * self._idf[n]) ** 2 for n, w in found.items())) for found in featured])

    def knows(self, lemma: str) -> bool:
        """Whether any wording uses this word."""
        return lemma in self._postings

    def find(self, message: str, limit: int = 3) -> list[AnswerMatch]:
        """The answers and topic cards closest to the message, best first (each scored by its closest wording)."""
        words = self._lemmas(message)
        if not any(word in self._postings for word in words):
            return []
        found = features(words)
        weights = {name: weight * self._idf.get(name, self._unseen_idf) for name, weight in found.items()}
        message_norm = math.sqrt(sum(w * w for w in weights.values()))
        shared = np.zeros(len(self._owner))
        for name, weight in weights.items():
            if name in self._postings:
                indices, values = self._postings[name]
                shared[indices] += values * weight
        scores = shared / (self._norm * message_norm)
        best: dict[int, AnswerMatch] = {}
        candidates = min(limit * 8, len(scores))  # the closest wordings, sorted: a partition, then a small sort
        closest = np.argpartition(-scores, candidates - 1)[:candidates]
        for index in closest[np.argsort(-scores[closest])]:
            if scores[index] <= 0:
                break
            owner = int(self._owner[index])
            if owner not in best:
                topic, answer, _ = self._entries[owner]
                best[owner] = AnswerMatch(topic, answer, float(scores[index]), words & self._words[index])
        return sorted(best.values(), key=lambda match: -match.score)[:limit]
