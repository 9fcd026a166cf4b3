"""Full-text search over topic and myth texts: SQLite FTS5 ranked by bm25, PostgreSQL ts_rank otherwise."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

# Words that say nothing about a topic; dropped so "what is the ..." does not match every text.
STOPWORDS = frozenset(
    """a about actually again all also am an and any are as at be been being but by can could did do does doing
    for from get got had has have having he her here hi him his how i if in into is it its just know like me
    mean means more much my no not of on or our out please really said say she should so some tell than that
    the their them then there these they thing things this those to too up us very was way we were what when
    where which who why will with would yes you your explain something anything""".split()
)
WORD = re.compile(r"[a-z0-9]+")

# Column weights: title, glossary terms, body. Matching a term people type counts most.
SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE search_index USING fts5("
    "kind UNINDEXED, ref UNINDEXED, title, terms, body, tokenize='porter unicode61')"
)
SQLITE_FILL = "INSERT INTO search_index (kind, ref, title, terms, body) SELECT kind, ref, title, terms, body FROM search_documents"
SQLITE_QUERY = text(
    "SELECT kind, ref, bm25(search_index, 0.0, 0.0, 10.0, 6.0, 1.0) AS score FROM search_index "
    "WHERE search_index MATCH :query AND (:kind IS NULL OR kind = :kind) ORDER BY score LIMIT :limit"
)
POSTGRES_QUERY = text(
    "SELECT kind, ref, ts_rank(setweight(to_tsvector('english', title), 'A') || "
    "setweight(to_tsvector('english', terms), 'B') || setweight(to_tsvector('english', body), 'D'), q) AS score "
    "FROM search_documents, to_tsquery('english', :query) AS q "
    "WHERE (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', terms), 'B') || "
    "setweight(to_tsvector('english', body), 'D')) @@ q AND (CAST(:kind AS TEXT) IS NULL OR kind = :kind) "
    "ORDER BY score DESC LIMIT :limit"
)


@dataclass(frozen=True)
class SearchHit:
    kind: str
    ref: str
    score: float  # larger is better, whatever the backend


def keywords(message: str) -> list[str]:
    """The words of a message worth searching for, in order, without repeats."""
    seen: dict[str, None] = {}
    for word in WORD.findall(message.lower()):
        if word not in STOPWORDS and len(word) > 1:
            seen.setdefault(word, None)
    return list(seen)


def create_index(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text(SQLITE_CREATE))
        connection.execute(text(SQLITE_FILL))


def search(connection: Connection, message: str, kind: str | None = None, limit: int = 5) -> list[SearchHit]:
    words = keywords(message)
    if not words:
        return []
    if connection.dialect.name == "sqlite":
        query = " OR ".join(f'"{w}"' for w in words)
        rows = connection.execute(SQLITE_QUERY, {"query": query, "kind": kind, "limit": limit})
        return [SearchHit(r.kind, r.ref, -float(r.score)) for r in rows]
    query = " | ".join(words)
    rows = connection.execute(POSTGRES_QUERY, {"query": query, "kind": kind, "limit": limit})
    return [SearchHit(r.kind, r.ref, float(r.score)) for r in rows]
