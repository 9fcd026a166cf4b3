"""Machine checks of the curated content: completeness, readability, references, and the seed's concepts."""

from __future__ import annotations

import re

import pytest
import textstat
import yaml

from knowledge.builder import build
from knowledge.content import TOPIC_SLUGS, load_content
from knowledge.settings import CONTENT_DIR
from knowledge.store import KnowledgeStore

CONTENT = load_content(CONTENT_DIR)
TOPICS = [CONTENT.topics[slug] for slug in TOPIC_SLUGS]
MAX_MENU_GROUPS = 6  # group buttons under "help"
MAX_GROUP_TOPICS = 8  # a phone screen of buttons: split a group rather than raise this

# Every concept of the project's seed text, and the topic that explains it.
SEED_CONCEPTS = {
    "the gut-skin axis": "gut_skin_axis",
    "trillions of microbes in the gut microbiota": "gut_microbiota",
    "training the immune system": "immune_regulation",
    "immune tolerance": "immune_regulation",
    "preventing excessive inflammation": "immune_regulation",
    "gut dysbiosis": "dysbiosis",
    "reduced microbial diversity": "dysbiosis",
    "an altered ratio of bacterial groups": "dysbiosis",
    "increased intestinal permeability": "leaky_gut",
    "leaky gut": "leaky_gut",
    "lipopolysaccharide entering the circulation": "leaky_gut",
    "LPS endotoxin": "leaky_gut",
    "a stronger gut barrier": "leaky_gut",
    "short-chain fatty acids": "scfa",
    "anti-inflammatory effects of SCFAs": "scfa",
    "butyrate": "butyrate",
    "fermentation of dietary fibre by gut bacteria": "dietary_fiber",
    "high-fibre foods such as fruits, vegetables and whole grains": "dietary_fiber",
    "prebiotics": "prebiotics",
    "probiotics, live beneficial microorganisms": "probiotics",
    "synbiotics": "synbiotics",
    "postbiotics, beneficial bacterial products": "postbiotics",
    "faecal microbiota transplantation": "fmt",
    "personalised therapies": "emerging_research",
    "predicting individual responses to treatment": "emerging_research",
    "microbial patterns linked to different types of atopic dermatitis": "emerging_research",
}


def words(text: str) -> int:
    return len(re.findall(r"\b[\w'-]+\b", text))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeStore:
    url = f"sqlite:///{tmp_path_factory.mktemp('quality') / 'knowledge.db'}"
    build(CONTENT_DIR, url)
    return KnowledgeStore(url)


def test_all_topics_are_present():
    assert set(CONTENT.topics) == set(TOPIC_SLUGS)


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_topic_is_complete(topic):
    assert words(topic.short_answer) <= 85, f"short answer has {words(topic.short_answer)} words"
    assert 150 <= words(topic.detailed_answer) <= 360, f"detailed answer has {words(topic.detailed_answer)} words"
    assert words(topic.plain_answer) >= 40
    assert 3 <= len(topic.key_points) <= 5
    assert len(topic.related) >= 2
    assert len(topic.sources) >= 2
    assert topic.glossary and any(term.synonyms for term in topic.glossary)
    assert topic.evidence_level and topic.evidence_summary


# Topics added after the seed's story, for what parents and patients ask: each rests on three or more sources.
LATER_TOPICS = TOPIC_SLUGS[TOPIC_SLUGS.index("infant_formula") :]


@pytest.mark.parametrize("slug", LATER_TOPICS)
def test_later_topics_rest_on_at_least_three_sources_a_myth_and_a_quiz_question(slug):
    assert len(CONTENT.topics[slug].sources) >= 3
    assert any(m.topic == slug for m in CONTENT.myths), "a misconception people hold about it"
    assert any(q.topic == slug for q in CONTENT.quiz)


def test_the_quiz_asks_about_red_flags_prevention_and_diet():
    ids = {q.id for q in CONTENT.quiz}
    assert {"red_flag_herpeticum_same_day", "red_flag_allergic_reaction_emergency"} <= ids
    assert {"emollients_prevention_trials", "diet_fads_avoidance_risk", "infant_formula_prevention"} <= ids


def test_sources_carry_an_identifier_and_are_all_cited():
    cited = {s for t in CONTENT.topics.values() for s in t.sources} | {s for m in CONTENT.myths for s in m.sources}
    uncited = sorted(set(CONTENT.sources) - cited)
    assert not uncited, f"sources cited by no topic or myth: {uncited}"
    for source in CONTENT.sources.values():
        assert source.pmid or source.doi or (source.url or "").startswith("https://"), source.id
    counts = {t.slug: len(t.sources) for t in TOPICS}
    print("\nsources per topic: " + ", ".join(f"{slug} {n}" for slug, n in counts.items()))


def test_plain_answers_are_readable():
    rows = []
    for topic in TOPICS:
        plain = textstat.flesch_kincaid_grade(topic.plain_answer)
        detailed = textstat.flesch_kincaid_grade(topic.detailed_answer)
        rows.append((topic.slug, plain, detailed))
    print("\n" + f"{'topic':<24}{'plain FK':>9}{'detailed FK':>13}")
    for slug, plain, detailed in rows:
        print(f"{slug:<24}{plain:>9.1f}{detailed:>13.1f}")
    too_hard = [(s, p) for s, p, _ in rows if p > 8.0]
    too_close = [(s, p, d) for s, p, d in rows if d - p < 2.0]
    assert not too_hard, f"plain answers above grade 8: {too_hard}"
    assert not too_close, f"plain answers less than 2 grades below the detailed answer: {too_close}"


def test_every_topic_is_reachable_from_the_menu(store):
    assert [slug for slug, _ in store.topics()] == CONTENT.menu
    assert set(CONTENT.menu) == set(TOPIC_SLUGS)
    in_groups = [slug for group in store.menu_groups() for slug, _ in group.topics]
    assert sorted(in_groups) == sorted(TOPIC_SLUGS), "every topic in exactly one group of the menu"


def test_the_menu_fits_a_phone(store):
    """A handful of group buttons, each opening a list a phone can show (plus "Back to all topics")."""
    groups = store.menu_groups()
    assert 2 <= len(groups) <= MAX_MENU_GROUPS
    assert all(1 <= len(group.topics) <= MAX_GROUP_TOPICS for group in groups), [len(g.topics) for g in groups]


def test_myths_cover_enough_misconceptions():
    assert len(CONTENT.myths) >= 12
    assert all(m.phrasings and m.sources and m.topic in CONTENT.topics for m in CONTENT.myths)


def test_quiz_questions_come_from_the_content():
    assert len(CONTENT.quiz) >= 5
    assert all(q.topic in CONTENT.topics and q.answer in dict(q.choices) for q in CONTENT.quiz)


@pytest.mark.parametrize("concept, slug", SEED_CONCEPTS.items())
def test_seed_concept_leads_to_its_topic(store, concept, slug):
    found = store.find_topics(concept)
    assert found and found[0] == slug, f"'{concept}' -> {found}, expected {slug}"


@pytest.mark.parametrize("myth", CONTENT.myths, ids=lambda m: m.id)
def test_each_myth_is_found_by_its_own_phrasings(store, myth):
    for phrasing in myth.phrasings:
        found = store.find_myth(phrasing)
        assert found is not None and found.id == myth.id, f"'{phrasing}' -> {found and found.id}"


INTERNAL_ID = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def test_texts_users_read_show_no_internal_ids():
    """Slugs and source ids are for curators: a reply names a topic by its title and offers a button."""
    ids = set(CONTENT.topics) | set(CONTENT.sources) | {m.id for m in CONTENT.myths} | {q.id for q in CONTENT.quiz}
    texts = [
        (t.slug, field, getattr(t, field) or "")
        for t in CONTENT.topics.values()
        for field in (
            "title",
            "short_answer",
            "detailed_answer",
            "plain_answer",
            "evidence_summary",
            "evidence_level",
            "children_note",
            "adults_note",
        )
    ]
    texts += [(t.slug, "key_points", " ".join(t.key_points)) for t in CONTENT.topics.values()]
    texts += [(t.slug, "glossary", " ".join(g.definition or "" for g in t.glossary)) for t in CONTENT.topics.values()]
    texts += [(m.id, "correction", m.claim + " " + m.correction) for m in CONTENT.myths]
    texts += [(q.id, "quiz", " ".join([q.question, q.explanation, *dict(q.choices).values()])) for q in CONTENT.quiz]
    leaks = [
        (owner, field, found)
        for owner, field, text in texts
        for found in INTERNAL_ID.findall(text)
        if found in ids or "(see " in text
    ]
    assert not leaks, leaks


CURATION_NOTE = re.compile(r"unverified|not (displayed|seen|shown)|commonly (cited|attributed)", re.IGNORECASE)


@pytest.mark.parametrize("source", CONTENT.sources.values(), ids=lambda s: s.id)
def test_citation_fields_hold_citation_data_not_curation_notes(source):
    """Users read authors, title and journal in every citation: a doubt belongs in a comment, not there."""
    for field in ("authors", "title", "journal", "study_design"):
        assert not CURATION_NOTE.search(getattr(source, field) or ""), (field, getattr(source, field))


VERIFICATION = {
    s["id"]: str(s.get("verification") or "")
    for s in yaml.safe_load((CONTENT_DIR / "sources.yml").read_text(encoding="utf-8"))["sources"]
}
MIRRORS = (
    "pdfcoke",
    "study.space",
    "acemap",
    "idexlab",
    "pharmaconews",
    "zana.com",
    "nicswell",
    "semanticscholar",
    "researchgate",
    "scribd",
    "academia.edu",
)


@pytest.mark.parametrize("source", CONTENT.sources.values(), ids=lambda s: s.id)
def test_citations_are_complete_and_link_to_the_publisher_or_the_official_body(source):
    if re.fullmatch(r"[^,]+,? et al\.?", source.authors):  # one name only: the curator must say why
        assert re.search(r"first author|author list", VERIFICATION[source.id], re.I), source.authors
    assert not re.search(r"\d-\.?(\s|$)", source.journal or ""), f"truncated page range: {source.journal}"
    assert not re.search(
        r"syndicat|\(search |not confirmed",
        " ".join(filter(None, (source.authors, source.title, source.journal, source.study_design))),
        re.I,
    )
    assert not any(mirror in (source.url or "") for mirror in MIRRORS), f"a mirror, not the publisher: {source.url}"
    if source.doi:
        assert source.url == f"https://doi.org/{source.doi}" or "doi.org" not in (source.url or ""), source.url
    if source.pmid:
        assert source.pmid.isdigit(), source.pmid


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_topic_has_thirty_example_questions_including_long_ones(topic):
    assert len(topic.examples) >= 30
    long_ones = [e for e in topic.examples if len(e.split()) >= 25]
    assert len(long_ones) >= 5, "parents' letters: several sentences of story, then a question"
    assert topic.adults_note, "'and for adults?' is answered from adults_note"
