"""The in-memory bm25 gives the scores and the order SQLite FTS5's own bm25() gives."""

from __future__ import annotations

import pytest

from knowledge.content import Content
from knowledge.search import SearchDocument, SearchIndex, keywords
from knowledge.store import KnowledgeStore


def fts5_ranking(index: SearchIndex, message: str, limit: int) -> list[tuple[str, float]]:
    query = " OR ".join(f'"{w}"' for w in keywords(message))
    rows = index._connection.execute(
        "SELECT ref, bm25(search_index, 0.0, 0.0, 10.0, 6.0, 1.0) FROM search_index WHERE search_index MATCH ? "
        "ORDER BY 2 LIMIT ?",
        (query, limit),
    ).fetchall()
    return [(ref, -score) for ref, score in rows]


def test_scores_and_order_equal_fts5s_bm25(real_db_url: str, real_content: Content):
    store = KnowledgeStore(real_db_url)
    index = store.snapshot()._index
    messages = [e for t in real_content.topics.values() for e in t.examples[:8]] + [
        "probiotics probiotic probiotics",
        "what about fibre and fiber",
        "FMT? (faecal transplant)",
    ]
    compared = 0
    for message in messages:
        if not keywords(message):
            continue
        ours = [(hit.ref, hit.score) for hit in index.search(message, limit=10)]
        theirs = fts5_ranking(index, message, 10)
        assert [score for _, score in ours] == pytest.approx([score for _, score in theirs], rel=1e-12), message
        # equal scores may come in either order; different ones may not
        assert sorted(ours) == sorted(theirs) or len({round(s, 9) for _, s in theirs}) < len(theirs), message
        compared += 1
    assert compared > 200
    store.dispose()


def test_the_porter_stemmer_and_repeated_stems_count_as_in_fts5():
    index = SearchIndex(
        [
            SearchDocument("topic", "a", "Fermented foods", "kefir", "Foods that ferment."),
            SearchDocument("topic", "b", "Fibre", "roughage", "Fibre feeds bacteria."),
            SearchDocument("topic", "c", "Sleep", "itch", "Itching at night."),
        ]
    )
    for message in ("fermenting", "ferments and fermented food", "itchy nights", "roughage roughage"):
        ours = [(hit.ref, hit.score) for hit in index.search(message, limit=3)]
        assert ours == pytest.approx(fts5_ranking(index, message, 3)) and ours, message
    assert index.search("the and of") == [] and index.search("zebra") == []
