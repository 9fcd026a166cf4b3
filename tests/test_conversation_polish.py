"""Conversations a newcomer has in the first half hour, over REST against the running servers: going deeper,
the tour's buttons, related topics in sentences, and short source lists. Texts come from the store and domain."""

from __future__ import annotations

import pytest

from actions import replies
from knowledge.evidence import most_relevant_first
from tests.support.replies import render
from tests.support.rest import new_sender, payloads, texts

pytestmark = pytest.mark.e2e


def new_user() -> str:
    return new_sender("polish")


def bullet_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ")]


def test_tell_me_more_again_goes_deeper_and_then_says_that_is_all(stack, store):
    user, topic = new_user(), store.topic("probiotics")
    stack.say(user, "what are probiotics?")
    assert stack.slot(user, "topic") == "probiotics"
    answers = [texts(stack.say(user, "tell me more")) for _ in range(4)]
    assert topic.detailed_answer[:80] in answers[0]
    assert topic.evidence_summary[:80] in answers[1]
    assert (topic.children_note or topic.adults_note)[:80] in answers[2]
    assert len(set(answers)) == len(answers), "no answer repeated word for word"
    last = stack.say(user, "tell me more")
    assert texts(last) == render("utter_no_more_detail", title=topic.title)
    related = [replies.topic_button(slug, title)["payload"] for slug, title in store.related(topic)]
    assert set(related) <= set(payloads(last))
    assert stack.slot(user, "topic") == "probiotics"


def test_every_tour_reply_offers_next_and_stop(stack, store):
    user = new_user()
    for message in ["teach me from the start", "tell me more", "in simpler words", "sources", "what's related"]:
        buttons = payloads(stack.say(user, message))
        assert "/tour_next" in buttons and "/stop" in buttons, (message, buttons)
    assert "Step 2 of" in texts(stack.say(user, "/tour_next"))


def test_related_topics_come_with_a_sentence_each(stack, store):
    user, topic = new_user(), store.topic("butyrate")
    stack.say(user, "what is butyrate?")
    answer = stack.say(user, "what topics are related")
    lines = bullet_lines(texts(answer))
    assert len(lines) == len(topic.related)
    for line, slug in zip(lines, topic.related):
        other = store.topic(slug)
        assert other.title in line and replies.first_sentence(other.short_answer) in line
        assert replies.topic_button(slug, other.title)["payload"] in payloads(answer)


def test_sources_show_the_most_relevant_three_then_all_on_request(stack, store):
    user, topic = new_user(), store.topic("leaky_gut")
    sources = store.sources(topic.sources)
    assert len(sources) > replies.SOURCES_SHOWN
    stack.say(user, "what is leaky gut?")
    short = stack.say(user, "where is this from?")
    lines = bullet_lines(texts(short))
    assert len(lines) == replies.SOURCES_SHOWN
    listed = [next(s for s in sources if s.title.rstrip(".") in line) for line in lines]
    assert listed == most_relevant_first(sources, topic)[: replies.SOURCES_SHOWN]
    assert "/all_sources" in payloads(short)
    every = bullet_lines(texts(stack.say(user, "/all_sources")))
    assert len(every) == len(sources)
    assert all(any(s.title.rstrip(".") in line for line in every) for s in sources)
