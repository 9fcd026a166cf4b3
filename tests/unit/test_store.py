"""Queries over a database built from the real data/knowledge content. Expected values come from the content."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from knowledge.builder import build
from knowledge.content import BACKGROUND_TOPIC, Content, Source
from knowledge.database import with_installed_driver
from knowledge.fingerprint import content_fingerprint
from knowledge.search import STOPWORDS, keywords
from knowledge.settings import CONTENT_DIR
from knowledge.store import KnowledgeStore, KnowledgeStoreUnavailable
from tests.unit.conftest import ROOT, sqlite_url


@pytest.fixture(scope="module")
def store(real_db_url: str):
    knowledge = KnowledgeStore(real_db_url)
    yield knowledge
    knowledge.dispose()


def glossary_phrases(content: Content) -> dict[str, str]:
    """lower-case phrase -> topic slug, for every term and synonym (first topic to claim a phrase keeps it)."""
    owners: dict[str, str] = {}
    for slug, topic in content.topics.items():
        for entry in topic.glossary:
            for phrase in (entry.term, *entry.synonyms):
                owners.setdefault(phrase.lower(), slug)
    return owners


def owner_of(content: Content, phrase: str) -> str:
    owners = glossary_phrases(content)
    assert phrase.lower() in owners, f"'{phrase}' is not in any glossary: pick another test phrase"
    return owners[phrase.lower()]


def glossary_definition(content: Content, term: str) -> str | None:
    for topic in content.topics.values():
        for entry in topic.glossary:
            if entry.term == term:
                return entry.definition
    raise AssertionError(f"no glossary term {term!r}")


# -- topics ------------------------------------------------------------------------------------------------


def test_topic_by_slug_has_its_texts(store: KnowledgeStore, real_content: Content):
    expected = real_content.topics["butyrate"]
    topic = store.topic("butyrate")
    assert topic is not None
    assert topic.examples == expected.examples  # the wordings of its card (knowledge/answer_index.py)
    assert topic.slug == "butyrate"
    assert topic.title == expected.title
    assert topic.last_reviewed == expected.last_reviewed
    assert topic.evidence_level == expected.evidence_level
    assert topic.short_answer == expected.short_answer
    assert topic.detailed_answer == expected.detailed_answer
    assert topic.plain_answer == expected.plain_answer
    assert topic.evidence_summary == expected.evidence_summary
    assert topic.children_note == expected.children_note
    assert topic.key_points == expected.key_points
    assert topic.glossary == expected.glossary and topic.related == expected.related
    assert "\n\n" in topic.detailed_answer  # paragraphs survive the build


def test_topic_related_titles(store: KnowledgeStore, real_content: Content):
    expected = real_content.topics["butyrate"]
    topic = store.topic("butyrate")
    assert store.related(topic) == tuple((slug, real_content.topics[slug].title) for slug in expected.related)


def test_topic_sources_with_formatted_citations(store: KnowledgeStore, real_content: Content):
    expected = real_content.topics["butyrate"]
    topic = store.topic("butyrate")
    assert [s.id for s in store.sources(topic.sources)] == list(expected.sources)
    for view in store.sources(topic.sources):
        source = real_content.sources[view.id]
        citation = view.citation()
        lead = (
            f"{source.authors} ({source.year}). " if source.authors else f"{source.title.rstrip('.')} ({source.year})."
        )
        assert citation.startswith(lead)
        assert f"{source.title.rstrip('.')}." in citation
        if source.journal:
            assert f"{source.journal.rstrip('.')}." in citation
        if source.pmid:
            assert f"PMID {source.pmid}." in citation
        if source.doi:
            assert citation.endswith(f"doi:{source.doi}")
        assert view.link == (source.url or f"https://doi.org/{source.doi}")
        assert view.link.startswith("https://")


def test_citation_and_link_of_sparse_sources():
    bare = Source("x", "NHS", None, "Eczema.", None, None, None, "https://example.org/e", "page", "note")
    assert bare.citation() == "NHS. Eczema."
    assert bare.link == "https://example.org/e"
    doi_only = Source("y", "Doe J", 2019, "Title", "Journal.", None, "10.1/abc", None, "review", "note")
    assert doi_only.citation() == "Doe J (2019). Title. Journal. doi:10.1/abc"
    assert doi_only.link == "https://doi.org/10.1/abc"
    pmid_only = Source("z", "Roe R", 2001, "T", None, "123", None, None, "trial", "note")
    assert pmid_only.citation() == "Roe R (2001). T. PMID 123."
    assert pmid_only.link is None


def test_a_stored_source_equals_the_content_source(store: KnowledgeStore, real_content: Content):
    for topic in real_content.topics.values():
        assert store.sources(topic.sources) == tuple(real_content.sources[s] for s in topic.sources)


@pytest.mark.parametrize("slug", ["", "nonexistent", "Butyrate", "butyrate "])
def test_unknown_slug_gives_none(store: KnowledgeStore, slug: str):
    assert store.topic(slug) is None


def test_every_topic_loads(store: KnowledgeStore, real_content: Content):
    for slug, topic in real_content.topics.items():
        view = store.topic(slug)
        assert view is not None and view.title == topic.title
        assert len(view.sources) == len(topic.sources)


def test_topics_follow_the_menu_order(store: KnowledgeStore, real_content: Content):
    assert store.topics() == [(slug, real_content.topics[slug].title) for slug in real_content.menu]


def test_menu_groups_follow_menu_yml(store: KnowledgeStore, real_content: Content):
    titles = {slug: topic.title for slug, topic in real_content.topics.items()}
    expected = [(g.id, g.title, tuple((slug, titles[slug]) for slug in g.topics)) for g in real_content.menu_groups]
    assert [tuple(group) for group in store.menu_groups()] == expected
    assert [(slug, title) for group in store.menu_groups() for slug, title in group.topics] == store.topics()
    first = real_content.menu_groups[0]
    assert store.menu_group(first.id) == store.menu_groups()[0]
    assert store.menu_group("no_such_group") is None


def test_a_database_built_before_the_menu_had_groups_must_be_rebuilt(tmp_path: Path):
    db = tmp_path / "old.db"
    build(CONTENT_DIR, sqlite_url(db))
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE documents SET body = ? WHERE kind = 'list' AND key = 'menu'", ('["butyrate"]',))
        connection.execute("UPDATE meta SET value = 'an-older-build' WHERE key = 'fingerprint'")  # other content
    with pytest.raises(KnowledgeStoreUnavailable, match="python -m knowledge build"):
        KnowledgeStore(sqlite_url(db)).menu_groups()


# -- glossary matching ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message, phrase",
    [
        ("tell me about butyrate", "butyrate"),  # plain term
        ("TELL ME ABOUT BUTYRATE!", "butyrate"),  # upper case
        ("what about butirate", "butirate"),  # a listed misspelling
        ("is butyric acid good", "butyric acid"),  # multi-word synonym
        ("what is LPS", "LPS"),  # abbreviation, term of another topic
        ("what is lps?", "LPS"),
        ("fecal transplant", "fecal transplant"),  # US spelling of a multi-word term
        ("what are short chain fatty acids", "short chain fatty acids"),
        ("and prebiotics?", "prebiotics"),
        ("what is the gut-skin axis", "gut-skin axis"),
    ],
)
def test_match_topics_finds_glossary_terms(store: KnowledgeStore, real_content: Content, message: str, phrase: str):
    assert store.match_topics(message)[0] == owner_of(real_content, phrase)


@pytest.mark.parametrize(
    "message, typed, listed_phrase",
    [
        ("are emollient creams enough", "emollient creams", "emollient cream"),  # plural of a listed phrase
        ("what is a tight junction", "tight junction", "tight junctions"),  # singular of a listed plural
    ],
)
def test_match_topics_by_lemma(
    store: KnowledgeStore, real_content: Content, message: str, typed: str, listed_phrase: str
):
    assert typed not in glossary_phrases(real_content), "the typed form must not be listed itself"
    assert store.match_topics(message)[0] == owner_of(real_content, listed_phrase)


def test_newest_mention_wins_a_tie(store: KnowledgeStore, real_content: Content):
    probiotics, prebiotics = owner_of(real_content, "probiotics"), owner_of(real_content, "prebiotics")
    assert store.match_topics("tell me about probiotics. and prebiotics?") == [prebiotics, probiotics]
    assert store.match_topics("tell me about prebiotics. and probiotics?") == [probiotics, prebiotics]


def test_longer_mention_outweighs_a_shorter_one(store: KnowledgeStore, real_content: Content):
    matches = store.match_topics("faecal microbiota transplantation and butyrate")
    assert matches[0] == owner_of(real_content, "faecal microbiota transplantation")
    assert owner_of(real_content, "butyrate") in matches


@pytest.mark.parametrize("message", ["", "hello there", "what is the", "thanks a lot"])
def test_match_topics_without_terms(store: KnowledgeStore, message: str):
    assert store.match_topics(message) == []


def test_the_background_topic_comes_last(store: KnowledgeStore, real_content: Content):
    eczema = owner_of(real_content, "eczema")
    assert eczema == BACKGROUND_TOPIC
    assert store.match_topics("eczema") == [BACKGROUND_TOPIC]
    assert store.match_topics("is butyrate good for eczema") == [owner_of(real_content, "butyrate"), BACKGROUND_TOPIC]
    assert store.match_topics("eczema eczema and fibre")[-1] == BACKGROUND_TOPIC


def test_find_topics_combines_glossary_and_full_text(store: KnowledgeStore, real_content: Content):
    assert store.find_topics("what is LPS")[0] == owner_of(real_content, "LPS")
    assert store.find_topics("does fibre help eczema")[0] == owner_of(real_content, "fibre")
    assert store.find_topics("faecal microbiota transplantation stool donor", limit=2)[0] == "fmt"
    assert len(store.find_topics("probiotics eczema babies prevention", limit=2)) == 2
    assert store.find_topics("what is the") == []
    assert store.find_topics("tell me about probiatics") == []  # neither a glossary term nor an indexed word


def test_glossary_entry_definition(store: KnowledgeStore, real_content: Content):
    entry = store.glossary_entry("what does LPS mean")
    assert entry is not None
    assert entry.term == "LPS"
    assert entry.definition == glossary_definition(real_content, "LPS")
    assert entry.topic_slug == owner_of(real_content, "LPS")
    assert entry.topic_title == real_content.topics[entry.topic_slug].title


def test_glossary_entry_through_a_synonym(store: KnowledgeStore, real_content: Content):
    entry = store.glossary_entry("what is lipopolysaccharide?")
    assert entry.term == "LPS"
    assert entry.definition == glossary_definition(real_content, "LPS")


def test_glossary_entry_prefers_the_longest_phrase(store: KnowledgeStore, real_content: Content):
    entry = store.glossary_entry("are butyrate producing bacteria important")
    assert entry.term == "butyrate producers"
    assert entry.definition == glossary_definition(real_content, "butyrate producers")


def test_glossary_entry_without_a_term(store: KnowledgeStore):
    assert store.glossary_entry("what is the weather like") is None


# -- full-text search ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, slug",
    [
        ("zonulin LPS permeability", "leaky_gut"),
        ("faecal microbiota transplantation stool donor", "fmt"),
        ("mitochondria skin barrier butyrate", "butyrate"),
    ],
)
def test_search_ranks_the_obvious_topic_first(store: KnowledgeStore, query: str, slug: str):
    hits = store.search(query, limit=5)
    assert hits and hits[0].slug == slug
    assert hits[0].title == store.topic(slug).title


def test_search_scores_descend_and_respect_the_limit(store: KnowledgeStore):
    hits = store.search("probiotics eczema babies prevention", limit=5)
    assert len(hits) == 5
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(s > 0 for s in scores)
    assert len({h.slug for h in hits}) == 5
    assert len(store.search("probiotics eczema babies prevention", limit=2)) == 2


@pytest.mark.parametrize("query", ["what is the", "tell me more about it", "a an the", "?!", ""])
def test_stopword_only_queries_find_nothing(store: KnowledgeStore, query: str):
    assert store.search(query) == []


def test_fts_syntax_in_a_message_is_harmless(store: KnowledgeStore):
    hits = store.search('butyrate" OR NEAR(* "fibre) AND -')
    assert hits and hits[0].slug in {"butyrate", "scfa", "dietary_fiber"}


def test_keywords_drop_stopwords_and_repeats():
    assert keywords("What is the BUTYRATE, butyrate and fibre?") == ["butyrate", "fibre"]
    assert keywords("tell me about it") == []
    assert {"what", "is", "the"} <= STOPWORDS


# -- myths, quiz, tour ---------------------------------------------------------------------------------------------


def test_find_myth(store: KnowledgeStore, real_content: Content):
    myth = store.find_myth("is it true that leaky gut causes eczema")
    assert myth is not None
    assert myth.topic == "leaky_gut"
    expected = next(m for m in real_content.myths if m.id == myth.id)
    assert (myth.claim, myth.verdict, myth.correction) == (expected.claim, expected.verdict, expected.correction)
    assert myth.sources == expected.sources and 0.8 <= myth.similarity <= 1.0
    assert all(s.citation() for s in store.sources(myth.sources))


def test_find_myth_for_its_own_phrasings(store: KnowledgeStore, real_content: Content):
    phrasings = [(p, m) for m in real_content.myths for p in m.phrasings]
    misses = [
        (p, m.id, getattr(store.find_myth(p), "id", None))
        for p, m in phrasings
        if getattr(store.find_myth(p), "id", None) != m.id
    ]
    assert misses == []
    assert all(store.find_myth(m.phrasings[0]) is not None for m in real_content.myths)


def test_find_myth_without_words(store: KnowledgeStore):
    assert store.find_myth("what is the") is None


def test_quiz_questions(store: KnowledgeStore, real_content: Content):
    questions = store.quiz_questions()
    assert questions
    assert [q.id for q in questions] == [q.id for q in real_content.quiz]
    for view, question in zip(questions, real_content.quiz):
        assert view.choices == question.choices
        assert view.answer == question.answer and view.answer in dict(view.choices)
        assert view.topic == question.topic and view.explanation == question.explanation


def test_tour_follows_tour_yml(store: KnowledgeStore, real_content: Content):
    assert store.tour()
    assert store.tour() == real_content.tour


def test_fingerprint_matches_the_content(store: KnowledgeStore):
    assert store.fingerprint() == content_fingerprint(CONTENT_DIR)


# -- failures ---------------------------------------------------------------------------------------------------


# Every kind of lookup: each must fail the same clear way when the database is missing or unreadable.
STORE_CALLS = {
    "topic": lambda s: s.topic("butyrate"),
    "topics": lambda s: s.topics(),
    "search": lambda s: s.search("butyrate"),
    "match_topics": lambda s: s.match_topics("butyrate"),
    "find_myth": lambda s: s.find_myth("leaky gut"),
    "glossary_entry": lambda s: s.glossary_entry("butyrate"),
    "tour": lambda s: s.tour(),
    "quiz_questions": lambda s: s.quiz_questions(),
    "fingerprint": lambda s: s.fingerprint(),
}


@pytest.mark.parametrize("call", STORE_CALLS.values(), ids=STORE_CALLS.keys())
def test_missing_database_says_how_to_build_it(tmp_path: Path, call):
    path = tmp_path / "missing" / "knowledge.db"
    with pytest.raises(KnowledgeStoreUnavailable) as raised:
        call(KnowledgeStore(sqlite_url(path)))
    message = str(raised.value)
    assert str(path) in message
    assert "python -m knowledge build" in message
    assert not path.exists() and not path.parent.exists()  # the query must not create an empty database


@pytest.mark.parametrize("call", STORE_CALLS.values(), ids=STORE_CALLS.keys())
def test_unreadable_database_is_reported_as_unavailable(tmp_path: Path, call):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")  # an empty file is a valid, empty SQLite database: no tables
    with pytest.raises(KnowledgeStoreUnavailable, match="rebuild"):
        call(KnowledgeStore(sqlite_url(path)))


def test_default_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, real_db_url: str):
    monkeypatch.setenv("KNOWLEDGE_DATABASE_URL", real_db_url)
    assert KnowledgeStore().url == real_db_url
    assert KnowledgeStore().topic("butyrate") is not None


def test_store_package_does_not_import_rasa_sdk():
    code = "import knowledge, knowledge.store, sys; assert 'rasa_sdk' not in sys.modules, 'rasa_sdk'"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("module", ["knowledge.store", "actions.topic_actions", "safety.phrases"])
def test_spacy_is_loaded_without_tensorflow(module: str):
    """thinc imports TensorFlow when it can (360 MB in the action server); knowledge.nlp must come first."""
    code = f"import sys, {module}; assert 'spacy' in sys.modules; assert 'tensorflow' not in sys.modules, 'tensorflow'"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]


# -- threads ---------------------------------------------------------------------------------------------------------


def test_concurrent_queries_from_eight_threads(real_db_url: str, real_content: Content):
    store = KnowledgeStore(real_db_url)  # fresh: the threads also race to create the engine
    slugs = list(real_content.menu)[:8]
    barrier = threading.Barrier(8)

    def work(slug: str):
        barrier.wait(timeout=30)
        results = []
        for _ in range(5):
            topic = store.topic(slug)
            hits = store.search(real_content.topics[slug].title)
            results.append((topic.slug, topic.title, [s.id for s in store.sources(topic.sources)], bool(hits)))
        return results

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = list(pool.map(work, slugs))
    finally:
        store.dispose()
    for slug, results in zip(slugs, outcomes):
        expected = (slug, real_content.topics[slug].title, list(real_content.topics[slug].sources), True)
        assert results == [expected] * 5


def test_stores_of_one_process_share_the_snapshot_of_the_same_content(tmp_path: Path, content_dir: Path):
    from knowledge.builder import build

    first_url, second_url = sqlite_url(tmp_path / "first.db"), sqlite_url(tmp_path / "second.db")
    build(content_dir, first_url)
    build(content_dir, second_url)
    first, second = KnowledgeStore(first_url), KnowledgeStore(second_url)
    assert first.snapshot() is second.snapshot()  # loaded once, though read through two databases

    (content_dir / "topics" / "microbes.yml").write_text(
        (content_dir / "topics" / "microbes.yml").read_text(encoding="utf-8").replace("Gut", "The gut", 1),
        encoding="utf-8",
    )
    build(content_dir, second_url)
    assert second.snapshot() is not first.snapshot()
    assert second.snapshot().fingerprint != first.snapshot().fingerprint
    first.dispose()
    second.dispose()


# -- specific answers -----------------------------------------------------------------------------------------


def test_a_specific_question_is_found_through_typos(store: KnowledgeStore):
    [best, *_] = store.find_answers("is it safe to stop steroid cream sudenly")
    assert best.answer is not None and best.answer.id == "stop_steroid_cream_suddenly"
    assert best.key == "answer:stop_steroid_cream_suddenly"


def test_a_topic_example_finds_its_card(store: KnowledgeStore, real_content: Content):
    example = real_content.topics["leaky_gut"].examples[0]
    [best, *_] = store.find_answers(example)
    assert best.answer is None and best.topic == "leaky_gut" and best.score > 0.99


def test_naming_only_the_topic_finds_no_specific_answer(store: KnowledgeStore):
    # "what is a fecal transplant" names the topic; "can my child have one" would ask something of it
    assert all(m.answer is None for m in store.find_answers("what is a fecal transplant"))


def test_a_message_about_something_else_finds_nothing(store: KnowledgeStore):
    assert store.find_answers("what is the capital of france") == []


def test_answers_of_a_topic_in_content_order(store: KnowledgeStore, real_content: Content):
    expected = [a.id for a in real_content.answers if a.topic == "butyrate"]
    assert [a.id for a in store.answers_of("butyrate")] == expected and expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql://postgres:p%40ss@127.0.0.1:5432/trackers",
            "postgresql+psycopg2://postgres:p%40ss@127.0.0.1:5432/trackers",
        ),
        ("postgresql+psycopg2://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_a_postgresql_url_without_a_driver_gets_the_installed_one(url: str, expected: str):
    assert with_installed_driver(url) == expected
