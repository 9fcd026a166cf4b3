"""Building the knowledge database: a document per content item, atomic replacement, fingerprints."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from knowledge import builder
from knowledge.builder import build
from knowledge.content import ContentError, Myth, QuizQuestion, Source, Topic, load_content
from knowledge.documents import from_document
from knowledge.fingerprint import content_fingerprint
from knowledge.store import KnowledgeStore
from tests.unit.conftest import FIXTURE_CONTENT, edit_yaml, sqlite_url


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def stored_fingerprint(db: Path) -> str:
    return rows(db, "SELECT value FROM meta WHERE key = 'fingerprint'")[0][0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "out" / "knowledge.db"


def documents(db: Path, kind: str) -> list[tuple[str, str]]:
    return rows(db, f"SELECT key, body FROM documents WHERE kind = '{kind}' ORDER BY position")


def test_build_writes_a_document_per_item(db: Path):
    content = build(FIXTURE_CONTENT, sqlite_url(db))
    assert db.is_file()
    expected = load_content(FIXTURE_CONTENT)
    assert set(content.topics) == set(expected.topics)
    assert [key for key, _ in documents(db, "source")] == list(expected.sources)
    assert sorted(key for key, _ in documents(db, "topic")) == sorted(expected.topics)
    assert [key for key, _ in documents(db, "myth")] == [m.id for m in expected.myths]
    assert [key for key, _ in documents(db, "question")] == [q.id for q in expected.quiz]
    menu = [dataclasses.asdict(group) for group in expected.menu_groups]
    assert dict(documents(db, "list")) == {"tour": json.dumps(expected.tour), "menu": json.dumps(menu)}
    assert stored_fingerprint(db) == content_fingerprint(FIXTURE_CONTENT)


def test_built_documents_hold_the_content(db: Path):
    build(FIXTURE_CONTENT, sqlite_url(db))
    expected = load_content(FIXTURE_CONTENT)
    for slug, body in documents(db, "topic"):
        assert from_document(Topic, body) == expected.topics[slug]
    assert json.loads(dict(documents(db, "topic"))["skin"])["children_note"] is None
    # topic positions follow menu.yml, not the alphabetical file order
    assert [slug for slug, _ in documents(db, "topic")] == expected.menu
    for source_id, body in documents(db, "source"):
        assert from_document(Source, body) == expected.sources[source_id]
    assert [from_document(Myth, body) for _, body in documents(db, "myth")] == expected.myths
    assert [from_document(QuizQuestion, body) for _, body in documents(db, "question")] == expected.quiz


def test_build_into_a_folder_that_does_not_exist_yet(tmp_path: Path):
    db = tmp_path / "a" / "b" / "knowledge.db"
    build(FIXTURE_CONTENT, sqlite_url(db))
    assert len(documents(db, "topic")) == 3


def test_the_built_content_is_searchable(db: Path):
    build(FIXTURE_CONTENT, sqlite_url(db))
    store = KnowledgeStore(sqlite_url(db))
    assert [hit.slug for hit in store.search("roughage")] == ["fibre"]  # a glossary synonym
    assert "fibre" in [hit.slug for hit in store.search("ferments")]  # the porter stemmer: 'ferment'
    store.dispose()


def test_invalid_content_leaves_an_existing_database_untouched(db: Path, content_dir: Path):
    build(FIXTURE_CONTENT, sqlite_url(db))
    before = db.read_bytes()
    edit_yaml(content_dir / "quiz.yml", lambda d: d["questions"][0].update({"answer": "z"}))
    with pytest.raises(ContentError):
        build(content_dir, sqlite_url(db))
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["knowledge.db"]


def test_failure_while_writing_leaves_an_existing_database_untouched(
    db: Path, monkeypatch: pytest.MonkeyPatch, content_dir: Path
):
    build(FIXTURE_CONTENT, sqlite_url(db))
    before = db.read_bytes()

    real_rows = builder.document_rows

    def broken_rows(content):
        yield from real_rows(content)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(builder, "document_rows", broken_rows)
    edit_yaml(content_dir / "topics" / "fibre.yml", lambda d: d.update({"title": "A new title"}))
    with pytest.raises(RuntimeError, match="disk on fire"):
        build(content_dir, sqlite_url(db))
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["knowledge.db"]


def test_failed_first_build_creates_no_file(db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(builder, "document_rows", lambda content: [1 / 0])
    with pytest.raises(ZeroDivisionError):
        build(FIXTURE_CONTENT, sqlite_url(db))
    assert list(db.parent.iterdir()) == []


def test_building_twice_replaces_the_content(db: Path, content_dir: Path):
    build(content_dir, sqlite_url(db))
    edit_yaml(content_dir / "topics" / "fibre.yml", lambda d: d.update({"title": "Fibre, revised"}))
    edit_yaml(content_dir / "myths.yml", lambda d: d.update({"myths": []}))
    edit_yaml(content_dir / "tour.yml", lambda d: d.update({"tour": ["skin"]}))
    build(content_dir, sqlite_url(db))
    assert json.loads(dict(documents(db, "topic"))["fibre"])["title"] == "Fibre, revised"
    assert len(documents(db, "topic")) == 3  # replaced, not appended
    assert documents(db, "myth") == []
    assert json.loads(dict(documents(db, "list"))["tour"]) == ["skin"]
    assert sorted(p.name for p in db.parent.iterdir()) == ["knowledge.db"]


def test_building_the_same_content_twice_gives_the_same_data(db: Path, tmp_path: Path):
    other = tmp_path / "other.db"
    build(FIXTURE_CONTENT, sqlite_url(db))
    build(FIXTURE_CONTENT, sqlite_url(other))
    for table in ("documents", "meta"):
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
    edit_yaml(
        content_dir / "topics" / "fibre.yml",
        lambda d: (d["glossary"][0]["synonyms"].append("bran flakes"), d.update({"title": "Fibre v2"})),
    )
    build(content_dir, sqlite_url(db))
    assert store.match_topics("what about bran flakes") == ["fibre"]
    assert store.topic("fibre").title == "Fibre v2"
    store.dispose()
