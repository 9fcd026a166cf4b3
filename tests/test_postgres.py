"""The knowledge store on PostgreSQL: the same build and queries, changing only the database URL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.builder import build
from knowledge.content import ContentError
from knowledge.settings import CONTENT_DIR, CURATION_URL_ENV
from knowledge.store import KnowledgeStore
from tests.support.postgres import crashable_postgres, postgres_bin, throwaway_postgres

pytestmark = pytest.mark.skipif(
    postgres_bin() is None, reason="PostgreSQL is not installed (apt-get install postgresql)"
)


@pytest.fixture(scope="module")
def postgres_url():
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="module")
def pg_store(postgres_url: str) -> KnowledgeStore:
    build(CONTENT_DIR, postgres_url)
    store = KnowledgeStore(postgres_url)
    yield store
    store.dispose()


def test_queries_work_on_postgresql(pg_store: KnowledgeStore):
    topic = pg_store.topic("butyrate")
    assert topic is not None and topic.sources and topic.related
    assert pg_store.find_topics("what is a faecal transplant")[0] == "fmt"
    hits = pg_store.search("butyrate short chain fatty acid from fibre")
    assert hits and hits[0].slug in {"butyrate", "scfa"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert pg_store.search("the and of") == []
    assert pg_store.find_myth("is it true that leaky gut causes eczema").topic == "leaky_gut"
    assert pg_store.glossary_entry("what does LPS mean").topic_slug == "leaky_gut"
    assert len(pg_store.tour()) >= 5 and pg_store.quiz_questions()


def test_failed_rebuild_keeps_the_previous_content(pg_store: KnowledgeStore, postgres_url: str, tmp_path: Path):
    before = pg_store.fingerprint()
    broken = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, broken)
    (broken / "topics" / "butyrate.yml").write_text("slug: butyrate\n")
    with pytest.raises(ContentError):
        build(broken, postgres_url)
    assert pg_store.fingerprint() == before and pg_store.topic("butyrate") is not None


def test_a_rebuild_on_postgresql_reaches_a_running_store(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from knowledge import store as store_module

    monkeypatch.setattr(store_module, "RELOAD_CHECK_SECONDS", 0.0)  # check the fingerprint on every lookup
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    build(content, postgres_url)
    store = KnowledgeStore(postgres_url)
    title = store.topic("butyrate").title
    path = content / "topics" / "butyrate.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(f"title: {title}", "title: Butyrate, revised", 1), encoding="utf-8"
    )
    build(content, postgres_url)
    try:
        assert store.topic("butyrate").title == "Butyrate, revised"
    finally:
        store.dispose()
        build(CONTENT_DIR, postgres_url)  # the module's other tests read the real content


def test_the_tracker_store_on_postgresql_commits_without_waiting_for_the_disk(postgres_url: str):
    import asyncio

    import sqlalchemy as sa
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_ext.stores.tracker_store import ForgetfulSQLTrackerStore

    domain = Domain.from_yaml('version: "3.1"\nintents: [greet]')
    store = ForgetfulSQLTrackerStore(domain=domain, host=postgres_url)
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("SHOW synchronous_commit")).scalar() == "off"
    tracker = DialogueStateTracker("pg-user", domain.slots)
    tracker.update(UserUttered("hello", {"name": "greet"}))
    tracker.update(ActionExecuted("utter_greet"))
    asyncio.run(store.save(tracker))  # and it still stores: a reload from the database has the turn
    reloaded = asyncio.run(ForgetfulSQLTrackerStore(domain=domain, host=postgres_url).retrieve("pg-user"))
    assert [e.as_dict() for e in reloaded.events] == [e.as_dict() for e in tracker.events]
    store.engine.dispose()


# The server's own default is asynchronous commits, and the WAL writer waits its longest (10 s) between flushes:
# a commit that does not wait for the disk itself is lost by a crash within those 10 s.
LAZY_SERVER = "-c synchronous_commit=off -c wal_writer_delay=10000"


def test_delete_my_data_survives_a_crash_of_the_database_right_after(monkeypatch: pytest.MonkeyPatch):
    import asyncio

    import sqlalchemy as sa
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from knowledge.curation import CurationStore
    from rasa_ext.stores.tracker_store import FORGET_ACTION, ForgetfulSQLTrackerStore

    domain = Domain.from_yaml('version: "3.1"\nintents: [greet, forget_confirm]')
    with crashable_postgres(LAZY_SERVER) as postgres:
        store = ForgetfulSQLTrackerStore(domain=domain, host=postgres.url)
        curation = CurationStore(postgres.url)
        with store.engine.connect() as connection:
            assert connection.execute(sa.text("SHOW synchronous_commit")).scalar() == "off"
        with curation.engine.connect() as connection:  # the server's default does not matter either
            assert connection.execute(sa.text("SHOW synchronous_commit")).scalar() == "off"
        tracker = DialogueStateTracker("pg-forget", domain.slots)
        tracker.update(UserUttered("hello", {"name": "greet"}))
        tracker.update(ActionExecuted("utter_greet"))
        asyncio.run(store.save(tracker))
        curation.record_unanswered("my son's weeping eczema and zinc", "pg-forget")
        with store.engine.begin() as connection:  # the WAL is on disk up to here: only the deletion is at risk
            connection.execute(sa.text("SET LOCAL synchronous_commit = on"))
            connection.execute(sa.text("CREATE TABLE flushed (x int)"))
        tracker.update(UserUttered("/forget_confirm", {"name": "forget_confirm"}))
        tracker.update(ActionExecuted(FORGET_ACTION))
        monkeypatch.setenv(CURATION_URL_ENV, postgres.url)  # the curation store "delete my data" deletes from
        asyncio.run(store.save(tracker))  # the confirmed deletion
        postgres.crash()
        for engine in (store.engine, store.curation().engine):
            engine.dispose()
        curation.dispose()
        postgres.start()
        reloaded = ForgetfulSQLTrackerStore(domain=domain, host=postgres.url)
        assert asyncio.run(reloaded.retrieve("pg-forget")) is None, "the deleted conversation came back"
        assert CurationStore(postgres.url).frequent_unanswered() == [], "its unanswered question came back"
        reloaded.engine.dispose()
