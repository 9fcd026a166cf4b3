"""Matching by meaning: the answer a message asks for when it shares few words with the answer's wordings, the
vectors' cache file, and a clear degradation when the model package is missing."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from knowledge import semantic_index
from knowledge.content import Answer
from knowledge.semantic_index import SemanticIndex, cache_file, message_readings
from knowledge.sentence_encoder import EncoderMissing, load_encoder


def answer(answer_id: str, topic: str, question: str, *asks: str) -> Answer:
    return Answer(id=answer_id, topic=topic, question=question, asks=asks, answer="(text)", sources=())


EGG = answer("egg", "weaning", "When can my baby start eating egg?", "is egg safe for infants")
SOAP = answer("soap", "washing", "Should a child with eczema avoid soap?", "which wash is best")
ENTRIES: list[semantic_index.Entry] = [
    ("weaning", EGG, EGG.wordings),
    ("washing", SOAP, SOAP.wordings),
    ("probiotics", None, ("what are probiotics", "tell me about probiotics")),
]


@pytest.fixture
def index(tmp_path) -> SemanticIndex:
    return SemanticIndex(ENTRIES, tmp_path)


def test_a_question_in_other_words_finds_its_answer(index: SemanticIndex) -> None:
    best = index.find("is it ok to give my 8 month old scrambled eggs", limit=3)[0]
    assert best.answer is not None and best.answer.id == "egg"
    assert index.find("my daughter's nursery uses normal hand wash, is that bad for her skin?")[0].key == "answer:soap"


def test_a_general_question_finds_the_topic_card(index: SemanticIndex) -> None:
    assert index.find("what exactly is a probiotic?")[0].key == "topic:probiotics"


def test_a_letter_is_read_by_its_question_too(index: SemanticIndex) -> None:
    letter = (
        "We moved house in March and everything has been chaotic. My son is 9 months old and has eczema on "
        "his cheeks and arms. The health visitor was lovely. When can I let him try egg?"
    )
    readings = message_readings(letter)
    assert readings[0] == letter and readings[1:] == ["When can I let him try egg?"]
    assert index.find(letter)[0].key == "answer:egg"


def test_the_wordings_vectors_are_cached_and_reused(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = SemanticIndex(ENTRIES, tmp_path)
    assert first.load()
    texts = sorted({text for _, _, wordings in ENTRIES for text in wordings})
    path = cache_file(tmp_path, texts)
    assert path.exists() and np.load(path, allow_pickle=False).shape == (len(texts), 384)

    encoder = load_encoder()
    calls: list[int] = []
    original = type(encoder).encode
    monkeypatch.setattr(type(encoder), "encode", lambda self, t, **k: calls.append(len(t)) or original(self, t, **k))
    # the same content in another order (as the database returns it) reads the same file
    second = SemanticIndex(list(reversed(ENTRIES)), tmp_path)
    assert second.load() and calls == []  # read from the file, nothing embedded again
    assert second.find("is egg safe for infants")[0].key == "answer:egg"  # each wording keeps its own vector
    assert calls == [1]  # only the message was embedded


def test_a_server_does_not_wait_for_missing_vectors(tmp_path) -> None:
    # with no cache file (a checkout that skipped `python -m knowledge build`), a server's question is answered by
    # words at once while the wordings are embedded in the background; then by meaning, from the file written
    index = SemanticIndex(ENTRIES, tmp_path)
    assert not index.cache_path.exists()
    assert index.find("is it ok to give my 8 month old scrambled eggs", wait=False) == []
    index.wait_for_background(timeout=120)
    assert index.ready(wait=False) and index.cache_path.exists()
    assert index.find("is it ok to give my 8 month old scrambled eggs", wait=False)[0].key == "answer:egg"
    # a new process with the file loads it at once, without a background thread
    again = SemanticIndex(ENTRIES, tmp_path)
    assert again.find("is egg safe for infants", wait=False)[0].key == "answer:egg"


def test_a_changed_wording_gets_a_new_cache_file(tmp_path) -> None:
    texts = [text for _, _, wordings in ENTRIES for text in wordings]
    assert cache_file(tmp_path, texts) != cache_file(tmp_path, [*texts[:-1], texts[-1] + "?"])


def test_without_the_model_package_matching_by_meaning_is_off_with_a_warning(
    tmp_path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def missing():
        raise EncoderMissing("the sentence model package is not installed")

    monkeypatch.setattr(semantic_index, "load_encoder", missing)
    index = SemanticIndex(ENTRIES, tmp_path)
    with caplog.at_level(logging.WARNING):
        assert index.find("egg for babies?") == []
        assert index.find("egg for babies?") == []
    assert [r.message for r in caplog.records].count(
        "matching by meaning is off: the sentence model package is not installed"
    ) == 1


def test_empty_messages_find_nothing(index: SemanticIndex) -> None:
    assert index.find("   ") == []


def test_content_read_from_files_and_from_the_database_share_one_cache_file(tmp_path) -> None:
    # `python -m knowledge build` fills the cache from the YAML files; the action server reads the database, which
    # returns answers in another order: both must name the same file, or the server embeds everything again
    from knowledge.builder import build
    from knowledge.content import load_content
    from knowledge.fingerprint import content_fingerprint
    from knowledge.snapshot import Snapshot
    from knowledge.store import KnowledgeStore
    from tests.unit.conftest import FIXTURE_CONTENT, sqlite_url

    url = sqlite_url(tmp_path / "knowledge.db")
    build(FIXTURE_CONTENT, url)
    from_files = Snapshot(load_content(FIXTURE_CONTENT, check_stale=False), content_fingerprint(FIXTURE_CONTENT))
    store = KnowledgeStore(url)
    try:
        assert store.snapshot().meanings_cache == from_files.meanings_cache
    finally:
        store.dispose()
