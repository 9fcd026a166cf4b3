"""The tracker store's cache of recent conversations: the same answers as loading from the database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext.stores.tracker_store import ForgetfulSQLTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  topic: {type: text, mappings: [{type: custom}]}
""")


def store_at(path: Path) -> ForgetfulSQLTrackerStore:
    return ForgetfulSQLTrackerStore(domain=DOMAIN, host=f"sqlite:///{path}")


def turn(tracker: DialogueStateTracker, text: str, topic: str) -> None:
    tracker.update(UserUttered(text, {"name": "ask_topic"}))
    tracker.update(ActionExecuted("action_answer_topic"))
    tracker.update(BotUttered(f"about {topic}"))
    tracker.update(SlotSet("topic", topic))
    tracker.update(ActionExecuted("action_listen"))


def stored_texts(path: Path) -> list[str]:
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT type_name, data FROM events WHERE sender_id = 'a' ORDER BY id"))
        texts = [data for type_name, data in rows if type_name in ("user", "bot")]
    engine.dispose()
    return texts


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "trackers.db"


def test_a_saved_conversation_is_served_from_memory_and_stored_once(db: Path, monkeypatch: pytest.MonkeyPatch):
    store = store_at(db)
    # no save needs to count the stored events: the store knows them (none on a first turn)
    monkeypatch.setattr(store, "_additional_events", lambda *a: pytest.fail("counted the stored events"))
    assert asyncio.run(store.retrieve("a")) is None
    tracker = DialogueStateTracker("a", DOMAIN.slots)
    turn(tracker, "what is butyrate", "butyrate")
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve("a"))
    assert again is tracker  # no reload and replay of the events
    turn(again, "and fibre?", "dietary_fiber")
    asyncio.run(store.save(again))
    fresh = asyncio.run(store_at(db).retrieve("a"))  # another process: from the database
    assert [e.as_dict() for e in fresh.events] == [e.as_dict() for e in tracker.events]
    assert fresh.get_slot("topic") == "dietary_fiber"
    assert len(stored_texts(db)) == 4  # two user messages and two replies, each once


def test_what_another_process_added_is_read_and_applied_as_a_reload_would(db: Path, monkeypatch: pytest.MonkeyPatch):
    first, second = store_at(db), store_at(db)
    tracker = DialogueStateTracker("a", DOMAIN.slots)
    turn(tracker, "what is butyrate", "butyrate")
    asyncio.run(first.save(tracker))
    other = asyncio.run(second.retrieve("a"))
    for text, topic in (("and fibre?", "dietary_fiber"), ("and probiotics?", "probiotics")):
        turn(other, text, topic)
        asyncio.run(second.save(other))  # the second process answered the next turns
        monkeypatch.setattr(first, "_event_query", lambda *a, **k: pytest.fail("reloaded every event"))
        seen = asyncio.run(first.retrieve("a"))
        assert seen is tracker and seen.get_slot("topic") == topic  # caught up in place
        reloaded = asyncio.run(store_at(db).retrieve("a"))
        assert [e.as_dict() for e in seen.events] == [e.as_dict() for e in reloaded.events]
        monkeypatch.undo()
    turn(seen, "thanks", "probiotics")  # and the first process goes on from there, storing each event once
    asyncio.run(first.save(seen))
    assert len(stored_texts(db)) == 8


def test_a_conversation_deleted_or_restarted_by_another_process_is_reloaded(db: Path):
    first, second = store_at(db), store_at(db)
    tracker = DialogueStateTracker("a", DOMAIN.slots)
    turn(tracker, "what is butyrate", "butyrate")
    asyncio.run(first.save(tracker))
    other = asyncio.run(second.retrieve("a"))
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
        other.update(event)
    turn(other, "and fibre?", "dietary_fiber")
    asyncio.run(second.save(other))  # a new session: a reload holds that session only
    seen = asyncio.run(first.retrieve("a"))
    assert seen is not tracker and isinstance(seen.events[0], SessionStarted)
    asyncio.run(first.save(seen))
    second.forget("a")  # "delete my data", answered by the other process
    assert asyncio.run(first.retrieve("a")) is None


def test_a_turn_that_was_not_saved_is_not_served_from_memory(db: Path):
    store = store_at(db)
    tracker = DialogueStateTracker("a", DOMAIN.slots)
    turn(tracker, "what is butyrate", "butyrate")
    asyncio.run(store.save(tracker))
    turn(tracker, "and fibre?", "dietary_fiber")  # a turn that failed before its save
    seen = asyncio.run(store.retrieve("a"))
    assert seen is not tracker and seen.get_slot("topic") == "butyrate"


def test_a_tracker_the_store_did_not_load_is_added_to_what_is_stored(db: Path):
    store = store_at(db)
    tracker = DialogueStateTracker("a", DOMAIN.slots)
    turn(tracker, "what is butyrate", "butyrate")
    asyncio.run(store.save(tracker))
    elsewhere = asyncio.run(store_at(db).retrieve("a"))  # e.g. the HTTP API's copy
    turn(elsewhere, "and fibre?", "dietary_fiber")
    asyncio.run(store.save(elsewhere))
    assert len(stored_texts(db)) == 4


def test_forgetting_a_conversation_empties_the_memory_too(db: Path):
    store = store_at(db)
    tracker = DialogueStateTracker("a", DOMAIN.slots)
    turn(tracker, "what is butyrate", "butyrate")
    asyncio.run(store.save(tracker))
    assert store.forget("a") > 0
    assert asyncio.run(store.retrieve("a")) is None
    assert stored_texts(db) == []


def test_sqlite_runs_in_wal_mode(db: Path):
    store = store_at(db)
    asyncio.run(store.save(DialogueStateTracker("a", DOMAIN.slots)))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_new_conversations_second_turn_is_served_from_memory_too(db: Path, monkeypatch: pytest.MonkeyPatch):
    store = store_at(db)
    monkeypatch.setattr(store, "_additional_events", lambda *a: pytest.fail("counted the stored events"))
    tracker = asyncio.run(store.get_or_create_tracker("a"))  # Rasa saves the new tracker with its first listen
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
        tracker.update(event)
    turn(tracker, "what is butyrate", "butyrate")
    asyncio.run(store.save(tracker))
    assert asyncio.run(store.retrieve("a")) is tracker  # not reloaded although the turn started a session
    fresh = asyncio.run(store_at(db).retrieve("a"))  # what a reload gives: the session, without the first listen
    assert [e.as_dict() for e in fresh.applied_events()] == [e.as_dict() for e in tracker.applied_events()]
    assert fresh.get_slot("topic") == tracker.get_slot("topic") == "butyrate"


def test_a_new_session_of_a_stored_conversation_is_reloaded_as_before(db: Path):
    store = store_at(db)
    tracker = DialogueStateTracker("a", DOMAIN.slots)
    turn(tracker, "what is butyrate", "butyrate")
    asyncio.run(store.save(tracker))
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
        tracker.update(event)
    turn(tracker, "and fibre?", "dietary_fiber")
    asyncio.run(store.save(tracker))
    loaded = asyncio.run(store.retrieve("a"))
    assert loaded is not tracker and isinstance(loaded.events[0], SessionStarted)  # only the new session
    assert loaded.get_slot("topic") == "dietary_fiber"
