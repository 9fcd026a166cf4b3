"""Full-text search over the topics, in memory: bm25 as SQLite FTS5 ranks it."""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

# Words that say nothing about a topic; dropped so "what is the ..." does not match every text.
STOPWORDS = frozenset(
    """a about actually again all also am an and any are as at be been being but by can could did do does doing
    for from get got had has have having he her here hi him his how i if in into is it its just know like me
    mean means more much my no not of on or our out please really said say she should so some tell than that
    the their them then there these they thing things this those to too up us very was way we were what when
    where which who why will with would yes you your explain something anything""".split()
)
WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class SearchDocument:
    kind: str  # what the document is ("topic": the bot indexes topics only)
    ref: str  # its slug or id
    title: str
    terms: str  # the phrases people type for it (a topic's glossary): they count more than the body
    body: str


@dataclass(frozen=True)
class SearchHit:
    kind: str
    ref: str
    score: float  # larger is better


def keywords(message: str) -> list[str]:
    """The words of a message worth searching for, in order, without repeats."""
    seen: dict[str, None] = {}
    for word in WORD.findall(message.lower()):
        if word not in STOPWORDS and len(word) > 1:
            seen.setdefault(word, None)
    return list(seen)


K1, B = 1.2, 0.75  # FTS5's bm25 constants
COLUMN_WEIGHTS = {"title": 10.0, "terms": 6.0, "body": 1.0}


class SearchIndex:
    """bm25 over the documents, computed as SQLite FTS5's bm25() computes it, from postings in numpy arrays.

    FTS5 (porter stemmer, unicode61) tokenises the documents and each query, in this process's memory; the
    scoring is done here because FTS5 evaluates bm25 for every row a query matches, which grows with the
    content (8 ms a query at 100 times today's content against 0.1 ms). Same formula, same order of the
    floating-point operations, same column weights (title 10, terms 6, body 1): the same scores as
    `bm25(search_index, 0, 0, 10, 6, 1)` (tests/unit/test_search_index.py compares them)."""

    def __init__(self, documents: Iterable[SearchDocument]):
        self.documents = list(documents)
        self._connection = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            c = self._connection
            c.execute(
                "CREATE VIRTUAL TABLE search_index USING fts5("
                "kind UNINDEXED, ref UNINDEXED, title, terms, body, tokenize='porter unicode61')"
            )
            c.executemany(
                "INSERT INTO search_index (rowid, kind, ref, title, terms, body) VALUES (?, ?, ?, ?, ?, ?)",
                [(i, d.kind, d.ref, d.title, d.terms, d.body) for i, d in enumerate(self.documents)],
            )
            c.execute("CREATE VIRTUAL TABLE search_terms USING fts5vocab(search_index, 'instance')")
            c.execute("CREATE VIRTUAL TABLE query_text USING fts5(text, tokenize='porter unicode61')")
            c.execute("CREATE VIRTUAL TABLE query_terms USING fts5vocab(query_text, 'instance')")
            instances = c.execute("SELECT term, doc, col FROM search_terms").fetchall()
        frequency: dict[str, dict[int, float]] = {}
        length = np.zeros(len(self.documents))
        for term, doc, column in instances:
            weights = frequency.setdefault(term, {})
            weights[doc] = weights.get(doc, 0.0) + COLUMN_WEIGHTS[column]
            length[doc] += 1
        self._postings = {
            term: (
                np.fromiter(weights, dtype=np.int64, count=len(weights)),
                np.fromiter(weights.values(), dtype=np.float64, count=len(weights)),
            )
            for term, weights in frequency.items()
        }
        self._rows = len(self.documents)
        average = length.sum() / self._rows if self._rows else 1.0
        self._norm = 1 - B + B * length / average  # per document, as FTS5 computes it

    def _stems(self, words: list[str]) -> list[str]:
        """FTS5's tokens of the words, one per word (each is [a-z0-9]+), in order."""
        with self._lock:
            self._connection.execute("INSERT INTO query_text (rowid, text) VALUES (1, ?)", (" ".join(words),))
            stems = [term for (term,) in self._connection.execute("SELECT term FROM query_terms ORDER BY offset")]
            self._connection.execute("DELETE FROM query_text")
        return stems

    def search(self, message: str, limit: int = 5) -> list[SearchHit]:
        words = keywords(message)
        if not words or not self._rows:
            return []
        score = np.zeros(self._rows)
        matched = np.zeros(self._rows, dtype=bool)
        for stem in self._stems(words):  # every word is a phrase of the query, repeats included
            if stem not in self._postings:
                continue
            docs, freq = self._postings[stem]
            idf = math.log((self._rows - len(docs) + 0.5) / (len(docs) + 0.5))
            idf = idf if idf > 0.0 else 1e-6
            score[docs] += idf * ((freq * (K1 + 1.0)) / (freq + K1 * self._norm[docs]))
            matched[docs] = True
        found = np.flatnonzero(matched)
        best = found[np.argsort(-score[found], kind="stable")[:limit]]
        return [SearchHit(self.documents[i].kind, self.documents[i].ref, float(score[i])) for i in best]
