"""The input checks every channel applies, the REST body parser, and the forgetting tracker store, alone."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import update
from sqlalchemy.orm import Session

from knowledge.curation import CurationStore, UnansweredRow
from rasa_ext.channels.limits import EMPTY_REPLY, MAX_MESSAGE_CHARS, TOO_LONG_REPLY, clean_text, refusal
from rasa_ext.channels.rest import BadRequest, parse_body
from rasa_ext.stores.tracker_store import FORGET_ACTION, ForgetfulSQLTrackerStore, asked_to_forget


def test_clean_text_removes_control_characters_and_lone_surrogates_but_keeps_lines():
    assert clean_text("\x00what is\x07 fmt\ud800?\n ok\t") == "what is  fmt ?\n ok"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("x" * MAX_MESSAGE_CHARS, None),
        ("x" * (MAX_MESSAGE_CHARS + 1), TOO_LONG_REPLY),
        ("", EMPTY_REPLY),
        (" \n\t\x00", EMPTY_REPLY),
        ("butyrate?", None),
    ],
)
def test_refusal(text, expected):
    assert refusal(text) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"", "not valid JSON"),
        (b"[1]", "JSON object"),
        (b'{"message": 1}', "'message' must be a string"),
        (b'{"message": "hi", "sender": 3}', "'sender'"),
        (b'{"message": "hi", "sender": "a\\u0000"}', "printable"),
        (json.dumps({"message": "hi", "sender": "s" * 256}).encode(), "at most 255"),
        (b'{"message": "hi", "metadata": []}', "'metadata'"),
        (b'{"message": "\xff"}', "UTF-8"),
        (b"[" * 50000 + b"]" * 50000, "not valid JSON"),
    ],
)
def test_parse_body_refuses_with_a_reason(raw, reason):
    with pytest.raises(BadRequest, match=reason):
        parse_body(raw)


def test_parse_body_reads_sender_message_and_metadata():
    assert parse_body(b'{"sender": "me", "message": "hi", "metadata": {"a": 1}}') == ("me", "hi", {"a": 1})
    assert parse_body(b'{"message": "hi"}') == ("default", "hi", None)


DOMAIN = Domain.load(Path(__file__).resolve().parents[2] / "domain.yml")


def tracker(sender: str, *events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, list(events), slots=DOMAIN.slots)


def test_asked_to_forget_only_right_after_the_confirmed_reply():
    confirmed = [
        UserUttered("/forget_confirm", {"name": "forget_confirm"}),
        ActionExecuted(FORGET_ACTION),
        ActionExecuted("action_listen"),
    ]
    assert asked_to_forget(tracker("a", *confirmed))
    assert not asked_to_forget(tracker("a", *confirmed, UserUttered("hello", {"name": "greet"})))
    assert not asked_to_forget(
        tracker("a", UserUttered("delete my data", {"name": "forget"}), ActionExecuted("utter_forget_confirm"))
    )


@pytest.fixture
def tracker_store(tmp_path: Path) -> ForgetfulSQLTrackerStore:
    return ForgetfulSQLTrackerStore(domain=DOMAIN, host=f"sqlite:///{tmp_path / 'trackers.db'}")


def test_the_store_keeps_conversations_and_forgets_one_when_confirmed(tracker_store):
    import asyncio

    kept = tracker("kept", UserUttered("hi", {"name": "greet"}), SlotSet("topic", "fmt"))
    gone = tracker("gone", UserUttered("hi", {"name": "greet"}))
    asyncio.run(tracker_store.save(kept))
    asyncio.run(tracker_store.save(gone))
    curation = CurationStore()  # the one the tracker store deletes from (CURATION_DATABASE_URL)
    curation.record_unanswered("does zinc help my son's weeping eczema", "gone")
    curation.record_unanswered("does zinc help", "kept")
    for event in (UserUttered("/forget_confirm", {"name": "forget_confirm"}), ActionExecuted(FORGET_ACTION)):
        gone.update(event)
    asyncio.run(tracker_store.save(gone))
    assert asyncio.run(tracker_store.retrieve("gone")) is None
    assert asyncio.run(tracker_store.retrieve("kept")).get_slot("topic") == "fmt"
    assert curation.frequent_unanswered() == [("does zinc help", 1)], "its unanswered questions went with it"


def test_conversations_older_than_the_retention_are_deleted(tracker_store):
    import asyncio

    old = tracker("old", UserUttered("hi", {"name": "greet"}, timestamp=time.time() - 40 * 86400))
    new = tracker("new", UserUttered("hi", {"name": "greet"}))
    asyncio.run(tracker_store.save(old))
    asyncio.run(tracker_store.save(new))
    assert tracker_store.forget_older_than(30) == 1
    assert asyncio.run(tracker_store.retrieve("old")) is None
    assert asyncio.run(tracker_store.retrieve("new")) is not None


def test_the_retention_command_deletes_old_conversations_and_old_unanswered_questions(tmp_path: Path):
    import asyncio
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'trackers.db'}"
    store = ForgetfulSQLTrackerStore(domain=DOMAIN, host=url)
    asyncio.run(store.save(tracker("old", UserUttered("hi", {"name": "greet"}, timestamp=time.time() - 8 * 86400))))
    asyncio.run(store.save(tracker("new", UserUttered("hi", {"name": "greet"}))))
    curation_url = f"sqlite:///{tmp_path / 'curation.db'}"
    curation = CurationStore(curation_url)
    curation.record_unanswered("an old question about zinc", "old")
    curation.record_unanswered("a new question about zinc", "new")
    with Session(curation.engine) as session, session.begin():  # stored 91 days ago
        session.execute(
            update(UnansweredRow)
            .where(UnansweredRow.text == "an old question about zinc")
            .values(created_at=dt.datetime.utcnow() - dt.timedelta(days=91))
        )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(root / "scripts" / "forget_old_conversations.py"), "--days", "7"],
        env={
            "TRACKER_STORE_URL": url,
            "CURATION_DATABASE_URL": curation_url,
            "PATH": "/usr/bin:/bin",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        },
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "deleted 1 conversation" in done.stdout
    assert asyncio.run(store.retrieve("old")) is None and asyncio.run(store.retrieve("new")) is not None
    assert "deleted 1 unanswered question(s) older than 90 days" in done.stdout  # the default retention
    assert curation.frequent_unanswered() == [("a new question about zinc", 1)]
