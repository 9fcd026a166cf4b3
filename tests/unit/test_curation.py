"""The curation store: redaction of personal data, feedback counts, frequent unanswered questions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from knowledge.curation import CurationStore, FeedbackRow, UnansweredRow, redact
from tests.unit.conftest import sqlite_url


@pytest.fixture
def store(tmp_path: Path):
    curation = CurationStore(sqlite_url(tmp_path / "deep" / "folder" / "curation.db"))
    yield curation
    curation.dispose()


def stored_texts(store: CurationStore) -> list[str]:
    with Session(store.engine) as session:
        return list(session.execute(select(UnansweredRow.text).order_by(UnansweredRow.id)).scalars())


@pytest.mark.parametrize("email", ["jane.doe@example.com", "J.Doe+eczema@mail.example.co.uk", "x_y-z@host-name.org"])
def test_redact_removes_email_addresses(email: str):
    cleaned = redact(f"please write to {email} about butyrate")
    assert cleaned == "please write to [email] about butyrate"
    assert "@" not in cleaned


@pytest.mark.parametrize(
    "phone", ["+44 20 7946 0958", "020 7946 0958", "(555) 123-4567", "555.123.4567", "+1-202-555-0143", "07700900123"]
)
def test_redact_removes_phone_numbers(phone: str):
    cleaned = redact(f"call me on {phone} please")
    # a leading "(" of "(555)" may stay; every digit must go
    assert cleaned in ("call me on [phone] please", "call me on ([phone] please")
    assert not any(ch.isdigit() for ch in cleaned)


def test_redact_handles_both_and_normalises():
    cleaned = redact("  Mail ME at A.B@C.org\nor ring +44 7700 900123!  ")
    assert cleaned == "mail me at [email] or ring [phone]!"


@pytest.mark.parametrize(
    "text",
    [
        "is 2 g of fibre a lot",
        "my baby is 6 months old",
        "studies from 2019",
        "does HN001 help",
        "what about 10 billion cfu",
    ],
)
def test_redact_keeps_short_numbers(text: str):
    assert redact(text) == text.lower()


def test_record_unanswered_stores_the_redacted_text(store: CurationStore):
    returned = store.record_unanswered("Email me: someone@example.com, or 020 7946 0958. What is kombucha?")
    assert returned == "email me: [email], or [phone]. what is kombucha?"
    assert stored_texts(store) == [returned]
    assert "example.com" not in stored_texts(store)[0]


def test_record_unanswered_skips_blank_and_truncates_long_text(store: CurationStore):
    assert store.record_unanswered("   \n ") == ""
    assert stored_texts(store) == []
    long = store.record_unanswered("word " * 300)
    assert len(long) == 500
    assert stored_texts(store) == [long]


def test_feedback_summary_counts_per_topic(store: CurationStore):
    assert store.feedback_summary() == {}
    for slug, helpful in [
        ("butyrate", True),
        ("butyrate", True),
        ("butyrate", False),
        ("fmt", False),
        ("leaky_gut", True),
        ("fmt", False),
    ]:
        store.record_feedback(slug, helpful)
    assert store.feedback_summary() == {"butyrate": (2, 1), "fmt": (0, 2), "leaky_gut": (1, 0)}


def test_frequent_unanswered_most_common_first(store: CurationStore):
    assert store.frequent_unanswered() == []
    for text in ["kombucha?", "vitamin d", "goat milk", "Goat  milk", "vitamin D", "GOAT MILK"]:
        store.record_unanswered(text)
    assert store.frequent_unanswered() == [("goat milk", 3), ("vitamin d", 2), ("kombucha?", 1)]
    assert store.frequent_unanswered(limit=2) == [("goat milk", 3), ("vitamin d", 2)]


def test_frequent_unanswered_groups_texts_that_differ_only_in_personal_data(store: CurationStore):
    store.record_unanswered("contact a@b.com about zinc")
    store.record_unanswered("contact c.d@e.org about zinc")
    store.record_unanswered("something else")
    assert store.frequent_unanswered()[0] == ("contact [email] about zinc", 2)


def test_store_creates_its_folder_and_persists(tmp_path: Path):
    path = tmp_path / "new" / "dir" / "curation.db"
    first = CurationStore(sqlite_url(path))
    first.record_feedback("fmt", True)
    first.dispose()
    assert path.is_file()
    second = CurationStore(sqlite_url(path))
    assert second.feedback_summary() == {"fmt": (1, 0)}
    second.dispose()


def test_default_url_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    url = sqlite_url(tmp_path / "env.db")
    monkeypatch.setenv("CURATION_DATABASE_URL", url)
    assert CurationStore().url == url


@pytest.mark.parametrize("text", ["studies between 1990-2000", "in 2019 and 2020", "tel. 0207 946"])
def test_redact_keeps_years_and_ranges(text: str):
    assert "[phone]" not in redact(text)


def test_redact_removes_a_bracketed_area_code_completely():
    assert redact("call (555) 123-4567 now") == "call [phone] now"


def stored_rows(store: CurationStore) -> list[tuple[str, str | None]]:
    with Session(store.engine) as session:
        return list(session.execute(select(UnansweredRow.text, UnansweredRow.sender_key).order_by(UnansweredRow.id)))


def test_unanswered_questions_are_kept_with_a_keyed_hash_of_the_sender_never_the_sender(store: CurationStore):
    store.record_unanswered("what about zinc", "telegram-123456")
    [(text, key)] = stored_rows(store)
    assert text == "what about zinc" and key == store.sender_key("telegram-123456")
    assert key is not None and "123456" not in key and len(key) == 64
    other = CurationStore(store.url)  # another process on the same database derives the same key
    assert other.sender_key("telegram-123456") == key
    other.dispose()


def test_the_sender_key_follows_the_secret_setting(store: CurationStore, monkeypatch: pytest.MonkeyPatch):
    from knowledge.settings import CURATION_SECRET_ENV

    stored = store.sender_key("a")
    monkeypatch.setenv(CURATION_SECRET_ENV, "operator secret")
    configured = CurationStore(store.url)
    assert configured.sender_key("a") != stored and configured.sender_key("a") == configured.sender_key("a")
    configured.dispose()


def test_forget_sender_deletes_only_that_senders_questions(store: CurationStore):
    store.record_unanswered("my baby's rash is weeping, what about zinc", "alice")
    store.record_unanswered("second question from alice about fish oil", "alice")
    store.record_unanswered("what about zinc", "bob")
    store.record_unanswered("a question stored without a sender")
    assert store.forget_sender("alice") == 2
    assert [text for text, _ in stored_rows(store)] == ["what about zinc", "a question stored without a sender"]
    assert store.forget_sender("alice") == 0


def test_unanswered_questions_older_than_the_retention_are_deleted(store: CurationStore):
    store.record_unanswered("an old question", "a")
    store.record_unanswered("a recent question", "b")
    with Session(store.engine) as session, session.begin():
        session.execute(
            update(UnansweredRow)
            .where(UnansweredRow.text == "an old question")
            .values(created_at=dt.datetime.utcnow() - dt.timedelta(days=91))
        )
    assert store.forget_unanswered_older_than(90) == 1
    assert [text for text, _ in stored_rows(store)] == ["a recent question"]


def test_the_retention_setting_defaults_to_90_days(monkeypatch: pytest.MonkeyPatch):
    from knowledge.settings import UNANSWERED_RETENTION_ENV, unanswered_retention_days

    monkeypatch.delenv(UNANSWERED_RETENTION_ENV, raising=False)
    assert unanswered_retention_days() == 90
    monkeypatch.setenv(UNANSWERED_RETENTION_ENV, "14")
    assert unanswered_retention_days() == 14


def test_a_database_made_before_sender_keys_gets_the_column(tmp_path: Path):
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE unanswered (id INTEGER PRIMARY KEY, text TEXT NOT NULL, created_at DATETIME NOT NULL)")
        db.execute("INSERT INTO unanswered (text, created_at) VALUES ('an old row', '2026-01-01 00:00:00')")
    old = CurationStore(sqlite_url(path))
    old.record_unanswered("a new row", "alice")
    assert old.forget_sender("alice") == 1
    assert [text for text, _ in stored_rows(old)] == ["an old row"]
    old.dispose()


def test_a_database_made_before_answer_ids_gets_the_column(tmp_path: Path):
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY, topic_slug VARCHAR(64) NOT NULL, helpful BOOLEAN NOT NULL,"
            " created_at DATETIME NOT NULL)"
        )
        db.execute("INSERT INTO feedback (topic_slug, helpful, created_at) VALUES ('fmt', 1, '2026-01-01 00:00:00')")
    old = CurationStore(sqlite_url(path))
    old.record_feedback("fmt", False, "fmt_children")
    with Session(old.engine) as session:
        rows = session.execute(select(FeedbackRow.topic_slug, FeedbackRow.helpful, FeedbackRow.answer_id)).all()
    assert sorted(rows, key=str) == sorted([("fmt", True, None), ("fmt", False, "fmt_children")], key=str)
    assert old.feedback_summary() == {"fmt": (1, 1)}
    old.dispose()
