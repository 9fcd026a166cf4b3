"""Custom actions, run as the action server runs them, on a database built from the real content.

Every test gets a fresh Tracker and CollectingDispatcher, a private curation database and cleared store caches.
Expected texts come from the store or the domain (never typed into the test). An action that sends a domain
response is recorded by name with its variables; `shown` fills it in as Rasa does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.core.nlg.interpolator import interpolate_text
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies, services
from actions.advice_actions import ActionMedicalAdvice
from actions.feedback_actions import ActionFeedbackNegative, ActionFeedbackPositive
from actions.menu_actions import ActionMenuGroup
from actions.quiz_actions import QUIZ_LENGTH, ActionQuizAnswer, ActionQuizStart, ActionStop
from actions.session_actions import ActionSessionStart, ActionWelcome
from actions.topic_actions import (
    ActionAdults,
    ActionAnswerTopic,
    ActionCheckMyth,
    ActionChildren,
    ActionDefineTerm,
    ActionEvidence,
    ActionMoreDetail,
    ActionOutOfScope,
    ActionRelatedTopics,
    ActionSearchFallback,
    ActionSimpler,
    ActionSources,
    ActionTopicMenu,
    ActionWhatToDo,
)
from actions.tour_actions import ActionTourNext, ActionTourRestart, ActionTourStart
from knowledge.builder import build
from knowledge.content import TOPIC_SLUGS, Content
from knowledge.curation import CurationStore, redact
from knowledge.domain_copy import copy_text
from knowledge.settings import CURATION_URL_ENV, DATABASE_URL_ENV
from knowledge.store import KnowledgeStore
from tests.support.replies import REFUSAL, STORE_DOWN, render, response_buttons, variables
from tests.support.topics import topics_parse_data
from tests.unit.conftest import ROOT, sqlite_url

DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
DOSE = re.compile(r"\d[\d.,]*\s*(?:(?:thousand|million|billion)\s+)?(?:mg|cfu)\b", re.IGNORECASE)
FOLLOW_UPS = [ActionMoreDetail, ActionSimpler, ActionSources, ActionRelatedTopics, ActionEvidence, ActionChildren]


# -- plumbing ------------------------------------------------------------------------------------------------

# Slots that only remember what was shown and asked (for repair and for not repeating): the tests of what
# each action answers leave them out; tests of repair and repetition read them.
BOOKKEEPING_SLOTS = ("said", "last_question", "last_answer", "audience", "situation")


def dialogue(events: list[dict]) -> list[dict]:
    return [e for e in events if not (e.get("event") == "slot" and e.get("name") in BOOKKEEPING_SLOTS)]


def make_tracker(
    text: str = "",
    intent: str | None = None,
    entities: list[dict] | None = None,
    slots: dict[str, Any] | None = None,
    sender: str = "unit-test-user",
    events: list[dict] | None = None,
) -> Tracker:
    all_slots = {name: spec.get("initial_value") for name, spec in DOMAIN["slots"].items()}  # as Rasa starts them
    all_slots.update(slots or {})
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0} if intent else {}, "entities": entities or []}
    topics = topics_parse_data(text)
    if topics is not None:
        latest["topics"] = topics  # what the Rasa server's topic classifier says about this text
    # The state the Rasa server sends the action server, minus what no action reads.
    return Tracker.from_dict(
        {"sender_id": sender, "slots": all_slots, "latest_message": latest, "events": events or []}
    )


def entity(name: str, value: str) -> dict:
    return {"entity": name, "value": value, "start": 0, "end": 0}


def button_text(intent: str, **entities: str) -> str:
    """The message text Rasa sees when a user taps a button."""
    return replies.intent_payload(intent, **entities)


def run(action: Action, tracker: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    for message in dispatcher.messages:
        shown(message)  # every response sent exists in the domain and gets exactly its variables
    return dispatcher.messages, events


# What CollectingDispatcher records besides a response's variables.
DISPATCHER_KEYS = {"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"}


def shown(message: dict) -> str:
    """What the user reads: the text, or the domain response filled in. The action must pass exactly the
    variables the response uses (a misspelt one would reach the user as "{name}")."""
    name = message.get("response")
    if not name:
        return message["text"]
    passed = {key: value for key, value in message.items() if key not in DISPATCHER_KEYS}
    assert set(passed) == variables(name), (name, sorted(passed), sorted(variables(name)))
    return render(name, **passed)


def without_detail_depth(events: list[dict]) -> list[dict]:
    """The events but "tell me more"'s record of how deep it went (its own tests check that)."""
    return [e for e in events if e.get("name") != "detail_depth"]


def payloads(message: dict) -> list[str]:
    """The payloads of the buttons the user sees: the domain response's own, then the ones the action adds."""
    own = response_buttons(message["response"]) if message.get("response") else []
    return [b["payload"] for b in [*own, *(message.get("buttons") or [])]]


def topic_payloads(store: KnowledgeStore) -> list[str]:
    return [replies.topic_button(slug, title)["payload"] for slug, title in store.topics()]


def menu_payloads(store: KnowledgeStore) -> list[str]:
    """Where the menu starts: a button per group (every topic when the content has none)."""
    groups = store.menu_groups()
    if not groups:
        return topic_payloads(store)
    return [replies.intent_payload("menu_group", menu_group=group.id) for group in groups]


@pytest.fixture(scope="module")
def store(real_db_url: str):
    """An independent store on the same database, for expected values."""
    knowledge = KnowledgeStore(real_db_url)
    yield knowledge
    knowledge.dispose()


def _use_databases(monkeypatch: pytest.MonkeyPatch, knowledge_url: str, curation_url: str):
    monkeypatch.setenv(DATABASE_URL_ENV, knowledge_url)
    monkeypatch.setenv(CURATION_URL_ENV, curation_url)
    services.knowledge.cache_clear()
    services.curation.cache_clear()


def _release_services():
    for cached in (services.knowledge, services.curation):
        if cached.cache_info().currsize:
            cached().dispose()
        cached.cache_clear()


@pytest.fixture
def curation_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "curation.db")


@pytest.fixture
def bot(monkeypatch: pytest.MonkeyPatch, real_db_url: str, curation_url: str):
    """Actions see the real-content database and a private curation database."""
    _use_databases(monkeypatch, real_db_url, curation_url)
    yield
    _release_services()


@pytest.fixture
def curation(bot, curation_url: str):
    reader = CurationStore(curation_url)
    yield reader
    reader.dispose()


# -- answering a topic ---------------------------------------------------------------------------------------


def test_answer_topic_from_text(bot, store: KnowledgeStore):
    messages, events = run(ActionAnswerTopic(), make_tracker("tell me about butyrate", "ask_topic"))
    topic = store.topic("butyrate")
    assert len(messages) == 1
    assert topic.title in shown(messages[0])
    assert topic.short_answer in shown(messages[0])
    assert topic.evidence_level in shown(messages[0])
    assert {"/more_detail", "/simpler", "/sources"} <= set(payloads(messages[0]))
    assert dialogue(events) == [SlotSet("topic", "butyrate")]


def test_answer_topic_from_a_misspelling(bot, store: KnowledgeStore):
    messages, events = run(ActionAnswerTopic(), make_tracker("what is butirate", "ask_topic"))
    assert store.topic("butyrate").title in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", "butyrate")]


def test_answer_topic_from_a_button(bot, store: KnowledgeStore):
    tracker = make_tracker(button_text("ask_topic", topic="fmt"), "ask_topic", [entity("topic", "fmt")])
    messages, events = run(ActionAnswerTopic(), tracker)
    assert store.topic("fmt").short_answer in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", "fmt")]


def test_entity_and_words_naming_the_same_topic(bot, store: KnowledgeStore):
    tracker = make_tracker("what are prebiotics", "ask_topic", [entity("topic", "prebiotics")])
    messages, events = run(ActionAnswerTopic(), tracker)
    assert store.topic("prebiotics").short_answer in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", "prebiotics")]


def test_entity_with_words_the_store_cannot_place(bot, store: KnowledgeStore):
    # NLU may extract (and map) an entity from a misspelling the glossary does not list; the store then
    # finds nothing in the words and the entity must still be answered (this used to raise IndexError).
    text = "tell me about probiatics"
    assert store.match_topics(text) == [] and store.search(text) == []
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic", [entity("topic", "probiotics")]))
    assert store.topic("probiotics").short_answer in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", "probiotics")]


def test_unknown_topic_entity_shows_the_menu(bot, store: KnowledgeStore):
    messages, events = run(ActionAnswerTopic(), make_tracker("", "ask_topic", [entity("topic", "hair_loss")]))
    assert len(messages) == 1
    assert "don't know that topic" in shown(messages[0])
    assert payloads(messages[0]) == menu_payloads(store)
    assert dialogue(events) == []


def test_contract_topic_missing_from_the_database(monkeypatch, fixture_db_url: str, curation_url: str):
    _use_databases(monkeypatch, fixture_db_url, curation_url)
    try:
        messages, events = run(ActionAnswerTopic(), make_tracker("", "ask_topic", [entity("topic", "butyrate")]))
    finally:
        _release_services()
    assert "butyrate" in TOPIC_SLUGS
    assert "don't have content on that topic yet" in shown(messages[0])
    assert payloads(messages[0]) == menu_payloads(KnowledgeStore(fixture_db_url))
    assert dialogue(events) == []


def test_unknown_text_offers_search_results(bot, store: KnowledgeStore, curation: CurationStore):
    text = "what do mast cells have to do with it"
    assert store.match_topics(text) == []
    hits = store.search(text, limit=3)
    assert hits
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert len(messages) == 1
    assert payloads(messages[0]) == [replies.topic_button(h.slug, h.title)["payload"] for h in hits]
    assert [b["title"] for b in messages[0]["buttons"]] == [h.title for h in hits]
    assert dialogue(events) == []
    assert curation.frequent_unanswered() == [(text, 1)]  # a guess is not an answer: curators see it


def test_unknown_text_without_results_shows_the_menu_and_is_recorded(
    bot, store: KnowledgeStore, curation: CurationStore
):
    text = "xyzzy plugh"
    assert store.search(text) == []
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert payloads(messages[-1]) == menu_payloads(store)
    assert dialogue(events) == []
    assert curation.frequent_unanswered() == [("xyzzy plugh", 1)]


# -- follow-ups on the current topic ---------------------------------------------------------------------------


def test_more_detail_uses_the_topic_slot(bot, store: KnowledgeStore):
    messages, events = run(ActionMoreDetail(), make_tracker("tell me more", "more_detail", slots={"topic": "butyrate"}))
    topic = store.topic("butyrate")
    assert topic.detailed_answer in shown(messages[0])
    assert all(point in shown(messages[0]) for point in topic.key_points)
    assert "/sources" in payloads(messages[0])
    assert dialogue(events) == [
        SlotSet("topic", "butyrate"),
        SlotSet("detail_depth", {"topic": "butyrate", "level": 0}),
    ]


def test_each_tell_me_more_goes_one_level_deeper_then_says_that_is_all(bot, store: KnowledgeStore):
    topic = store.topic("probiotics")
    assert topic.evidence_summary and (topic.children_note or topic.adults_note) and topic.sources
    expected = [
        topic.detailed_answer,
        topic.evidence_summary,
        topic.children_note or topic.adults_note,
        store.sources(topic.sources)[0].title.rstrip("."),
    ]
    slots: dict[str, Any] = {"topic": "probiotics"}
    seen: list[str] = []
    for level, part in enumerate(expected):
        messages, events = run(ActionMoreDetail(), make_tracker("tell me more", "more_detail", slots=slots))
        text = shown(messages[0])
        assert part in text, f"level {level}"
        assert text not in seen, "never the same answer twice"
        assert "/more_detail" in payloads(messages[0]), "a way to the next level"
        seen.append(text)
        slots.update({e["name"]: e["value"] for e in events})
    messages, events = run(ActionMoreDetail(), make_tracker("tell me more", "more_detail", slots=slots))
    assert messages[0]["response"] == "utter_no_more_detail" and topic.title in shown(messages[0])
    related = [replies.topic_button(slug, title)["payload"] for slug, title in store.related(topic)]
    assert related and payloads(messages[0])[: len(related)] == related
    assert "/more_detail" not in payloads(messages[0])


def test_tell_me_more_on_another_topic_starts_at_its_detail(bot, store: KnowledgeStore):
    deeper = {"topic": "butyrate", "detail_depth": {"topic": "probiotics", "level": 2}}
    messages, events = run(ActionMoreDetail(), make_tracker("tell me more", "more_detail", slots=deeper))
    assert store.topic("butyrate").detailed_answer in shown(messages[0])
    assert SlotSet("detail_depth", {"topic": "butyrate", "level": 0}) in events


def test_more_detail_names_neighbouring_topics_and_offers_them_as_buttons(bot, store: KnowledgeStore):
    messages, _ = run(ActionMoreDetail(), make_tracker("tell me more", "more_detail", slots={"topic": "probiotics"}))
    topic = store.topic("probiotics")
    text, titles = shown(messages[0]), [b["title"] for b in messages[0]["buttons"]]
    assert "probiotics_treatment" not in text and "(see " not in text, "no internal ids in what users read"
    assert '"Probiotics for treating eczema"' in text
    assert titles[:2] == [title for _, title in store.related(topic)[:2]]
    assert f'/ask_topic{{"topic":"{topic.related[0]}"}}' in payloads(messages[0])


def test_a_first_message_read_as_more_detail_gets_the_topics_first_answer(bot, store: KnowledgeStore):
    """With nothing said before, "tell me about X" asks about X; only "more" asks for the detailed answer."""
    messages, events = run(ActionMoreDetail(), make_tracker("tell me about fad diets", "more_detail"))
    topic = store.topic("diet_fads")
    assert topic.short_answer in shown(messages[0]) and topic.detailed_answer not in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", "diet_fads")]
    messages, _ = run(ActionMoreDetail(), make_tracker("tell me more about fad diets", "more_detail"))
    assert topic.detailed_answer in shown(messages[0])


def test_simpler_uses_the_topic_slot(bot, store: KnowledgeStore):
    messages, events = run(ActionSimpler(), make_tracker("in simpler words", "simpler", slots={"topic": "leaky_gut"}))
    assert store.topic("leaky_gut").plain_answer in shown(messages[0])
    assert store.topic("leaky_gut").detailed_answer not in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", "leaky_gut")]


def test_sources_show_the_most_relevant_few_and_a_button_for_all(bot, store: KnowledgeStore):
    from knowledge.evidence import most_relevant_first

    topic = store.topic("leaky_gut")
    sources = store.sources(topic.sources)
    assert len(sources) > replies.SOURCES_SHOWN
    messages, _ = run(ActionSources(), make_tracker("sources please", "sources", slots={"topic": "leaky_gut"}))
    lines = [line for line in shown(messages[0]).splitlines() if line.startswith("- ")]
    assert len(lines) == replies.SOURCES_SHOWN
    listed = [next(s for s in sources if s.title.rstrip(".") in line) for line in lines]
    assert listed == most_relevant_first(sources, topic)[: replies.SOURCES_SHOWN]
    assert payloads(messages[0])[0] == "/all_sources"
    assert str(len(sources)) in messages[0]["buttons"][0]["title"]


def test_sources_list_a_link_for_each_source(bot, store: KnowledgeStore):
    messages, events = run(ActionSources(), make_tracker("/all_sources", "all_sources", slots={"topic": "leaky_gut"}))
    topic = store.topic("leaky_gut")
    text = shown(messages[0])
    assert topic.title in text
    sources = store.sources(topic.sources)
    assert sources
    for source in sources:
        assert source.link and source.link.startswith("https://")
        assert f"({source.link})" in text
        assert source.title.rstrip(".") in text
        if source.pmid:
            assert f"PMID {source.pmid}" in text
    assert text.count("https://") >= len(sources)
    assert len([line for line in text.splitlines() if line.startswith("- ")]) == len(topic.sources)
    assert dialogue(events) == [SlotSet("topic", "leaky_gut")]


def test_related_topics_as_buttons(bot, store: KnowledgeStore):
    messages, events = run(ActionRelatedTopics(), make_tracker("related", "related_topics", slots={"topic": "scfa"}))
    topic = store.topic("scfa")
    assert topic.title in shown(messages[0])
    lines = [line for line in shown(messages[0]).splitlines() if line.startswith("- ")]
    assert len(lines) == len(topic.related), "a sentence for each related topic"
    for line, slug in zip(lines, topic.related):
        other = store.topic(slug)
        assert other.title in line and replies.first_sentence(other.short_answer) in line
    assert messages[0]["buttons"] == [replies.topic_button(slug, title) for slug, title in store.related(topic)]
    assert dialogue(events) == [SlotSet("topic", "scfa")]


def test_evidence(bot, store: KnowledgeStore):
    messages, events = run(ActionEvidence(), make_tracker("does it work?", "ask_evidence", slots={"topic": "fmt"}))
    topic = store.topic("fmt")
    assert topic.evidence_summary in shown(messages[0])
    assert topic.evidence_level in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", "fmt")]


def test_children(bot, store: KnowledgeStore):
    messages, events = run(
        ActionChildren(), make_tracker("what about babies?", "ask_children", slots={"topic": "probiotics"})
    )
    topic = store.topic("probiotics")
    assert topic.children_note and topic.children_note in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", "probiotics")]


def test_children_without_a_note(monkeypatch, fixture_db_url: str, curation_url: str):
    _use_databases(monkeypatch, fixture_db_url, curation_url)
    try:
        fixture = KnowledgeStore(fixture_db_url)
        assert fixture.topic("skin").children_note is None
        messages, events = run(ActionChildren(), make_tracker("babies?", "ask_children", slots={"topic": "skin"}))
    finally:
        _release_services()
    assert "nothing specific" in shown(messages[0])
    assert fixture.topic("skin").title in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", "skin")]


def test_a_topic_named_in_the_message_beats_the_slot(bot, store: KnowledgeStore):
    messages, events = run(
        ActionMoreDetail(), make_tracker("and prebiotics?", "more_detail", slots={"topic": "probiotics"})
    )
    assert store.topic("prebiotics").detailed_answer in shown(messages[0])
    assert without_detail_depth(dialogue(events)) == [SlotSet("topic", "prebiotics")]


def test_naming_eczema_keeps_the_conversation_topic(bot, store: KnowledgeStore):
    messages, events = run(
        ActionEvidence(),
        make_tracker("does it work for eczema?", "ask_evidence", slots={"topic": "probiotics_treatment"}),
    )
    assert store.topic("probiotics_treatment").evidence_summary in shown(messages[0])
    assert without_detail_depth(dialogue(events)) == [SlotSet("topic", "probiotics_treatment")]


def test_naming_eczema_without_a_conversation_topic(bot, store: KnowledgeStore):
    messages, events = run(ActionMoreDetail(), make_tracker("tell me more about eczema", "more_detail"))
    assert store.topic("atopic_dermatitis").detailed_answer in shown(messages[0])
    assert without_detail_depth(dialogue(events)) == [SlotSet("topic", "atopic_dermatitis")]


@pytest.mark.parametrize("action_class", FOLLOW_UPS)
def test_follow_up_without_any_topic_asks_which(bot, store: KnowledgeStore, action_class):
    messages, events = run(action_class(), make_tracker("tell me more", "more_detail"))
    assert len(messages) == 1
    assert shown(messages[0]).startswith("Which topic")
    assert payloads(messages[0]) == menu_payloads(store)
    assert dialogue(events) == []


@pytest.mark.parametrize("action_class", FOLLOW_UPS)
def test_follow_up_from_a_button_after_a_topic(bot, store: KnowledgeStore, action_class):
    # a button payload carries no words: the slot decides
    messages, events = run(action_class(), make_tracker("/more_detail", "more_detail", slots={"topic": "dysbiosis"}))
    assert store.topic("dysbiosis").title in shown(messages[0])
    assert without_detail_depth(dialogue(events)) == [SlotSet("topic", "dysbiosis")]


# -- the topic menu: a button per group, then the group's topics ---------------------------------------------

MAX_MENU_BUTTONS = 6  # what a phone shows without scrolling past the intro
BACK = replies.back_to_menu_button()["payload"]


def group_payloads(store: KnowledgeStore) -> list[str]:
    return [
        replies.titled_button(group.title, "menu_group", menu_group=group.id)["payload"]
        for group in store.menu_groups()
    ]


def group_topic_payloads(topics: tuple[tuple[str, str], ...]) -> list[str]:
    """A group's topic buttons, then the way back to the groups."""
    return [*(replies.topic_button(slug, title)["payload"] for slug, title in topics), BACK]


def tap(button: dict[str, str]) -> Tracker:
    """The tracker after a user taps a button: its payload as text, its intent and entities (as Rasa parses it)."""
    intent, _, entities = button["payload"][1:].partition("{")
    values = json.loads("{" + entities) if entities else {}
    return make_tracker(button["payload"], intent, [entity(name, value) for name, value in values.items()])


def help_message() -> dict:
    messages, _ = run(ActionTopicMenu(), make_tracker("help", "help"))
    assert len(messages) == 1
    return messages[0]


def test_topic_menu_offers_a_button_per_group(bot, store: KnowledgeStore):
    messages, events = run(ActionTopicMenu(), make_tracker("help", "help"))
    assert [m["response"] for m in messages] == ["utter_topic_menu"]
    assert payloads(messages[0]) == group_payloads(store)
    assert [b["title"] for b in messages[0]["buttons"]] == [group.title for group in store.menu_groups()]
    assert 2 <= len(payloads(messages[0])) <= MAX_MENU_BUTTONS
    assert dialogue(events) == []


def test_each_group_button_shows_the_groups_topics_in_order_and_a_way_back(bot, store: KnowledgeStore):
    groups = store.menu_groups()
    buttons = help_message()["buttons"]
    assert len(buttons) == len(groups)
    for button, group in zip(buttons, groups):
        messages, events = run(ActionMenuGroup(), tap(button))
        assert len(messages) == 1 and dialogue(events) == []
        assert messages[0]["response"] == "utter_menu_group"
        assert group.title in shown(messages[0]).splitlines()[0]  # the group's title is the heading
        assert payloads(messages[0]) == group_topic_payloads(group.topics)
    assert BACK == replies.intent_payload("help")


def test_every_menu_topic_is_reachable_through_exactly_one_group(bot, store: KnowledgeStore):
    reached = []
    for button in help_message()["buttons"]:
        messages, _ = run(ActionMenuGroup(), tap(button))
        reached += [p for p in payloads(messages[0]) if p != BACK]
    assert sorted(reached) == sorted(topic_payloads(store))
    assert len(reached) == len(set(reached)) == len(TOPIC_SLUGS)


@pytest.mark.parametrize("text, entities", [("/menu_group", []), ("", [entity("menu_group", "no_such_group")])])
def test_an_unknown_group_shows_the_groups_again(bot, store: KnowledgeStore, text: str, entities: list[dict]):
    messages, events = run(ActionMenuGroup(), make_tracker(text, "menu_group", entities))
    assert [(m["response"], payloads(m)) for m in messages] == [("utter_topic_menu", group_payloads(store))]
    assert dialogue(events) == []


def test_a_typed_request_for_a_group(bot, store: KnowledgeStore):
    group = store.menu_groups()[0]
    messages, _ = run(ActionMenuGroup(), make_tracker(f"which topics are in {group.title.lower()}?", "menu_group"))
    assert payloads(messages[0]) == group_topic_payloads(group.topics)
    messages, _ = run(ActionMenuGroup(), make_tracker("show me the topics about hair", "menu_group"))
    assert payloads(messages[0]) == group_payloads(store)


def test_content_without_menu_groups_lists_every_topic(monkeypatch, content_dir: Path, tmp_path: Path):
    (content_dir / "menu.yml").unlink()
    url = sqlite_url(tmp_path / "no-menu.db")
    build(content_dir, url)
    _use_databases(monkeypatch, url, sqlite_url(tmp_path / "curation.db"))
    expected = KnowledgeStore(url)
    try:
        messages, _ = run(ActionTopicMenu(), make_tracker("help", "help"))
        assert expected.menu_groups() == [] and payloads(messages[0]) == menu_payloads(expected)
    finally:
        _release_services()
        expected.dispose()


# -- glossary and myths --------------------------------------------------------------------------------------


def test_define_term(bot, store: KnowledgeStore):
    text = "what does LPS mean"
    entry = store.glossary_entry(text)
    assert entry is not None and entry.definition
    messages, events = run(ActionDefineTerm(), make_tracker(text, "define_term"))
    assert len(messages) == 1
    assert entry.term in shown(messages[0])
    assert entry.definition in shown(messages[0])
    assert entry.topic_title in shown(messages[0])
    assert payloads(messages[0]) == [replies.intent_payload("ask_topic", topic=entry.topic_slug)]
    assert dialogue(events) == [SlotSet("topic", entry.topic_slug)]


def test_define_term_without_a_definition_answers_the_topic(bot, store: KnowledgeStore):
    text = "what is a fecal transplant"
    entry = store.glossary_entry(text)
    assert entry is not None and entry.definition is None
    messages, events = run(ActionDefineTerm(), make_tracker(text, "define_term"))
    assert store.topic(entry.topic_slug).short_answer in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", entry.topic_slug)]


def test_check_myth(bot, store: KnowledgeStore):
    text = "is it true that leaky gut causes eczema"
    myth = store.find_myth(text)
    assert myth is not None and myth.topic == "leaky_gut"
    messages, events = run(ActionCheckMyth(), make_tracker(text, "ask_myth"))
    reply = shown(messages[0])
    assert myth.claim.rstrip(".") in reply
    assert myth.correction in reply
    assert copy_text("verdicts", myth.verdict) in reply
    assert all(f"({s.link})" in reply for s in store.sources(myth.sources))
    assert payloads(messages[0]) == [replies.intent_payload("ask_topic", topic="leaky_gut")]
    assert dialogue(events) == [SlotSet("topic", "leaky_gut")]


def test_check_myth_without_a_match_falls_back_to_the_menu(bot, store: KnowledgeStore):
    text = "is that so?"
    assert store.find_myth(text) is None and store.search(text) == []
    messages, events = run(ActionCheckMyth(), make_tracker(text, "ask_myth"))
    assert payloads(messages[-1]) == menu_payloads(store)
    assert dialogue(events) == []


# -- medical advice ------------------------------------------------------------------------------------------


def test_medical_advice_refuses_and_gives_general_information(bot, store: KnowledgeStore):
    text = "how many mg of butyrate should I give my 2 year old"
    messages, events = run(ActionMedicalAdvice(), make_tracker(text, "medical_advice"))
    reply = shown(messages[0])
    assert messages[0]["response"] == "utter_advice_refused_topic"
    assert reply.startswith(REFUSAL)
    assert store.topic("butyrate").short_answer in reply
    assert not DOSE.search(reply)
    assert dialogue(events) == [SlotSet("topic", "butyrate")]


def test_medical_advice_without_a_topic(bot, store: KnowledgeStore):
    messages, events = run(ActionMedicalAdvice(), make_tracker("what dose should I take", "medical_advice"))
    assert messages[0]["response"] == "utter_advice_refused"
    assert shown(messages[0]) == REFUSAL
    assert payloads(messages[0]) == [replies.intent_payload("ask_topic", topic="standard_care")]
    assert dialogue(events) == []


@pytest.mark.parametrize("slug", TOPIC_SLUGS)
def test_medical_advice_never_names_a_dose(bot, slug: str):
    for text in (f"how many mg of {slug.replace('_', ' ')} should I take", "how many billion CFU for my baby"):
        messages, _ = run(ActionMedicalAdvice(), make_tracker(text, "medical_advice", [entity("topic", slug)]))
        reply = " ".join(shown(m) for m in messages)
        assert REFUSAL in reply
        assert not DOSE.search(reply), DOSE.search(reply)


def test_dose_pattern_catches_doses():
    assert DOSE.search("take 10 mg daily") and DOSE.search("5mg") and DOSE.search("10 billion CFU")
    assert not DOSE.search("a 2025 study of mice")


# -- feedback ------------------------------------------------------------------------------------------------


def test_feedback_is_recorded_with_the_topic(bot, curation: CurationStore):
    tracker = make_tracker("that helped", "feedback_positive", slots={"topic": "butyrate"})
    positive, _ = run(ActionFeedbackPositive(), tracker)
    run(ActionFeedbackPositive(), tracker)
    negative, events = run(
        ActionFeedbackNegative(), make_tracker("not helpful", "feedback_negative", slots={"topic": "fmt"})
    )
    assert curation.feedback_summary() == {"butyrate": (2, 0), "fmt": (0, 1)}
    assert [positive[0]["response"], negative[0]["response"]] == ["utter_feedback_positive", "utter_feedback_negative"]
    assert shown(positive[0]) != shown(negative[0])
    assert dialogue(events) == []


def test_feedback_after_a_specific_answer_names_the_answer(bot, curation: CurationStore):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from knowledge.curation import FeedbackRow

    slots = {"topic": "fmt", "said": ["topic:butyrate", "answer:fmt_children"]}
    run(ActionFeedbackNegative(), make_tracker("not helpful", "feedback_negative", slots=slots))
    run(ActionFeedbackPositive(), make_tracker("that helped", "feedback_positive", slots={"topic": "fmt"}))
    with Session(curation.engine) as session:
        rows = session.execute(select(FeedbackRow.helpful, FeedbackRow.answer_id).order_by(FeedbackRow.id)).all()
    assert [tuple(row) for row in rows] == [(False, "fmt_children"), (True, None)]


def test_feedback_without_a_topic_records_nothing(bot, curation: CurationStore):
    messages, events = run(ActionFeedbackNegative(), make_tracker("not helpful", "feedback_negative"))
    assert [m["response"] for m in messages] == ["utter_feedback_no_topic"]
    assert curation.feedback_summary() == {}
    assert dialogue(events) == []


# -- guided tour ---------------------------------------------------------------------------------------------


def test_tour_start(bot, store: KnowledgeStore):
    steps = store.tour()
    messages, events = run(ActionTourStart(), make_tracker("teach me", "tour_start"))
    first = store.topic(steps[0])
    assert f"Step 1 of {len(steps)}: {first.title}" in shown(messages[0])
    assert first.short_answer in shown(messages[0])
    assert payloads(messages[0]) == ["/tour_next", "/more_detail", "/stop"]
    assert dialogue(events) == [SlotSet("tour_step", 0), SlotSet("topic", steps[0])]


def test_tour_next(bot, store: KnowledgeStore):
    steps = store.tour()
    messages, events = run(ActionTourNext(), make_tracker("next", "tour_next", slots={"tour_step": 0}))
    assert f"Step 2 of {len(steps)}: {store.topic(steps[1]).title}" in shown(messages[0])
    assert dialogue(events) == [SlotSet("tour_step", 1), SlotSet("topic", steps[1])]


def test_tour_next_without_a_tour_starts_at_the_beginning(bot, store: KnowledgeStore):
    messages, events = run(ActionTourNext(), make_tracker("next", "tour_next"))
    assert dialogue(events) == [SlotSet("tour_step", 0), SlotSet("topic", store.tour()[0])]


def test_tour_walks_to_the_end(bot, store: KnowledgeStore):
    steps = store.tour()
    step, seen = None, []
    for _ in range(len(steps) + 1):
        messages, events = run(ActionTourNext(), make_tracker("next", "tour_next", slots={"tour_step": step}))
        step = events[0]["value"]
        if step is not None:
            seen.append(events[1]["value"])
    assert seen == steps
    assert dialogue(events) == [SlotSet("tour_step", None)]
    assert "end of the tour" in shown(messages[0])
    assert "/quiz_start" in payloads(messages[0])


def test_tour_stop_pauses_and_resume_continues(bot, store: KnowledgeStore):
    steps = store.tour()
    messages, events = run(ActionStop(), make_tracker("stop", "stop", slots={"tour_step": 2, "topic": steps[2]}))
    assert "paused" in shown(messages[0])
    assert payloads(messages[0]) == ["/tour_start"]
    assert dialogue(events) == []  # the position is kept for later

    messages, events = run(ActionTourStart(), make_tracker("continue the tour", "tour_start", slots={"tour_step": 2}))
    assert shown(messages[0]).startswith("Welcome back")
    assert f"Step 3 of {len(steps)}: {store.topic(steps[2]).title}" in shown(messages[0])
    assert dialogue(events) == [SlotSet("tour_step", 2), SlotSet("topic", steps[2])]


def test_tour_restart(bot, store: KnowledgeStore):
    messages, events = run(ActionTourRestart(), make_tracker("start over", "tour_restart", slots={"tour_step": 4}))
    first = store.topic(store.tour()[0])
    assert messages[0]["response"] == "utter_tour_restarted" and first.short_answer in shown(messages[0])
    assert payloads(messages[0]) == ["/tour_next", "/more_detail", "/stop"]
    assert dialogue(events) == [SlotSet("tour_step", 0), SlotSet("topic", store.tour()[0])]


def test_session_start_keeps_the_tour_position_without_a_database(monkeypatch, tmp_path: Path, curation_url: str):
    _use_databases(monkeypatch, sqlite_url(tmp_path / "missing.db"), curation_url)
    try:
        messages, events = run(ActionSessionStart(), make_tracker("", slots={"tour_step": 3, "topic": "fmt"}))
    finally:
        _release_services()
    assert events[0] == {"event": "session_started", "timestamp": None}
    assert SlotSet("tour_step", 3) in events
    assert all(e.get("name") != "topic" for e in events)
    assert events[-1]["event"] == "action" and events[-1]["name"] == "action_listen"
    # the welcome waits for the first reply, so an urgent reply to the first message comes first
    assert messages == [] and SlotSet("welcome_pending", True) in events


def test_the_first_custom_reply_opens_with_the_welcome_once(bot):
    messages, events = run(ActionWelcome(), make_tracker("hello", "greet", slots={"welcome_pending": True}))
    assert [m["response"] for m in messages] == ["utter_welcome"]
    assert payloads(messages[0]) == ["/tour_start", "/help", "/quiz_start"]
    assert dialogue(events) == [SlotSet("welcome_pending", False)]
    messages, events = run(ActionTopicMenu(), make_tracker("help", "help", slots={"welcome_pending": True}))
    assert [m["response"] for m in messages] == ["utter_welcome", "utter_topic_menu"]
    messages, events = run(ActionWelcome(), make_tracker("hello", "greet", slots={"welcome_pending": False}))
    assert [m["response"] for m in messages] == ["utter_greet"] and dialogue(events) == []


def test_a_stated_plan_to_stop_a_treatment_opens_with_a_caution(bot):
    plan = [{"entity": "treatment_plan", "value": "stated"}]
    messages, _ = run(ActionTopicMenu(), make_tracker("stopping my cream cold turkey", "help", entities=plan))
    assert [m["response"] for m in messages][:2] == ["utter_treatment_caution", "utter_topic_menu"]


# -- quiz ----------------------------------------------------------------------------------------------------

COUNTERS = ("tour_step", "quiz_index", "quiz_score")


def slot_events(events: list[dict]) -> dict[str, Any]:
    """The slots the events set; a counter is set to a Python int (or None), never to a float such as 1.0."""
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert all(type(slots[name]) is int or slots[name] is None for name in COUNTERS if name in slots), slots
    return slots


def test_quiz_start(bot, store: KnowledgeStore):
    by_id = {q.id: q for q in store.quiz_questions()}
    messages, events = run(ActionQuizStart(), make_tracker("quiz me", "quiz_start"))
    slots = slot_events(events)
    ids = slots["quiz_questions"]
    assert len(ids) == min(QUIZ_LENGTH, len(by_id)) and len(set(ids)) == len(ids)
    assert set(ids) <= set(by_id)
    assert slots["quiz_index"] == 0 and slots["quiz_score"] == 0
    first = by_id[ids[0]]
    assert len(messages) == 2
    assert shown(messages[0]) == render("utter_quiz_start", count=len(ids))
    assert first.question in shown(messages[1])
    assert payloads(messages[1]) == [replies.intent_payload("quiz_answer", quiz_choice=key) for key, _ in first.choices]
    # the same conversation gets the same draw
    _, again = run(ActionQuizStart(), make_tracker("quiz me", "quiz_start"))
    assert slot_events(again)["quiz_questions"] == ids
    assert slots["quizzes_started"] == 1 and type(slots["quizzes_started"]) is int


def test_each_quiz_of_a_conversation_draws_anew_and_the_count_survives_a_new_session(bot, store: KnowledgeStore):
    draws = []
    started = None
    for _ in range(6):
        _, events = run(ActionQuizStart(), make_tracker("quiz me", "quiz_start", slots={"quizzes_started": started}))
        slots = slot_events(events)
        draws.append(tuple(slots["quiz_questions"]))
        assert slots["quizzes_started"] == (started or 0) + 1
        started = slots["quizzes_started"]
    assert len(set(draws)) >= 4  # (two draws of a small pool may repeat by chance, not most of them)
    _, events = run(ActionSessionStart(), make_tracker(slots={"quizzes_started": started}))
    assert slot_events(events)["quizzes_started"] == started


def quiz_state(store: KnowledgeStore, index: int = 0, score: int = 0) -> tuple[list[str], dict]:
    ids = [q.id for q in store.quiz_questions()][:QUIZ_LENGTH]
    return ids, {"quiz_questions": ids, "quiz_index": index, "quiz_score": score}


def answer(choice: str, slots: dict) -> tuple[list[dict], list[dict]]:
    tracker = make_tracker(
        button_text("quiz_answer", quiz_choice=choice), "quiz_answer", [entity("quiz_choice", choice)], slots=slots
    )
    return run(ActionQuizAnswer(), tracker)


def test_quiz_correct_answer(bot, store: KnowledgeStore):
    ids, slots = quiz_state(store)
    by_id = {q.id: q for q in store.quiz_questions()}
    question = by_id[ids[0]]
    messages, events = answer(question.answer, slots)
    assert shown(messages[0]).startswith("Right!")
    assert question.explanation in shown(messages[0])
    assert by_id[ids[1]].question in shown(messages[1])
    assert slot_events(events) == {"quiz_index": 1, "quiz_score": 1, "topic": question.topic}


def test_quiz_answer_is_case_insensitive(bot, store: KnowledgeStore):
    ids, slots = quiz_state(store)
    question = {q.id: q for q in store.quiz_questions()}[ids[0]]
    messages, events = answer(question.answer.upper(), slots)
    assert shown(messages[0]).startswith("Right!")
    assert slot_events(events)["quiz_score"] == 1


def test_quiz_wrong_answer(bot, store: KnowledgeStore):
    ids, slots = quiz_state(store, index=1, score=1)
    question = {q.id: q for q in store.quiz_questions()}[ids[1]]
    wrong = next(key for key, _ in question.choices if key != question.answer)
    messages, events = answer(wrong, slots)
    assert shown(messages[0]).startswith("Not quite")
    assert f"{question.answer}) {dict(question.choices)[question.answer]}" in shown(messages[0])
    assert question.explanation in shown(messages[0])
    assert slot_events(events) == {"quiz_index": 2, "quiz_score": 1, "topic": question.topic}


def test_quiz_final_score(bot, store: KnowledgeStore):
    ids, slots = quiz_state(store, index=QUIZ_LENGTH - 1, score=2)
    question = {q.id: q for q in store.quiz_questions()}[ids[-1]]
    messages, events = answer(question.answer, slots)
    assert f"You scored 3 out of {len(ids)}" in shown(messages[-1])
    assert "/quiz_start" in payloads(messages[-1])
    assert slot_events(events) == {
        "quiz_questions": None,
        "quiz_index": None,
        "quiz_score": None,
        "topic": question.topic,
    }


def test_quiz_answer_that_is_not_a_choice_asks_again(bot, store: KnowledgeStore):
    ids, slots = quiz_state(store, index=1)
    question = {q.id: q for q in store.quiz_questions()}[ids[1]]
    messages, events = answer("z", slots)
    assert "pick one of the answers" in shown(messages[0])
    assert question.question in shown(messages[1])
    assert dialogue(events) == []


def test_quiz_answer_without_a_quiz(bot):
    messages, events = answer("a", {})
    assert payloads(messages[0]) == ["/quiz_start"]
    assert dialogue(events) == []


def test_stop_with_nothing_running(bot):
    messages, events = run(ActionStop(), make_tracker("stop", "stop"))
    assert [m["response"] for m in messages] == ["utter_nothing_to_stop"] and dialogue(events) == []


def test_stop_ends_a_quiz(bot, store: KnowledgeStore):
    _, slots = quiz_state(store, index=2, score=2)
    messages, events = run(ActionStop(), make_tracker("stop", "stop", slots=slots))
    assert "2 right" in shown(messages[0])
    assert slot_events(events) == {"quiz_questions": None, "quiz_index": None, "quiz_score": None}


# -- fallback ------------------------------------------------------------------------------------------------


def test_search_fallback_records_the_question_without_the_email(bot, store: KnowledgeStore, curation: CurationStore):
    text = "mail Qq.Rr@zz.xx xyzzy?"  # too short to be declined as off-topic: "I don't know"
    assert store.search(text) == []
    messages, events = run(ActionSearchFallback(), make_tracker(text, "nlu_fallback"))
    assert len(messages) == 1 and not messages[0].get("buttons")
    assert "don't know" in shown(messages[0])
    assert dialogue(events) == []
    recorded = curation.frequent_unanswered()
    assert recorded == [(redact(text), 1)]
    assert "[email]" in recorded[0][0] and "qq" not in recorded[0][0] and "@" not in recorded[0][0]


def test_search_fallback_offers_matches_and_records_the_question(bot, store: KnowledgeStore, curation: CurationStore):
    text = "something about Mitochondria"
    hits = store.search(text, limit=3)
    assert hits
    messages, events = run(ActionSearchFallback(), make_tracker(text, "nlu_fallback"))
    assert len(messages) == 1
    assert payloads(messages[0]) == [replies.intent_payload("ask_topic", topic=h.slug) for h in hits]
    assert dialogue(events) == []
    assert curation.frequent_unanswered() == [(redact(text), 1)]


def test_search_fallback_ignores_button_payloads(bot, curation: CurationStore):
    run(ActionSearchFallback(), make_tracker("/unknown_intent", "nlu_fallback"))
    assert curation.frequent_unanswered() == []


def test_out_of_scope_answers_and_records_the_redacted_question(bot, curation: CurationStore):
    text = "Can you book me a haircut? Call 020 7946 0958"
    messages, events = run(ActionOutOfScope(), make_tracker(text, "out_of_scope"))
    assert [m.get("response") for m in messages] == ["utter_out_of_scope"]
    assert "utter_out_of_scope" in DOMAIN["responses"]
    assert curation.frequent_unanswered() == [(redact(text), 1)]
    assert "[phone]" in redact(text)
    assert dialogue(events) == []


# -- the store is down ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, tracker",
    [
        (ActionAnswerTopic(), make_tracker("tell me about butyrate", "ask_topic")),
        (
            ActionAnswerTopic(),
            make_tracker(button_text("ask_topic", topic="fmt"), "ask_topic", [entity("topic", "fmt")]),
        ),
        (ActionMoreDetail(), make_tracker("tell me more", "more_detail", slots={"topic": "butyrate"})),
        (ActionSources(), make_tracker("sources", "sources", slots={"topic": "butyrate"})),
        (ActionDefineTerm(), make_tracker("what does LPS mean", "define_term")),
        (ActionCheckMyth(), make_tracker("is it true that leaky gut causes eczema", "ask_myth")),
        (ActionTopicMenu(), make_tracker("help", "help")),
        (ActionMenuGroup(), make_tracker("/menu_group", "menu_group", [entity("menu_group", "basics")])),
        (ActionSearchFallback(), make_tracker("something odd", "nlu_fallback")),
        (ActionMedicalAdvice(), make_tracker("how much butyrate", "medical_advice")),
        (ActionTourStart(), make_tracker("tour", "tour_start")),
        (ActionQuizStart(), make_tracker("quiz me", "quiz_start")),
        (
            ActionQuizAnswer(),
            make_tracker(
                "/quiz_answer",
                "quiz_answer",
                [entity("quiz_choice", "a")],
                slots={"quiz_questions": ["x"], "quiz_index": 0, "quiz_score": 0},
            ),
        ),
    ],
    ids=lambda value: value.name() if isinstance(value, Action) else "",
)
def test_missing_database_gives_the_store_down_message(monkeypatch, tmp_path: Path, curation_url: str, action, tracker):
    missing = tmp_path / "missing" / "knowledge.db"
    _use_databases(monkeypatch, sqlite_url(missing), curation_url)
    try:
        messages, events = run(action, tracker)
    finally:
        _release_services()
    assert [m["response"] for m in messages] == ["utter_store_down"]
    assert shown(messages[0]) == STORE_DOWN
    assert not payloads(messages[0])
    assert dialogue(events) == []
    assert not missing.exists()


def test_quiz_answer_after_the_questions_changed_restarts_cleanly(bot, store: KnowledgeStore):
    slots = {"quiz_questions": ["no_longer_exists"], "quiz_index": 0, "quiz_score": 0}
    messages, events = run(
        ActionQuizAnswer(),
        make_tracker(
            button_text("quiz_answer", quiz_choice="a"), "quiz_answer", [entity("quiz_choice", "a")], slots=slots
        ),
    )
    assert payloads(messages[0]) == ["/quiz_start"]
    assert slot_events(events) == {"quiz_questions": None, "quiz_index": None, "quiz_score": None}


def test_a_myth_asked_as_a_topic_question_gets_the_myth_check(bot, store: KnowledgeStore):
    myth = store.find_myth("does leaky gut cause eczema")
    messages, events = run(ActionAnswerTopic(), make_tracker("does leaky gut cause eczema", "ask_topic"))
    assert myth.correction in shown(messages[0]) and copy_text("verdicts", myth.verdict) in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", myth.topic)]


def test_what_a_term_means_asked_as_a_topic_question_gets_the_definition(bot, store: KnowledgeStore):
    entry = store.glossary_entry("endotoxin")
    messages, _ = run(ActionAnswerTopic(), make_tracker("what does endotoxin mean?", "ask_topic"))
    assert entry.definition in shown(messages[0])


def test_asking_what_a_term_means_gets_the_definition_even_when_a_myth_shares_its_words(bot, store: KnowledgeStore):
    text = "what does gut-brain-skin axis mean?"
    entry = store.glossary_entry(text)
    assert entry is not None and entry.definition and store.find_myth(text) is not None
    messages, _ = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert entry.definition in shown(messages[0]) and "Myth check" not in shown(messages[0])


def test_medical_advice_about_a_known_myth_refuses_and_corrects(bot, store: KnowledgeStore):
    text = "should i delay peanut because my baby has eczema"
    myth = store.find_myth(text)
    messages, events = run(ActionMedicalAdvice(), make_tracker(text, "medical_advice"))
    assert myth is not None and myth.correction in shown(messages[0])
    assert "doctor" in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", myth.topic)]


def test_personal_advice_on_a_known_myth_is_refused_then_corrected(bot, store: KnowledgeStore):
    text = "should i avoid peanut because my baby has eczema"
    myth = store.find_myth(text)
    messages, events = run(ActionMedicalAdvice(), make_tracker(text, "medical_advice"))
    assert myth is not None and messages[0]["response"] == "utter_advice_refused_myth"
    assert shown(messages[0]).startswith(REFUSAL) and myth.correction in shown(messages[0])
    assert payloads(messages[0]) == [replies.intent_payload("ask_topic", topic=myth.topic), "/sources"]
    assert dialogue(events) == [SlotSet("topic", myth.topic)]


def test_follow_up_during_the_tour_offers_the_next_step(bot, store: KnowledgeStore):
    messages, _ = run(
        ActionMoreDetail(),
        make_tracker("tell me more", "more_detail", slots={"topic": "gut_skin_axis", "tour_step": 0}),
    )
    assert payloads(messages[0])[0] == "/tour_next"
    messages, _ = run(ActionMoreDetail(), make_tracker("tell me more", "more_detail", slots={"topic": "gut_skin_axis"}))
    assert "/tour_next" not in payloads(messages[0])


def test_fallback_answers_a_topic_the_message_clearly_names(bot, store: KnowledgeStore, curation: CurationStore):
    messages, events = run(ActionSearchFallback(), make_tracker("hmm standard care then", "nlu_fallback"))
    assert store.topic("standard_care").title in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", "standard_care")]
    assert curation.frequent_unanswered() == []


# -- understanding: one analysis per turn --------------------------------------------------------------------


def test_a_general_question_naming_my_son_is_answered_not_refused(bot, store: KnowledgeStore):
    text = "my son has eczema, what do probiotics actually do in the gut?"
    messages, events = run(ActionMedicalAdvice(), make_tracker(text, "medical_advice"))
    assert not shown(messages[0]).startswith(REFUSAL)
    assert events and events[0]["value"] in ("probiotics", "probiotics_treatment")


@pytest.mark.parametrize(
    "text",
    [
        "which probiotic brand should I buy for my daughter",
        "how much fibre should my 3 year old eat a day",
        "can I stop his steroid cream",
        "does my son have a leaky gut",
    ],
)
def test_personal_advice_is_still_refused(bot, text: str):
    messages, _ = run(ActionMedicalAdvice(), make_tracker(text, "medical_advice"))
    assert shown(messages[0]).startswith(REFUSAL)


def test_a_myth_about_another_topic_does_not_answer_a_plain_question(bot, store: KnowledgeStore):
    # word overlap with "Prebiotics will clear up eczema I already have" once answered this with that myth
    messages, events = run(ActionAnswerTopic(), make_tracker("can FMT treat eczema", "ask_topic"))
    # the FMT card, or FMT's own answer on whether it can cure eczema (found by meaning): never a myth check
    fmt_answers = {f"**{a.question}**" for a in store.answers_of("fmt")}
    opening = shown(messages[0]).split("\n")[0]
    assert opening == f"**{store.topic('fmt').title}**" or opening in fmt_answers, opening
    assert SlotSet("topic", "fmt") in dialogue(events)


def test_a_second_question_in_a_letter_is_offered_as_a_button(bot, store: KnowledgeStore):
    text = (
        "Our daughter is 2 and her eczema is worse since we stopped formula. "
        "Could it be her diet, and would probiotics help her skin?"
    )
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    answered = events[0]["value"]
    also = [p for p in payloads(messages[0]) if p.startswith("/ask_topic")]
    assert also and answered not in also[0]
    assert "You also asked about" in shown(messages[0])


def test_two_equally_likely_topics_are_asked_about(bot, store: KnowledgeStore, monkeypatch: pytest.MonkeyPatch):
    tracker = make_tracker("bugs?", "ask_topic")
    tracker.latest_message["topics"] = {
        "ranking": [{"name": "gut_microbiota", "confidence": 0.4}, {"name": "skin_microbiome", "confidence": 0.35}],
        "none": 0.1,
        "focus": None,
        "also": None,
        "named": [],
    }
    messages, events = run(ActionAnswerTopic(), tracker)
    assert shown(messages[0]) == render(
        "utter_which_of_two", first=store.topic("gut_microbiota").title, second=store.topic("skin_microbiome").title
    )
    assert len(messages[0]["buttons"]) == 2 and dialogue(events) == []


def test_a_long_message_is_never_answered_with_a_question(bot, store: KnowledgeStore):
    tracker = make_tracker(
        "We have tried everything for his skin. My mother swears by bugs. Do bugs matter?", "ask_topic"
    )
    tracker.latest_message["topics"] = {
        "ranking": [{"name": "gut_microbiota", "confidence": 0.4}, {"name": "skin_microbiome", "confidence": 0.35}],
        "none": 0.1,
        "focus": "Do bugs matter?",
        "also": None,
        "named": [],
    }
    messages, events = run(ActionAnswerTopic(), tracker)
    assert not shown(messages[0]).startswith("Do you mean") and dialogue(events) == [SlotSet("topic", "gut_microbiota")]


def test_adults_get_the_adults_note(bot, store: KnowledgeStore):
    messages, events = run(
        ActionAdults(), make_tracker("and for adults? I have eczema too", "ask_adults", slots={"topic": "scfa"})
    )
    assert store.topic("scfa").adults_note in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", "scfa")]


def test_adults_without_a_note(monkeypatch, fixture_db_url: str, curation_url: str):
    _use_databases(monkeypatch, fixture_db_url, curation_url)
    try:
        fixture = KnowledgeStore(fixture_db_url)
        topic = fixture.topic("skin")
        assert topic.adults_note is None
        messages, events = run(ActionAdults(), make_tracker("adults?", "ask_adults", slots={"topic": "skin"}))
    finally:
        _release_services()
    assert messages[0]["response"] == "utter_adults_no_note"
    assert topic.title in shown(messages[0]) and topic.evidence_summary in shown(messages[0])
    assert dialogue(events) == [SlotSet("topic", "skin")]


def test_what_to_do_stays_on_the_topic_and_gives_no_advice(bot, store: KnowledgeStore):
    messages, events = run(
        ActionWhatToDo(), make_tracker("what should I do then?", "ask_what_to_do", slots={"topic": "butyrate"})
    )
    assert store.topic("butyrate").evidence_summary in shown(messages[0])
    assert "can't tell you what to do" in shown(messages[0]) and not DOSE.search(shown(messages[0]))
    assert dialogue(events) == [SlotSet("topic", "butyrate")]


def test_a_follow_up_keeps_the_topic_unless_it_names_another(bot, store: KnowledgeStore):
    _, kept = run(ActionMoreDetail(), make_tracker("why?", "more_detail", slots={"topic": "scfa"}))
    _, moved = run(
        ActionMoreDetail(), make_tracker("tell me more about butyrate", "more_detail", slots={"topic": "scfa"})
    )
    assert without_detail_depth(dialogue(kept)) == [SlotSet("topic", "scfa")]
    assert without_detail_depth(dialogue(moved)) == [SlotSet("topic", "butyrate")]


def test_a_typed_quiz_letter_is_read_without_an_entity(bot, store: KnowledgeStore):
    ids, slots = quiz_state(store)
    question = {q.id: q for q in store.quiz_questions()}[ids[0]]
    messages, events = run(
        ActionQuizAnswer(), make_tracker(f"i think it's {question.answer}", "quiz_answer", slots=slots)
    )
    assert shown(messages[0]).startswith("Right!")


def test_a_long_follow_up_with_nothing_to_follow_is_recorded_for_curators(bot, curation: CurationStore):
    text = "does that apply to zorbulent frimble in adults"
    run(ActionAdults(), make_tracker(text, "ask_adults"))
    run(ActionMoreDetail(), make_tracker("tell me more", "more_detail"))
    recorded = dict(curation.frequent_unanswered(100))
    assert text in recorded and "tell me more" not in recorded


# -- fixed copy lives in the domain --------------------------------------------------------------------------

ACTIONS_DIR = ROOT / "actions"


def test_every_response_an_action_sends_is_in_the_domain():
    quoted = re.compile(r"[\"'](utter_\w+)[\"']")
    named = {name for path in ACTIONS_DIR.glob("*.py") for name in quoted.findall(path.read_text())}
    assert len(named) > 30 and named <= set(DOMAIN["responses"]), sorted(named - set(DOMAIN["responses"]))


def test_shared_copy_is_written_once_as_a_response_not_a_slot():
    # copy kept in slots would be stored in every tracker and writable through the HTTP API's events
    assert not [name for name, slot in DOMAIN["slots"].items() if "initial_value" in slot]
    refusal = render("utter_advice_refused")
    assert (ROOT / "domain.yml").read_text(encoding="utf-8").count(refusal) == 1
    users = [name for name, items in DOMAIN["responses"].items() if "{advice_refusal}" in items[0]["text"]]
    assert sorted(users) == ["utter_advice_refused_myth", "utter_advice_refused_topic"]
    blurb = render("utter_what_i_cover")
    users = [name for name, items in DOMAIN["responses"].items() if "{what_i_cover}" in items[0]["text"]]
    assert sorted(users) == ["utter_dont_know", "utter_out_of_scope", "utter_topic_menu", "utter_welcome"]
    assert (ROOT / "domain.yml").read_text(encoding="utf-8").count(blurb) == 1
    assert not [p.name for p in ACTIONS_DIR.glob("*.py") if "short-chain fatty acids" in p.read_text()]


@pytest.mark.parametrize(
    "action, tracker, response",
    [
        (ActionTopicMenu(), make_tracker("help", "help"), "utter_topic_menu"),
        (ActionSearchFallback(), make_tracker("xyzzy plugh", "nlu_fallback"), "utter_dont_know"),
        (ActionOutOfScope(), make_tracker("book me a haircut", "out_of_scope"), "utter_out_of_scope"),
        (ActionWelcome(), make_tracker("hi", "greet", slots={"welcome_pending": True}), "utter_welcome"),
    ],
    ids=lambda value: value.name() if isinstance(value, Action) else "",
)
def test_the_replies_that_say_what_the_bot_covers(bot, action, tracker, response):
    messages, _ = run(action, tracker)
    assert [m["response"] for m in messages] == [response]
    assert render("utter_what_i_cover") in shown(messages[0])


def rasa_utterances(messages: list[dict]) -> list[tuple[str, list[str]]]:
    """The messages as the Rasa server turns an action server's reply into what the user gets."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker("unit-test-user", domain.slots)
    uttered = asyncio.run(
        RemoteAction._utter_responses(
            json.loads(json.dumps(messages)),
            CollectingOutputChannel(),
            TemplatedNaturalLanguageGenerator(domain.responses),
            tracker,
        )
    )
    return [(event.text, [b["payload"] for b in event.data.get("buttons") or []]) for event in uttered]


def test_rasa_shows_the_responses_as_these_tests_read_them(bot, store: KnowledgeStore):
    ids, slots = quiz_state(store, index=QUIZ_LENGTH - 1, score=0)
    last = {q.id: q for q in store.quiz_questions()}[ids[-1]]
    wrong = next(key for key, _ in last.choices if key != last.answer)
    turns = [
        (ActionSessionStart(), make_tracker("")),
        (ActionTopicMenu(), make_tracker("help", "help")),
        (ActionMenuGroup(), tap(help_message()["buttons"][0])),
        (ActionTourStart(), make_tracker("teach me", "tour_start")),
        (ActionMedicalAdvice(), make_tracker("should i avoid peanut for my baby", "medical_advice")),
        (
            ActionQuizAnswer(),
            make_tracker(
                button_text("quiz_answer", quiz_choice=wrong),
                "quiz_answer",
                [entity("quiz_choice", wrong)],
                slots=slots,
            ),
        ),
    ]
    messages = [m for action, tracker in turns for m in run(action, tracker)[0]]
    assert rasa_utterances(messages) == [(shown(m), payloads(m)) for m in messages]
    assert "{" not in "".join(shown(m) for m in messages)


def test_content_passes_unchanged_through_rasas_response_variables(real_content: Content):
    """Content reaches some replies as a response variable; Rasa's interpolator must not alter it (it gives up
    on a text containing "0[", for one)."""
    texts = [
        t
        for topic in real_content.topics.values()
        for t in (
            topic.title,
            topic.short_answer,
            topic.evidence_summary,
            *(g.definition or "" for g in topic.glossary),
        )
    ]
    texts += [myth.correction for myth in real_content.myths]
    texts += [group.title for group in real_content.menu_groups]  # utter_menu_group's heading
    texts += [t for q in real_content.quiz for t in (q.explanation, *(label for _, label in q.choices))]
    changed = [t[:60] for t in texts if interpolate_text("{value}", {"value": t}) != t]
    assert not changed, changed


# -- counters are integers -----------------------------------------------------------------------------------


def test_counters_are_stored_as_ints(bot, store: KnowledgeStore):
    started = slot_events(run(ActionQuizStart(), make_tracker("quiz me", "quiz_start"))[1])
    ids, slots = quiz_state(store)
    question = {q.id: q for q in store.quiz_questions()}[ids[0]]
    answered = slot_events(answer(question.answer, slots)[1])
    toured = slot_events(run(ActionTourNext(), make_tracker("next", "tour_next", slots={"tour_step": 1}))[1])
    values = [
        started["quiz_index"],
        started["quiz_score"],
        answered["quiz_index"],
        answered["quiz_score"],
        toured["tour_step"],
    ]
    assert values == [0, 0, 1, 1, 2] and all(type(v) is int for v in values)


def test_counters_stored_as_floats_before_are_read_as_ints(bot, store: KnowledgeStore):
    """Conversations saved while the counters were float slots hold 2.0: they carry on with ints."""
    ids, _ = quiz_state(store)
    question = {q.id: q for q in store.quiz_questions()}[ids[1]]
    messages, events = answer(question.answer, {"quiz_questions": ids, "quiz_index": 1.0, "quiz_score": 1.0})
    assert slot_events(events)["quiz_index"] == 2 and slot_events(events)["quiz_score"] == 2
    _, events = run(ActionStop(), make_tracker("stop", "stop", slots={"quiz_questions": ids, "quiz_score": 2.0}))
    _, resumed = run(ActionTourStart(), make_tracker("continue", "tour_start", slots={"tour_step": 2.0}))
    _, carried = run(ActionSessionStart(), make_tracker("", slots={"tour_step": 3.0}))
    assert type(slot_events(resumed)["tour_step"]) is int and type(slot_events(carried)["tour_step"]) is int


def test_the_score_is_shown_as_a_whole_number(bot, store: KnowledgeStore):
    ids, _ = quiz_state(store)
    messages, _ = run(ActionStop(), make_tracker("stop", "stop", slots={"quiz_questions": ids, "quiz_score": 2.0}))
    assert messages[0]["response"] == "utter_quiz_stopped" and type(messages[0]["score"]) is int
    assert shown(messages[0]) == render("utter_quiz_stopped", score=2)


# -- a failed curation write never costs the user the answer -------------------------------------------------


def curated_turns() -> list[tuple[Action, Tracker]]:
    """Turns that write feedback or an unanswered question to the curation database."""
    return [
        (ActionFeedbackPositive(), make_tracker("that helped", "feedback_positive", slots={"topic": "butyrate"})),
        (ActionFeedbackNegative(), make_tracker("not helpful", "feedback_negative", slots={"topic": "fmt"})),
        (ActionAnswerTopic(), make_tracker("what do mast cells have to do with it", "ask_topic")),
        (ActionAnswerTopic(), make_tracker("xyzzy plugh", "ask_topic")),
        (ActionSearchFallback(), make_tracker("something about Mitochondria", "nlu_fallback")),
        (ActionSearchFallback(), make_tracker("E-mail me at Qq.Rr@zz.xx, xyzzy?", "nlu_fallback")),
        (ActionOutOfScope(), make_tracker("Can you book me a haircut?", "out_of_scope")),
        (ActionAdults(), make_tracker("does that apply to zorbulent frimble in adults", "ask_adults")),
    ]


def unwritable_curation_url(tmp_path: Path, how: str) -> str:
    if how == "folder is a file":  # creating the folder fails (OSError)
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("")
        return sqlite_url(blocker / "curation.db")
    folder = tmp_path / "a-folder"  # "database is a folder": SQLite cannot open it (SQLAlchemy OperationalError)
    folder.mkdir()
    return sqlite_url(folder)


def run_with_curation(
    monkeypatch: pytest.MonkeyPatch, knowledge_url: str, curation_url: str, action: Action, tracker: Tracker
) -> tuple[list[dict], list[dict]]:
    _use_databases(monkeypatch, knowledge_url, curation_url)
    try:
        return run(action, tracker)
    finally:
        _release_services()


@pytest.mark.parametrize("how", ["folder is a file", "database is a folder"])
@pytest.mark.parametrize(
    "turn", range(len(curated_turns())), ids=[f"{a.name()}-{t.latest_message['text'][:20]}" for a, t in curated_turns()]
)
def test_a_failed_curation_write_still_gives_the_same_answer(
    monkeypatch, tmp_path: Path, real_db_url: str, caplog: pytest.LogCaptureFixture, turn: int, how: str
):
    action, tracker = curated_turns()[turn]
    working = sqlite_url(tmp_path / "curation.db")
    expected = run_with_curation(monkeypatch, real_db_url, working, action, tracker)
    reader = CurationStore(working)
    try:
        assert reader.feedback_summary() or reader.frequent_unanswered(), "the turn must write to the curators"
    finally:
        reader.dispose()

    with caplog.at_level(logging.WARNING, logger="actions.services"):
        got = run_with_curation(monkeypatch, real_db_url, unwritable_curation_url(tmp_path, how), action, tracker)
    assert got == expected
    assert [r.levelno for r in caplog.records if r.name == "actions.services"] == [logging.WARNING]


@pytest.mark.parametrize("action_class", [*FOLLOW_UPS, ActionAdults, ActionWhatToDo])
def test_during_the_tour_every_follow_up_offers_next_and_stop(bot, action_class):
    slots = {"topic": "gut_microbiota", "tour_step": 2}
    messages, _ = run(action_class(), make_tracker("tell me more", "more_detail", slots=slots))
    buttons = payloads(messages[-1])
    assert buttons[0] == "/tour_next" and buttons[-1] == "/stop"
    assert buttons.count("/tour_next") == 1 and buttons.count("/stop") == 1


def test_the_evidence_design_ranks_follow_the_evidence_hierarchy():
    from knowledge.evidence import design_rank

    designs = [
        "GRADE guideline based on systematic review of RCTs",
        "Cochrane systematic review of randomised controlled trials",
        "double-blind placebo-controlled RCT",
        "prospective birth cohort (qPCR of stool at 1 month)",
        "narrative review",
        "experimental (mice)",
        "something nobody has written yet",
        "patient-information page",
    ]
    assert [design_rank(d) for d in designs] == sorted(design_rank(d) for d in designs)
    assert len({design_rank(d) for d in designs}) == len(designs)


# -- specific answers, repetition and repair (issue 22) -----------------------------------------------------------

from actions.repair_actions import ActionPrivacy, ActionRepair, ActionWhy  # noqa: E402


def said(events: list[dict]) -> list[str]:
    return next((e["value"] for e in events if e.get("event") == "slot" and e.get("name") == "said"), [])


@pytest.mark.parametrize(
    ("text", "answer_id"),
    [
        ("should i give her egg or not", "egg_for_baby_with_eczema"),
        ("is it safe to stop steroid cream suddenly?", "stop_steroid_cream_suddenly"),
        ("are microbiome stool tests worth it", "microbiome_stool_tests_worth_it"),
        ("whats the diffrence between prebiotics, probiotics, synbiotics and postbiotics", None),
    ],
)
def test_a_specific_question_gets_its_specific_answer(bot, store: KnowledgeStore, text: str, answer_id: str | None):
    answer_id = answer_id or "prebiotics_probiotics_synbiotics_postbiotics_difference"
    answer = store.answer(answer_id)
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert shown(messages[0]).startswith(f"**{answer.question}**")
    assert answer.answer in shown(messages[0])
    assert all(store.sources((s,))[0].reference() in shown(messages[0]) for s in answer.sources)
    assert dialogue(events) == [SlotSet("topic", answer.topic)]
    assert said(events) == [f"answer:{answer_id}"]
    assert "/ask_why" in payloads(messages[0])  # the answer has a reason written for "why?"


def test_a_general_question_gets_the_topic_card(bot, store: KnowledgeStore):
    messages, events = run(ActionAnswerTopic(), make_tracker("what are probiotics", "ask_topic"))
    assert shown(messages[0]).startswith(f"**{store.topic('probiotics').title}**")
    assert said(events) == ["topic:probiotics"]


def test_a_specific_answer_is_not_given_twice(bot, store: KnowledgeStore):
    text = "is it safe to stop steroid cream suddenly?"
    first, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    again, _ = run(
        ActionAnswerTopic(), make_tracker(text, "ask_topic", slots={"said": said(events), "topic": "steroid_worries"})
    )
    assert shown(again[0]) != shown(first[0])


def test_a_topic_asked_for_again_goes_one_level_deeper(bot, store: KnowledgeStore):
    slots = {"said": ["topic:butyrate"], "topic": "butyrate"}
    messages, events = run(ActionAnswerTopic(), make_tracker("what is butyrate", "ask_topic", slots=slots))
    assert store.topic("butyrate").detailed_answer in shown(messages[0])
    assert SlotSet("detail_depth", {"topic": "butyrate", "level": 0}) in events


def test_a_specific_answer_button_gets_that_answer(bot, store: KnowledgeStore):
    answer = store.answer("egg_for_baby_with_eczema")
    tracker = make_tracker(
        button_text("ask_topic", answer=answer.id), "ask_topic", entities=[entity("answer", answer.id)]
    )
    messages, _ = run(ActionAnswerTopic(), tracker)
    assert shown(messages[0]).startswith(f"**{answer.question}**")


def test_a_correction_with_a_new_question_is_answered_after_an_apology(bot, store: KnowledgeStore):
    tracker = make_tracker(
        "no I meant is it safe to take them while pregnant", "correction", slots={"topic": "probiotics"}
    )
    messages, events = run(ActionRepair(), tracker)
    assert messages[0]["response"] == "utter_repair"
    answer = store.answer(said(events)[-1].removeprefix("answer:"))
    assert answer is not None and "pregnan" in answer.question.lower()
    assert not any(m.get("response") == "utter_feedback_negative" for m in messages)


def test_that_is_not_what_i_asked_offers_the_other_readings(bot, store: KnowledgeStore):
    _, events = run(ActionAnswerTopic(), make_tracker("does fibre help my sons eczema", "ask_topic"))
    last = next(e["value"] for e in events if e.get("name") == "last_question")
    assert last["others"]  # what else it could have meant
    messages, _ = run(
        ActionRepair(), make_tracker("that's not what i asked", "correction", slots={"last_question": last})
    )
    assert messages[0]["response"] == "utter_repair_choices"
    assert len(messages[0]["buttons"]) == len(last["others"])


def test_a_correction_with_nothing_to_offer_asks_for_other_words(bot):
    messages, events = run(ActionRepair(), make_tracker("that's not what i asked", "correction"))
    assert [m["response"] for m in messages] == ["utter_repair_ask_again"] and dialogue(events) == []


def test_you_repeated_yourself_gets_what_was_not_said_yet(bot, store: KnowledgeStore):
    slots = {"topic": "butyrate", "said": ["topic:butyrate"]}
    messages, _ = run(ActionRepair(), make_tracker("you just repeated yourself", "correction", slots=slots))
    assert messages[0]["response"] == "utter_repair_repeated"
    assert store.topic("butyrate").detailed_answer in shown(messages[1])


def test_why_after_a_specific_answer_gives_its_reason(bot, store: KnowledgeStore):
    answer = store.answer("egg_for_baby_with_eczema")
    slots = {"topic": answer.topic, "last_answer": answer.id}
    messages, _ = run(ActionWhy(), make_tracker("why?", "ask_why", slots=slots))
    assert answer.why in shown(messages[0])


def test_why_after_a_topic_gives_the_detail_then_goes_deeper(bot, store: KnowledgeStore):
    messages, events = run(ActionWhy(), make_tracker("but why", "ask_why", slots={"topic": "leaky_gut"}))
    assert store.topic("leaky_gut").detailed_answer in shown(messages[0])
    depth = next(e["value"] for e in events if e.get("name") == "detail_depth")
    again, _ = run(ActionWhy(), make_tracker("why", "ask_why", slots={"topic": "leaky_gut", "detail_depth": depth}))
    assert store.topic("leaky_gut").evidence_summary in shown(again[0])


def test_why_with_nothing_said_yet(bot):
    messages, _ = run(ActionWhy(), make_tracker("why?", "ask_why"))
    assert messages[0]["response"] == "utter_why_nothing"


def test_a_why_question_of_its_own_opening_a_conversation_is_answered(bot):
    text = "What's eczema herpeticum and why do people say to get seen quickly if you think it's that?"
    messages, _ = run(ActionWhy(), make_tracker(text, "ask_why"))
    assert messages and messages[0].get("response") != "utter_why_nothing"
    offered = " ".join(payloads(messages[0]))
    assert "herpeticum" in shown(messages[0]).lower() or "when_to_see_doctor" in offered or "skin_microbiome" in offered


def test_what_data_do_you_keep_names_the_retention(bot, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CONVERSATION_RETENTION_DAYS", "12")
    monkeypatch.setenv("UNANSWERED_RETENTION_DAYS", "45")
    messages, _ = run(ActionPrivacy(), make_tracker("what data do you keep about me", "privacy"))
    assert "after 12 days" in shown(messages[0]) and "after 45 days" in shown(messages[0])
    assert "/forget" in payloads(messages[0])


def test_a_teenager_asking_about_teenagers_gets_the_teenagers_note(bot, store: KnowledgeStore):
    topic = store.topic("probiotics_treatment")
    messages, events = run(
        ActionChildren(), make_tracker("what about for teenagers?", "ask_children", slots={"topic": topic.slug})
    )
    assert topic.adults_note in shown(messages[0]) and topic.children_note not in shown(messages[0])
    assert SlotSet("audience", "teen") in events


@pytest.mark.parametrize(
    ("text", "audience"),
    [
        ("im 15 not a baby lol", "teen"),
        ("my 7 month old has eczema on her cheeks", "parent"),
        ("I'm 34 and my eczema is worse at work", "adult"),
        ("I am pregnant, can I take probiotics", "pregnant"),
        ("my son is 15, would fish oil help him", "parent"),
    ],
)
def test_who_the_conversation_is_for_is_kept(bot, text: str, audience: str):
    _, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert SlotSet("audience", audience) in events


def test_stopping_a_treatment_is_refused_first_then_answered_in_general(bot, store: KnowledgeStore):
    messages, _ = run(
        ActionMedicalAdvice(), make_tracker("is it safe to stop steroid cream suddenly", "medical_advice")
    )
    assert shown(messages[0]).startswith(REFUSAL)
    assert shown(messages[1]).startswith(f"**{store.answer('stop_steroid_cream_suddenly').question}**")


def test_im_15_not_a_baby_gets_the_same_topic_for_teenagers(bot, store: KnowledgeStore):
    topic = store.topic("probiotics_treatment")
    slots = {"topic": topic.slug}
    messages, events = run(ActionRepair(), make_tracker("im 15 not a baby lol", "correction", slots=slots))
    assert messages[0]["response"] == "utter_repair"
    assert topic.adults_note in shown(messages[1])
    assert SlotSet("audience", "teen") in events


def test_a_long_letter_that_names_no_topic_clearly_is_answered_not_asked_about(bot, store: KnowledgeStore):
    tracker = make_tracker(
        "My little boy is three and has had rough red patches behind his knees since the summer. We have tried "
        "lots of things from the chemist and nothing seems to last. What else is there?",
        "ask_topic",
    )
    tracker.latest_message["topics"] = {
        "ranking": [{"name": "standard_care", "confidence": 0.2}, {"name": "natural_remedies", "confidence": 0.15}],
        "none": 0.3,
        "focus": "What else is there?",
        "also": None,
        "named": [],
    }
    messages, events = run(ActionAnswerTopic(), tracker)
    assert messages[0].get("response") != "utter_did_you_mean"
    assert dialogue(events) == [SlotSet("topic", "standard_care")]


def test_a_parent_of_a_baby_with_eczema_gets_treatment_not_prevention_trials(bot, store: KnowledgeStore):
    text = "should I be moisturising her cheeks every day?"
    prevention, _ = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    slots = {"situation": "has_eczema", "audience": "parent"}
    treatment, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic", slots=slots))
    assert store.topic("emollients_prevention").short_answer not in shown(treatment[0])
    assert dialogue(events)[0]["value"] not in ("emollients_prevention", "probiotics_prevention")
    asked_prevention, _ = run(
        ActionAnswerTopic(), make_tracker("does moisturising every day prevent eczema", "ask_topic", slots=slots)
    )
    assert "prevent" in shown(asked_prevention[0]).lower()


def test_saying_the_child_has_eczema_is_kept(bot):
    _, events = run(ActionAnswerTopic(), make_tracker("my 7 month old has eczema on her cheeks", "ask_topic"))
    assert SlotSet("situation", "has_eczema") in events


def test_a_question_read_as_goodbye_is_answered(bot, store: KnowledgeStore):
    from actions.repair_actions import ActionGoodbye

    answered, events = run(ActionGoodbye(), make_tracker("will i grow out of it", "goodbye"))
    assert answered[0].get("response") != "utter_goodbye" and dialogue(events)
    bye, events = run(ActionGoodbye(), make_tracker("ok bye", "goodbye"))
    assert [m["response"] for m in bye] == ["utter_goodbye"] and dialogue(events) == []


def test_sources_about_the_topic_come_before_stronger_general_ones(store: KnowledgeStore):
    """NICE's 2007 guideline on eczema care is the strongest design cited on the butyrate and immune cards, but
    says nothing direct about either: a source whose title names the topic comes first."""
    from knowledge.evidence import most_relevant_first, strongest_first

    for slug in ("butyrate", "immune_regulation"):
        topic = store.topic(slug)
        sources = store.sources(topic.sources)
        assert strongest_first(sources)[0].id == "nice_cg57_stepped_care", "the case this ranking is for"
        ranked = most_relevant_first(sources, topic)
        assert ranked[0].id != "nice_cg57_stepped_care"
        assert sorted(s.id for s in ranked) == sorted(s.id for s in sources)
    butyrate = most_relevant_first(store.sources(store.topic("butyrate").sources), store.topic("butyrate"))
    assert "butyrate" in butyrate[0].title.lower()


def test_a_content_question_read_as_asking_for_a_person_is_answered(bot, store: KnowledgeStore):
    from actions.repair_actions import ActionHumanHelp

    answered, _ = run(ActionHumanHelp(), make_tracker("how do wet wraps help the itch of eczema?", "human_help"))
    assert answered and answered[0].get("response") != "utter_human_help"
    people, _ = run(ActionHumanHelp(), make_tracker("can I talk to a nurse about my son's eczema?", "human_help"))
    assert [m.get("response") for m in people] == ["utter_human_help"]
    plain, _ = run(ActionHumanHelp(), make_tracker("get me a human please", "human_help"))
    assert [m.get("response") for m in plain] == ["utter_human_help"]
    for text in ("who can i ask for help with eczema", "is there an eczema support group"):
        help_, _ = run(ActionHumanHelp(), make_tracker(text, "human_help"))
        assert [m.get("response") for m in help_] == ["utter_human_help"], text
    vague, _ = run(ActionHumanHelp(), make_tracker("Is there anything I can do to make eczema go away?", "human_help"))
    assert vague and vague[0].get("response") != "utter_human_help"


def test_a_question_from_someone_feeling_low_gets_one_sentence_then_its_answer(bot, store: KnowledgeStore):
    text = "I'm 21 and eczema on my hands is killing my confidence and making me depressed. Could my gut be the cause?"
    messages, _ = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert messages[0].get("response") == "utter_mood_aside" and len(messages) >= 2
    assert messages[1].get("response") != "utter_mood_aside"
    calm, _ = run(ActionAnswerTopic(), make_tracker("could my gut be the cause of my eczema?", "ask_topic"))
    assert "utter_mood_aside" not in [m.get("response") for m in calm]


@pytest.mark.parametrize("intent", ["out_of_scope", "ask_children", "nlu_fallback"])
def test_a_question_about_urgent_signs_gets_the_urgent_signs_answer_whatever_the_intent(bot, store, intent):
    """The safety net marks urgent signs named but not happening now (`urgent_signs`): the question is answered
    from the urgent-signs answers, not with "that's not something I cover" or a question back."""
    action = {"out_of_scope": ActionOutOfScope(), "ask_children": ActionChildren()}.get(intent, ActionSearchFallback())
    tracker = make_tracker("explain the glass test for rashes pls", intent, [entity("urgent_signs", "named")])
    messages, events = run(action, tracker)
    assert len(messages) == 1
    answer = store.answer("signs_glass_test")
    assert answer.answer in shown(messages[0])
    assert SlotSet("topic", "when_to_see_doctor") in dialogue(events)


def test_without_the_urgent_signs_entity_an_out_of_scope_request_is_still_refused(bot, store):
    messages, _ = run(ActionOutOfScope(), make_tracker("write me a python script for my homework", "out_of_scope"))
    assert shown(messages[0]) == render("utter_out_of_scope")


# -- reading by meaning (knowledge/semantic_index.py) ----------------------------------------------------------------


@pytest.mark.parametrize("action", [ActionAnswerTopic(), ActionSearchFallback()])
def test_a_request_about_something_else_is_declined_not_offered_topics(bot, action):
    # nothing in the content comes close in meaning, and no topic is named: not a list of eczema topics
    text = "can you recommend a good hotel near the beach in Lisbon for next summer"
    messages, _ = run(action, make_tracker(text, "ask_topic"))
    assert [m["response"] for m in messages] == ["utter_out_of_scope"]


def test_a_question_taken_for_a_correction_at_the_start_is_answered_without_an_apology(bot):
    # nothing was answered yet: nothing to put right
    text = "can you recommend a good hotel near the beach in Lisbon for next summer"
    messages, _ = run(ActionRepair(), make_tracker(text, "correction"))
    assert "utter_repair" not in [m.get("response") for m in messages]
    assert [m["response"] for m in messages] == ["utter_out_of_scope"]


def test_a_question_the_content_answers_beats_a_myth_it_shares_words_with(bot, store: KnowledgeStore):
    text = "is it safe to use steroid creams during pregnancy"
    assert store.find_myth(text) is not None  # "steroid creams are dangerous" shares its words
    messages, _ = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    answer = store.answer("gap_steroid_cream_pregnancy_breastfeeding")
    assert shown(messages[0]).startswith(f"**{answer.question}**")


def test_i_mean_is_no_request_for_a_definition(bot, store: KnowledgeStore):
    messages, _ = run(
        ActionAnswerTopic(), make_tracker("synbiotics for my son, worth it? for treating it i mean", "ask_topic")
    )
    entry = store.glossary_entry("synbiotic")
    assert entry is not None and not shown(messages[0]).startswith(f"**{entry.term}**")
    messages, _ = run(ActionAnswerTopic(), make_tracker("what does synbiotic mean", "ask_topic"))
    assert shown(messages[0]).startswith(f"**{entry.term}**")


@pytest.mark.parametrize(
    ("text", "answer_id"),
    [
        # a medicine's name on its pack is matched as the medicine
        ("is protopic safe? the leaflet has a cancer warning", "ts_tacrolimus_pimecrolimus_cancer"),
        # the words and the meaning agree on an answer outside the topic the classifier leans to
        ("can i use sunscreen if i have eczema", "sun_and_sunscreen_with_eczema"),
        # a card's example question that an answer of its own now answers
        ("how often shud i bath my eczema baby", "how_often_bath_child_eczema"),
        ("how long do i wait between steroid cream and moisturiser", "emollient_and_steroid_order"),
        # a question sentence that refers back ("how do they work?") is read with the sentence before it
        ("We were told to try wet wraps on my daughter's arms. How do they work?", "itch_wet_wraps_at_home"),
    ],
)
def test_specific_answers_found_by_two_readings(bot, text, answer_id):
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert said(events) == [f"answer:{answer_id}"], shown(messages[-1])[:200]


def test_a_term_asked_about_beyond_its_meaning_is_answered(bot):
    messages, events = run(ActionDefineTerm(), make_tracker("what side effects does dupixent have", "define_term"))
    assert messages[0].get("response") != "utter_definition" and said(events)
    messages, _ = run(ActionDefineTerm(), make_tracker("what is dupilumab?", "define_term"))
    assert messages[0].get("response") == "utter_definition"


@pytest.mark.parametrize(
    "text",
    [
        "my psoriasis cream isnt doing anything, should i ask for methotrexate",
        "low FODMAP diet for IBS what can I eat",
        # eczema named only to set it aside
        "it's psoriasis not eczema, what's the best biologic for psoriasis",
    ],
)
def test_another_condition_is_said_to_be_out_of_scope(bot, text):
    messages, _ = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert [m.get("response") for m in messages] == ["utter_other_condition"]
    # eczema named beside it: answered as an eczema question
    messages, _ = run(ActionAnswerTopic(), make_tracker("can IBS make eczema worse?", "ask_topic"))
    assert messages[0].get("response") != "utter_other_condition"


@pytest.mark.parametrize(
    ("text", "action"),
    [("where does your information come from", ActionSources()), ("how up to date is your info?", ActionOutOfScope())],
)
def test_where_the_answers_come_from(bot, text, action):
    messages, _ = run(action, make_tracker(text, "sources"))
    assert messages[0].get("response") == "utter_where_answers_come_from"


@pytest.mark.parametrize(
    ("text", "answer_id"),
    [
        # two sentences are no long letter: the answer matched on the whole message counts at the usual threshold
        ("Cold windy days make my son's eczema flare. What can we do about it?", "cold_weather_central_heating_eczema"),
        # "doesn't get eczema" asks about prevention: the pregnancy answer, not a treatment one
        (
            "I'm pregnant, would taking probiotics mean my baby doesn't get eczema?",
            "probiotics_in_pregnancy_to_prevent_eczema",
        ),
        # "which one" refers back to the choices named before it
        ("ointment, cream or gel... which one is best for a toddler's eczema", "emollient_which_type_best"),
    ],
)
def test_specific_answers_of_short_letters_and_references(bot, text, answer_id):
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert said(events) == [f"answer:{answer_id}"], shown(messages[-1])[:200]


def test_an_answer_on_eczema_in_general_gives_way_to_the_card_of_the_topic_asked(bot):
    # "for the first time" is in the wordings of the answer on eczema starting in later life; the message is a
    # weaning question, and the weaning topic's own card is closer to it than that answer
    text = "first time giving my baby with eczema some egg, how should i cook it"
    _, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert said(events) and "answer:eczema_in_older_adults" not in said(events)
    assert SlotSet("topic", "weaning_allergy_foods") in dialogue(events)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("should I listen to you or my GP?", "medical_advice"),
        ("who do i trust, my dermatologist or this bot", "ask_topic"),
    ],
)
def test_the_bot_weighed_against_a_clinician_gets_the_bots_description(bot, text, intent):
    messages, _ = run(ActionAnswerTopic(), make_tracker(text, intent))
    assert [m.get("response") for m in messages] == ["utter_bot_challenge"]
    # thanking both is no such question
    messages, _ = run(
        ActionAnswerTopic(), make_tracker("thank you and my gp for all the help with his eczema", "ask_topic")
    )
    assert messages[0].get("response") != "utter_bot_challenge"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("what cream can I put on my dog's sore itchy paws?", "ask_topic"),
        ("our cat keeps licking a bald patch on her leg, is it eczema?", "out_of_scope"),
        # the writer's eczema cream is not the writer's eczema
        ("my dog keeps chewing his paws raw, can i put my eczema cream on him?", "medical_advice"),
    ],
)
def test_an_animals_own_skin_is_a_vets_question(bot, text, intent):
    action = ActionMedicalAdvice() if intent == "medical_advice" else ActionAnswerTopic()
    messages, _ = run(action, make_tracker(text, intent))
    assert [m.get("response") for m in messages] == ["utter_animal_health"]
    # a pet as a trigger of someone's eczema is a question the content answers
    messages, events = run(ActionAnswerTopic(), make_tracker("is our dog making my son's eczema worse?", "ask_topic"))
    assert messages[0].get("response") != "utter_animal_health" and said(events)


def test_a_first_question_about_another_infection_is_declined(bot):
    messages, _ = run(ActionMedicalAdvice(), make_tracker("which antibiotic is best for cystitis?", "medical_advice"))
    assert [m.get("response") for m in messages] == ["utter_other_condition"]


def test_an_unrelated_message_read_as_a_follow_up_is_declined(bot):
    messages, _ = run(
        ActionChildren(), make_tracker("which phone has the best camera for under 500 pounds?", "ask_children")
    )
    assert [m.get("response") for m in messages] == ["utter_out_of_scope"]


@pytest.mark.parametrize(
    ("text", "answer_id"),
    [
        ("is aqueous cream bad for eczema?", "aqueous_cream_for_eczema"),
        # the mother has eczema; "reduce eczema in babies" asks about prevention, not her own treatment
        (
            "I have eczema and I'm 30 weeks pregnant. Do probiotics in pregnancy really reduce eczema in babies?",
            "probiotics_in_pregnancy_to_prevent_eczema",
        ),
    ],
)
def test_answers_added_after_the_set_i_reading(bot, text, answer_id):
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert said(events) == [f"answer:{answer_id}"], shown(messages[-1])[:200]


def test_the_bot_weighed_against_a_clinician_in_a_correction(bot):
    text = "my dermatologist says one thing and you say another, should I trust you over him?"
    messages, _ = run(ActionRepair(), make_tracker(text, "correction"))
    assert [m.get("response") for m in messages] == ["utter_bot_challenge"]


def test_an_unrelated_request_read_as_personal_advice_is_declined(bot):
    messages, _ = run(
        ActionMedicalAdvice(), make_tracker("which tablet computer should I buy for college?", "medical_advice")
    )
    assert [m.get("response") for m in messages] == ["utter_out_of_scope"]


# -- stop 37 ------------------------------------------------------------------------------------------------------


def test_a_myth_about_a_topic_the_message_does_not_name_is_not_read_into_it(bot):
    # "will butyrate cure my eczema" shares "cure" and "eczema" with the question, nothing about butyrate
    messages, events = run(ActionAnswerTopic(), make_tracker("could eczema ever be cured for good", "ask_topic"))
    assert not any(key.startswith("myth:") for key in said(events)), shown(messages[-1])[:200]
    # a myth about the topic the message names is still checked
    messages, events = run(ActionAnswerTopic(), make_tracker("do vaccines cause eczema", "ask_topic"))
    assert said(events) == ["myth:vaccines_cause_eczema"]


def test_a_question_read_as_a_request_for_help_is_answered(bot, store: KnowledgeStore):
    messages, events = run(ActionTopicMenu(), make_tracker("what works best for eczema", "help"))
    assert said(events) and payloads(messages[-1]) != menu_payloads(store), shown(messages[-1])[:200]
    messages, events = run(ActionTopicMenu(), make_tracker("what can you do", "help"))
    assert payloads(messages[-1]) == menu_payloads(store) and not said(events)


def test_a_diagnosis_request_is_refused_then_answered_in_general(bot):
    text = "what kind of eczema do i have if i get little blisters on my fingers"
    messages, events = run(ActionMedicalAdvice(), make_tracker(text, "medical_advice"))
    assert messages[0]["response"] == "utter_advice_refused"
    assert said(events) == ["answer:types_of_eczema"]


def test_a_correction_that_refers_back_stays_on_the_conversations_topic(bot):
    slots = {"topic": "probiotics_treatment", "said": ["topic:probiotics_treatment"]}
    tracker = make_tracker("no I meant could I take them myself, I'm the one with eczema", "correction", slots=slots)
    messages, events = run(ActionRepair(), tracker)
    assert messages[0]["response"] == "utter_repair"
    assert SlotSet("topic", "probiotics_treatment") in events, shown(messages[-1])[:200]


def test_an_answer_for_adults_is_not_given_about_a_child(bot):
    text = "my 4-year-old can't get to sleep because of the itch, what can I do"
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert said(events) and "answer:adult_sleep_and_eczema" not in said(events), shown(messages[-1])[:200]


def test_a_question_after_a_statement_without_a_question_mark_is_answered(bot):
    messages, events = run(
        ActionFeedbackPositive(), make_tracker("i went vegan last month will it help my eczema", "feedback_positive")
    )
    assert said(events) == ["answer:vegan_or_plant_based_diet_eczema"], shown(messages[-1])[:200]


def test_a_dose_of_another_medicine_gets_the_refusal_not_a_plain_decline(bot):
    messages, _ = run(
        ActionOutOfScope(), make_tracker("how many ml of cetirizine should a 6 year old have", "out_of_scope")
    )
    assert [m.get("response") for m in messages] == ["utter_advice_refused"]


def test_no_same_day_answer_by_meaning_alone_for_a_question_about_no_doctor(bot):
    text = "we're going on holiday to spain, any tips for my son's eczema in the heat"
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    shown_keys = said(events)
    assert shown_keys and not any(key.startswith("answer:doctor_") for key in shown_keys), shown(messages[-1])[:200]


# -- stop 38 ------------------------------------------------------------------------------------------------------


def test_a_figure_of_speech_about_a_symptom_is_answered_not_declined(bot):
    messages, events = run(ActionOutOfScope(), make_tracker("this itch is killing me lol", "out_of_scope"))
    assert said(events) and all("itch" in key for key in said(events)), shown(messages[-1])[:200]
    # a message with no symptom the content covers is still declined
    messages, _ = run(ActionOutOfScope(), make_tracker("this traffic is killing me lol", "out_of_scope"))
    assert [m.get("response") for m in messages] == ["utter_out_of_scope"]


def test_a_letter_nothing_places_gets_the_closest_answer_not_a_menu(bot):
    text = "driving test on friday and my fingers are split so badly I can barely grip the wheel. what can I do"
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert messages[0].get("response") == "utter_closest_answer", shown(messages[0])[:200]
    assert said(events) == ["answer:gap_hand_eczema_care"], shown(messages[-1])[:200]


def test_a_pregnant_writers_own_cream_is_not_answered_as_a_childs(bot):
    # a pregnant writer's own cream is not answered with the answer on creams for babies
    text = "I'm 20 weeks pregnant and my eczema is bad on my arms. Is my steroid cream safe for the baby?"
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert "answer:ts_steroid_cream_babies_children" not in said(events), shown(messages[-1])[:200]


def test_an_answer_near_certain_in_meaning_beats_shared_words(bot):
    # "many" and "eczema" are shared with "how many days of steroid cream"; the meaning is the babies answer
    messages, events = run(ActionAnswerTopic(), make_tracker("how come so many babies end up with eczema", "ask_topic"))
    assert said(events) == ["answer:why_so_many_babies_get_eczema"], shown(messages[-1])[:200]


def test_a_writers_own_skin_is_not_answered_with_a_childs(bot):
    text = "its 3am and ive scratched my legs raw again, how do i stop scratching in my sleep"
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert "answer:stop_scratching_at_night" not in said(events), shown(messages[-1])[:200]
    messages, events = run(ActionAnswerTopic(), make_tracker("how do i stop my son scratching at night", "ask_topic"))
    assert said(events) == ["answer:stop_scratching_at_night"], shown(messages[-1])[:200]


# -- stop 39 ------------------------------------------------------------------------------------------------------


def test_answers_the_words_cannot_tell_apart_are_told_apart_by_meaning(bot):
    # the withdrawal answer and the side-effects answer share as many words with it; it asks about safety
    text = (
        "scared of steroid creams for my son because i keep reading about topical steroid withdrawal online. are "
        "they actually safe if used properly?"
    )
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert said(events) == ["answer:gap_steroid_cream_side_effects"], shown(messages[-1])[:200]


def test_a_question_found_word_for_word_is_not_read_again_by_meaning(bot, store, monkeypatch):
    # the meaning reading costs an encoder pass; a topic's own example question needs none
    calls: list[str] = []
    original = KnowledgeStore.find_by_meaning

    def counted(self: KnowledgeStore, text: str, limit: int = 3):
        calls.append(text)
        return original(self, text, limit)

    monkeypatch.setattr(KnowledgeStore, "find_by_meaning", counted)
    example = store.topic("butyrate").examples[0]
    messages, events = run(ActionAnswerTopic(), make_tracker(example, "ask_topic"))
    assert said(events) == ["topic:butyrate"], shown(messages[-1])[:200]
    assert calls == []


def test_an_answer_first_in_both_readings_is_given_though_each_is_unsure(bot):
    # by words 0.4 and by meaning 0.6 to the shaving answer, and nothing else near in either
    text = "19 and every time i shave my chin it goes bumpy and sore. should i switch to an electric razor?"
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert said(events) == ["answer:shaving_with_eczema"], shown(messages[-1])[:200]


def test_a_parents_own_skin_gets_an_answer_written_for_adults(bot):
    text = (
        "feeding my 3 month old myself and I've got eczema on my nipple, it cracks when he feeds. what can I put on it?"
    )
    messages, events = run(ActionAnswerTopic(), make_tracker(text, "ask_topic"))
    assert said(events) == ["answer:nipple_breast_eczema_breastfeeding"], shown(messages[-1])[:200]
