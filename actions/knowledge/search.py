"""Full-text search over topic and myth texts, in memory (SQLite FTS5, bm25)."""
from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from typing import Iterable

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
    kind: str   # "topic" or "myth"
    ref: str    # its slug or id
    title: str
    terms: str  # glossary phrases (topics) or phrasings (myths): what people type counts most
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


class SearchIndex:
    """An SQLite FTS5 index in this process's memory, ranked by bm25, whatever database the content came from.

    Column weights: title 10, terms 6, body 1. One connection shared by threads behind a lock: a query takes
    well under a millisecond, so threads would gain nothing from connections of their own."""

    def __init__(self, documents: Iterable[SearchDocument]):
        self._connection = sqlite3.connect(":memory:", check_same_thread=False)
        self._connection.execute("CREATE VIRTUAL TABLE search_index USING fts5("
                                 "kind UNINDEXED, ref UNINDEXED, title, terms, body, tokenize='porter unicode61')")
        self._connection.executemany("INSERT INTO search_index VALUES (?, ?, ?, ?, ?)",
                                     [(d.kind, d.ref, d.title, d.terms, d.body) for d in documents])
        self._lock = threading.Lock()

    def search(self, message: str, limit: int = 5) -> list[SearchHit]:
        words = keywords(message)
        if not words:
            return []
        query = " OR ".join(f'"{w}"' for w in words)  # quoted: FTS syntax in a message is just words
        with self._lock:
            rows = self._connection.execute(
                "SELECT kind, ref, bm25(search_index, 0.0, 0.0, 10.0, 6.0, 1.0) AS score FROM search_index "
                "WHERE search_index MATCH ? ORDER BY score LIMIT ?", (query, limit)).fetchall()
        return [SearchHit(kind, ref, -score) for kind, ref, score in rows]
