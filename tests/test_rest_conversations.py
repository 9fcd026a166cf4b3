"""Multi-turn conversations over the REST channel against the real action server and Rasa server.

Expected texts come from the knowledge store the servers use, never from literals in this file.
"""

from __future__ import annotations

import re

import pytest

from knowledge.content import load_content
from knowledge.curation import CurationStore
from knowledge.settings import CONTENT_DIR
from rasa_ext.patches.action_failures import ACTIONS_UNAVAILABLE
from safety.phrases import SafetyPhrases
from tests.support.patches import requires_patch
from tests.support.replies import EMERGENCY, EMERGENCY_NUMBERS, SAME_DAY, URGENT_OPENINGS, WELCOME, opening
from tests.support.rest import new_sender, payloads, texts

pytestmark = pytest.mark.e2e
CONTENT = load_content(CONTENT_DIR)
SAFETY = SafetyPhrases.from_file()


def new_user() -> str:
    return new_sender("test")


def first_paragraph(text: str) -> str:
    return text.split("\n\n")[0][:60]


@pytest.mark.parametrize("slug", sorted(CONTENT.topics))
def test_every_topic_is_answered_by_its_own_words(stack, store, slug):
    user = new_user()
    term = CONTENT.topics[slug].glossary[0].term
    replies = stack.say(user, f"tell me about {term}")
    topic = store.topic(slug)
    assert topic.title in texts(replies)
    assert first_paragraph(topic.short_answer) in texts(replies)
    assert stack.slot(user, "topic") == slug


def test_welcome_once_per_session_then_follow_ups_on_the_current_topic(stack, store):
    user = new_user()
    replies = stack.say(user, "hello")
    assert texts(replies).count(first_paragraph(WELCOME)) == 1
    assert texts(replies).count("Hello") == WELCOME.count("Hello"), "the welcome has already said hello"
    assert texts(stack.say(user, "hi again")).startswith("Hello"), "a later greeting gets a hello of its own"
    replies = stack.say(user, "what is the gut-skin axis?")
    assert first_paragraph(WELCOME) not in texts(replies)
    topic = store.topic("gut_skin_axis")
    assert stack.slot(user, "topic") == "gut_skin_axis"
    assert {"/more_detail", "/simpler", "/sources", "/related_topics"} <= set(payloads(replies))

    assert first_paragraph(topic.detailed_answer) in texts(stack.say(user, "tell me more"))
    assert first_paragraph(topic.plain_answer) in texts(stack.say(user, "can you explain it in simpler words"))
    assert "/all_sources" in payloads(stack.say(user, "what's the source"))  # the strongest few first
    sources = texts(stack.say(user, "/all_sources"))
    for source in store.sources(topic.sources):
        assert source.title.rstrip(".")[:40] in sources
    assert len(re.findall(r"\]\(https?://[^)]+\)", sources)) == len(topic.sources)
    related = stack.say(user, "what's related to this")
    assert payloads(related) == [f'/ask_topic{{"topic":"{slug}"}}' for slug in topic.related]
    assert stack.slot(user, "topic") == "gut_skin_axis"


def test_help_shows_groups_then_a_groups_topics_then_the_topic(stack, store):
    user = new_user()
    stack.say(user, "hi")
    groups = store.menu_groups()
    menu = stack.say(user, "help")
    buttons = [b for r in menu for b in r.get("buttons") or []]
    assert [b["title"] for b in buttons] == [group.title for group in groups]
    group, button = groups[1], buttons[1]
    topics = stack.say(user, button["payload"])
    assert group.title in texts(topics)
    assert payloads(topics) == [f'/ask_topic{{"topic":"{slug}"}}' for slug, _ in group.topics] + ["/help"]
    slug, title = group.topics[0]
    answer = texts(stack.say(user, payloads(topics)[0]))
    assert title in answer and first_paragraph(store.topic(slug).short_answer) in answer
    assert stack.slot(user, "topic") == slug
    assert payloads(stack.say(user, "/help")) == [b["payload"] for b in buttons], "back to all topics"


def test_topic_switch_and_context_follow_ups(stack, store):
    user = new_user()
    stack.say(user, "tell me about probiotics")
    assert stack.slot(user, "topic") == "probiotics"
    replies = stack.say(user, "and prebiotics?")
    assert store.topic("prebiotics").title in texts(replies)
    assert stack.slot(user, "topic") == "prebiotics"
    evidence = texts(stack.say(user, "does it work for eczema?"))
    assert first_paragraph(store.topic("prebiotics").evidence_summary) in evidence
    assert stack.slot(user, "topic") == "prebiotics", "'eczema' in a follow-up must not switch the topic"
    babies = texts(stack.say(user, "what about in babies?"))
    note = store.topic("prebiotics").children_note
    assert (first_paragraph(note) if note else "nothing specific") in babies


def test_glossary_term_and_myth_questions(stack, store):
    user = new_user()
    entry = store.glossary_entry("LPS")
    replies = texts(stack.say(user, "what does LPS mean"))
    assert entry.definition in replies and entry.topic_title in replies
    assert stack.slot(user, "topic") == entry.topic_slug
    myth = store.find_myth("is it true that probiotics cure eczema")
    replies = texts(stack.say(user, "is it true that probiotics cure eczema?"))
    assert first_paragraph(myth.correction) in replies
    assert stack.slot(user, "topic") == myth.topic


def test_guided_tour_pauses_resumes_and_survives_a_red_flag(stack, store):
    user = new_user()
    steps = [store.topic(slug).title for slug in store.tour()]
    assert f"Step 1 of {len(steps)}: {steps[0]}" in texts(stack.say(user, "teach me from the start"))
    assert f"Step 2 of {len(steps)}: {steps[1]}" in texts(stack.say(user, "next"))
    stack.say(user, "stop")
    assert f"Step 2 of {len(steps)}: {steps[1]}" in texts(stack.say(user, "continue the tour"))
    urgent = texts(stack.say(user, "my baby's eczema is weeping and crusty and she has a high temperature"))
    assert urgent.startswith(opening(SAME_DAY)) and "Step" not in urgent
    assert f"Step 3 of {len(steps)}: {steps[2]}" in texts(stack.say(user, "next"))


def test_quiz_scores_answers_and_explains_them(stack, store):
    user = new_user()
    questions = {q.question: q for q in store.quiz_questions()}
    replies = stack.say(user, "quiz me")
    asked = [q for text in [texts(replies)] for q in questions.values() if q.question in text]
    assert len(asked) == 1
    right = stack.say(user, f'/quiz_answer{{"quiz_choice":"{asked[0].answer}"}}')
    assert texts(right).startswith("Right!") and asked[0].explanation in texts(right)
    second = next(q for q in questions.values() if q.question in texts(right))
    wrong_choice = next(key for key, _ in second.choices if key != second.answer)
    wrong = texts(stack.say(user, f'/quiz_answer{{"quiz_choice":"{wrong_choice}"}}'))
    assert wrong.startswith("Not quite") and second.explanation in wrong
    replies = texts(stack.say(user, "stop"))
    assert "You had 1 right" in replies
    assert stack.slot(user, "quiz_questions") is None


def test_safety_replies_come_first_and_advice_is_refused(stack):
    user = new_user()
    stack.say(user, "tell me about butyrate")
    urgent = stack.say(user, "she is struggling to breathe and her lips are swelling")
    assert urgent[0]["text"] == EMERGENCY.split("\n\n")[0]  # the emergency tier's first paragraph, first
    sent = [r.get("text") for r in urgent]
    assert EMERGENCY_NUMBERS in sent[1:], sent  # the emergency numbers after the tier's advice
    crisis = texts(stack.say(user, "honestly i want to end my life"))
    assert "116 123" in crisis and "988" in crisis
    advice = texts(stack.say(user, "how much probiotic should i give my 2 year old"))
    assert "doctor" in advice and "pharmacist" in advice
    assert not re.search(r"\d+\s*(mg|g|ml|cfu|billion)\b", advice, re.IGNORECASE)


@requires_patch("action_failures")
def test_without_the_action_server_the_bot_apologises_and_safety_still_works(stack, store):
    user = new_user()
    stack.actions.stop()
    try:
        assert texts(stack.say(user, "what is butyrate?")) == ACTIONS_UNAVAILABLE
        urgent = texts(stack.say(user, "she is struggling to breathe and her lips are swelling"))
        assert urgent.startswith(opening(EMERGENCY)) and ACTIONS_UNAVAILABLE not in urgent
    finally:
        stack.actions.start(timeout=60)
    assert store.topic("butyrate").title in texts(stack.say(user, "what is butyrate?"))


def test_out_of_scope_and_nonsense_never_get_a_topic_answer(stack, store):
    user = new_user()
    stack.say(user, "hi")
    titles = [title for _, title in store.topics()]
    for message in ("what's the capital of france", "can you help me with my diabetes", "qwrtzp blarg"):
        reply = texts(stack.say(user, message))
        assert reply and not any(f"**{title}**" in reply for title in titles), (message, reply)
    assert stack.slot(user, "topic") is None


def test_feedback_and_unanswered_questions_reach_the_curators(stack):
    curation = CurationStore(stack.curation_url)
    before = curation.feedback_summary().get("fmt", (0, 0))
    user = new_user()
    stack.say(user, "what is a stool transplant")
    stack.say(user, "/feedback_positive")
    assert curation.feedback_summary()["fmt"] == (before[0] + 1, before[1])
    stack.say(user, "tell me about zorbulent frimble, my mail is someone@example.org and phone +44 7700 900123")
    recorded = dict(curation.frequent_unanswered(1000))
    assert "tell me about zorbulent frimble, my mail is [email] and phone [phone]" in recorded, recorded


@pytest.mark.parametrize("myth", CONTENT.myths, ids=lambda m: m.id)
def test_every_myth_question_gets_its_correction(stack, store, myth):
    user = new_user()
    replies = texts(stack.say(user, myth.phrasings[0]))
    assert first_paragraph(myth.correction) in replies
    assert stack.slot(user, "topic") == myth.topic


DEFINED_TERMS = [
    (g.term, g.definition, slug) for slug, t in sorted(CONTENT.topics.items()) for g in t.glossary if g.definition
]


@pytest.mark.parametrize("term, definition, slug", DEFINED_TERMS, ids=[t for t, _, _ in DEFINED_TERMS])
def test_every_defined_glossary_term_is_explained(stack, term, definition, slug):
    user = new_user()
    message = f"what does {term} mean?"
    replies = texts(stack.say(user, message))
    if SAFETY.check(message):  # e.g. eczema herpeticum: urgent advice comes first, by design
        assert any(o in replies for o in URGENT_OPENINGS)
        return
    assert definition in replies
    assert stack.slot(user, "topic") == slug
