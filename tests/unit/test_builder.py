"""Building the knowledge database: every table filled, atomic replacement, fingerprints."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from actions.knowledge import builder
from actions.knowledge.builder import build
from actions.knowledge.content import ContentError, load_content
from actions.knowledge.fingerprint import content_fingerprint
from actions.knowledge.store import KnowledgeStore
from tests.unit.conftest import FIXTURE_CONTENT, edit_yaml, sqlite_url


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def count(db: Path, table: str) -> int:
    return rows(db, f"SELECT count(*) FROM {table}")[0][0]


def stored_fingerprint(db: Path) -> str:
    return rows(db, "SELECT value FROM meta WHERE key = 'fingerprint'")[0][0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "out" / "knowledge.db"


def test_build_fills_every_table(db: Path):
    content = build(FIXTURE_CONTENT, sqlite_url(db))
    assert db.is_file()
    expected = load_content(FIXTURE_CONTENT)
    assert set(content.topics) == set(expected.topics)
    topics = expected.topics.values()
    assert count(db, "topics") == 3
    assert count(db, "sources") == 3
    assert count(db, "key_points") == sum(len(t.key_points) for t in topics)
    assert count(db, "related_topics") == sum(len(t.related) for t in topics)
    assert count(db, "topic_sources") == sum(len(t.sources) for t in topics)
    assert count(db, "glossary_terms") == sum(1 + len(g.synonyms) for t in topics for g in t.glossary)
    assert count(db, "myths") == 1
    assert count(db, "myth_sources") == len(expected.myths[0].sources)
    assert count(db, "quiz_questions") == 2
    assert rows(db, "SELECT topic_slug FROM tour_steps ORDER BY position") == [(s,) for s in expected.tour]
    assert count(db, "search_documents") == 3 + 1
    assert count(db, "search_index") == 3 + 1
    assert stored_fingerprint(db) == content_fingerprint(FIXTURE_CONTENT)


def test_built_rows_hold_the_content(db: Path):
    build(FIXTURE_CONTENT, sqlite_url(db))
    expected = load_content(FIXTURE_CONTENT)
    fibre = expected.topics["fibre"]
    title, short, detailed, reviewed, children = rows(
        db, "SELECT title, short_answer, detailed_answer, last_reviewed, children_note FROM topics WHERE slug='fibre'")[0]
    assert (title, short, detailed, children) == (fibre.title, fibre.short_answer, fibre.detailed_answer,
                                                 fibre.children_note)
    assert reviewed == fibre.last_reviewed.isoformat()
    assert rows(db, "SELECT children_note FROM topics WHERE slug='skin'") == [(None,)]
    # topic positions follow menu.yml, not the alphabetical file order
    assert [s for (s,) in rows(db, "SELECT slug FROM topics ORDER BY position")] == expected.menu
    # synonyms point at their main term and its definition
    assert rows(db, "SELECT term, definition, topic_slug FROM glossary_terms WHERE phrase='roughage'") == [
        ("fibre", fibre.glossary[0].definition, "fibre")]
    assert rows(db, "SELECT definition FROM glossary_terms WHERE phrase='whole grains'") == [(None,)]
    source = expected.sources["smith2020_fibre_trial"]
    assert rows(db, "SELECT authors, year, pmid, doi, url FROM sources WHERE id='smith2020_fibre_trial'") == [
        (source.authors, source.year, source.pmid, None, None)]
    assert rows(db, "SELECT verdict, topic_slug FROM myths") == [("false", "fibre")]


def test_build_into_a_folder_that_does_not_exist_yet(tmp_path: Path):
    db = tmp_path / "a" / "b" / "knowledge.db"
    build(FIXTURE_CONTENT, sqlite_url(db))
    assert count(db, "topics") == 3


def test_full_text_index_is_searchable(db: Path):
    build(FIXTURE_CONTENT, sqlite_url(db))
    matches = {ref for (ref,) in rows(db, "SELECT ref FROM search_index WHERE search_index MATCH 'roughage'")}
    assert matches == {"fibre", "fibre_cures_eczema"}  # a glossary synonym and a myth phrasing
    # the porter stemmer finds 'ferments' from 'ferment'
    assert ("fibre",) in rows(db, "SELECT ref FROM search_index WHERE search_index MATCH 'ferments'")


def test_invalid_content_leaves_an_existing_database_untouched(db: Path, content_dir: Path):
    build(FIXTURE_CONTENT, sqlite_url(db))
    before = db.read_bytes()
    edit_yaml(content_dir / "quiz.yml", lambda d: d["questions"][0].update({"answer": "z"}))
    with pytest.raises(ContentError):
        build(content_dir, sqlite_url(db))
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["knowledge.db"]


def test_failure_while_writing_leaves_an_existing_database_untouched(db: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     content_dir: Path):
    build(FIXTURE_CONTENT, sqlite_url(db))
    before = db.read_bytes()

    def broken_index(connection):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(builder.search, "create_index", broken_index)
    edit_yaml(content_dir / "topics" / "fibre.yml", lambda d: d.update({"title": "A new title"}))
    with pytest.raises(RuntimeError, match="disk on fire"):
        build(content_dir, sqlite_url(db))
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["knowledge.db"]


def test_failed_first_build_creates_no_file(db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(builder.search, "create_index", lambda connection: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        build(FIXTURE_CONTENT, sqlite_url(db))
    assert list(db.parent.iterdir()) == []


def test_building_twice_replaces_the_content(db: Path, content_dir: Path):
    build(content_dir, sqlite_url(db))
    edit_yaml(content_dir / "topics" / "fibre.yml", lambda d: d.update({"title": "Fibre, revised"}))
    edit_yaml(content_dir / "myths.yml", lambda d: d.update({"myths": []}))
    edit_yaml(content_dir / "tour.yml", lambda d: d.update({"tour": ["skin"]}))
    build(content_dir, sqlite_url(db))
    assert rows(db, "SELECT title FROM topics WHERE slug='fibre'") == [("Fibre, revised",)]
    assert count(db, "topics") == 3  # replaced, not appended
    assert count(db, "glossary_terms") == rows(db, "SELECT count(DISTINCT id) FROM glossary_terms")[0][0]
    assert count(db, "myths") == 0 and count(db, "myth_sources") == 0
    assert count(db, "search_index") == 3
    assert rows(db, "SELECT topic_slug FROM tour_steps") == [("skin",)]
    assert sorted(p.name for p in db.parent.iterdir()) == ["knowledge.db"]


def test_building_the_same_content_twice_gives_the_same_data(db: Path, tmp_path: Path):
    other = tmp_path / "other.db"
    build(FIXTURE_CONTENT, sqlite_url(db))
    build(FIXTURE_CONTENT, sqlite_url(other))
    for table in ("topics", "glossary_terms", "search_documents", "meta"):
        assert rows(db, f"SELECT * FROM {table} ORDER BY 1") == rows(other, f"SELECT * FROM {table} ORDER BY 1")


def test_missing_content_folder_raises_content_error(db: Path, tmp_path: Path):
    with pytest.raises(ContentError, match="content folder not found"):
        build(tmp_path / "no-such-folder", sqlite_url(db))
    assert not db.exists()


def test_in_memory_sqlite_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="file path"):
        build(FIXTURE_CONTENT, "sqlite://")


def test_fingerprint_changes_with_the_content(db: Path, content_dir: Path):
    build(content_dir, sqlite_url(db))
    first = stored_fingerprint(db)
    assert first == content_fingerprint(content_dir) == content_fingerprint(FIXTURE_CONTENT)

    build(content_dir, sqlite_url(db))
    assert stored_fingerprint(db) == first  # same files, same fingerprint

    path = content_dir / "topics" / "skin.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("every day", "each day"), encoding="utf-8")
    build(content_dir, sqlite_url(db))
    second = stored_fingerprint(db)
    assert second != first
    assert KnowledgeStore(sqlite_url(db)).fingerprint() == second


def test_fingerprint_notices_a_renamed_file(tmp_path: Path, content_dir: Path):
    before = content_fingerprint(content_dir)
    (content_dir / "menu.yml").rename(content_dir / "menu2.yml")
    assert content_fingerprint(content_dir) != before


def test_a_store_sees_a_rebuilt_database_and_its_new_glossary(db: Path, content_dir: Path):
    build(content_dir, sqlite_url(db))
    store = KnowledgeStore(sqlite_url(db))
    assert store.match_topics("what about bran flakes") == []
    assert store.topic("fibre").title == load_content(content_dir).topics["fibre"].title
    edit_yaml(content_dir / "topics" / "fibre.yml",
              lambda d: (d["glossary"][0]["synonyms"].append("bran flakes"), d.update({"title": "Fibre v2"})))
    build(content_dir, sqlite_url(db))
    assert store.match_topics("what about bran flakes") == ["fibre"]
    assert store.topic("fibre").title == "Fibre v2"
    store.dispose()
