"""Answers from the knowledge store: a topic, then follow-ups on the current topic."""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import replies, services
from actions.base import KnowledgeAction, topic_slot
from actions.knowledge.content import BACKGROUND_TOPIC
from actions.knowledge.store import GlossaryEntry, MythView, TopicView

# A message this close to a myth's wording is answered as that myth whatever the intent.
STRONG_MYTH_SIMILARITY = 0.5
DEFINITION_CUES = re.compile(r"\b(mean|means|meaning|stand for|stands for|define|definition)\b", re.IGNORECASE)
VERDICT_WORDS = {"false": "Not true.", "unproven": "Not proven.", "partly true": "Partly true, but misleading."}


def offer_search_results(dispatcher: CollectingDispatcher, action: KnowledgeAction, text: str) -> bool:
    """Offer the best full-text matches as buttons; False when nothing matched."""
    hits = action.store().search(text, limit=3) if text else []
    if not hits:
        return False
    dispatcher.utter_message(text="I'm not completely sure what you mean. Did you mean one of these?",
                             buttons=[replies.topic_button(h.slug, h.title) for h in hits])
    return True


class QuestionAction(KnowledgeAction, ABC):
    """Answers a question in the form the content fits best, whichever of the close intents NLU chose:
    a myth check when the message states a known myth, a definition when it asks what a term means,
    otherwise the topic it is about."""

    def answer_question(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        answered = self.answer_myth_or_definition(dispatcher, self.user_text(tracker))
        return self.answer_topic(dispatcher, tracker) if answered is None else answered

    def answer_myth_or_definition(self, dispatcher: CollectingDispatcher, text: str) -> list[EventType] | None:
        """A myth the message states, or the definition it asks for; None when neither fits."""
        if not text:
            return None
        myth = self.store().find_myth(text, min_similarity=STRONG_MYTH_SIMILARITY)
        if myth is not None:
            return self.answer_myth(dispatcher, myth)
        entry = self.store().glossary_entry(text) if DEFINITION_CUES.search(text) else None
        if entry is not None and entry.definition:
            return self.answer_definition(dispatcher, entry)
        return None

    def answer_topic(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        slug = self.topic_named_in_message(tracker)
        text = self.user_text(tracker)
        if slug is not None and text:
            # a glossary term is named: rank what the message is about (keep the NLU entity if nothing ranks)
            slug = next(iter(self.store().find_topics(text)), slug)
        if slug is None:
            if text:
                services.curation().record_unanswered(text)
            if not offer_search_results(dispatcher, self, text):
                self.load_topic(dispatcher, None)
            return []
        topic = self.load_topic(dispatcher, slug)
        if topic is None:
            return []
        dispatcher.utter_message(text=replies.topic_text(topic), buttons=replies.follow_up_buttons())
        return topic_slot(topic.slug)

    def answer_definition(self, dispatcher: CollectingDispatcher, entry: GlossaryEntry) -> list[EventType]:
        dispatcher.utter_message(
            text=f"**{entry.term}**: {entry.definition}\n\nIt is explained in the topic *{entry.topic_title}*.",
            buttons=[replies.topic_button(entry.topic_slug, f"Open: {entry.topic_title}")])
        return topic_slot(entry.topic_slug)

    def answer_myth(self, dispatcher: CollectingDispatcher, myth: MythView) -> list[EventType]:
        topic = self.store().topic(myth.topic_slug)
        citations = "\n".join(replies.source_line(s) for s in myth.sources)
        dispatcher.utter_message(
            text=f"**Myth check: \"{myth.claim.rstrip('.')}\"**\n\n{VERDICT_WORDS[myth.verdict]} "
                 f"{myth.correction}\n\n**Sources**\n{citations}",
            buttons=[replies.topic_button(myth.topic_slug, f"Learn about {topic.title}")])
        return topic_slot(myth.topic_slug)


class ActionAnswerTopic(QuestionAction):
    def name(self) -> str:
        return "action_answer_topic"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return self.answer_question(dispatcher, tracker)


class FollowUpAction(QuestionAction, ABC):
    """A follow-up on the conversation's topic (or on a topic the message names): more detail, simpler,
    sources, related topics, evidence, children. During the guided tour a "Next step" button is added."""

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if not tracker.get_slot("topic"):  # no conversation topic: the message may state a myth on its own
            answered = self.answer_myth_or_definition(dispatcher, self.user_text(tracker))
            if answered is not None:
                return answered
        topic = self.load_topic(dispatcher, self.current_topic(tracker))
        if topic is None:
            return []
        text, buttons = self.reply(topic)
        if tracker.get_slot("tour_step") is not None:
            buttons = [replies.button("Next step", "tour_next"), *buttons]
        dispatcher.utter_message(text=text, buttons=buttons)
        return topic_slot(topic.slug)

    @abstractmethod
    def reply(self, topic: TopicView) -> tuple[str, list[replies.Button]]:
        """The text and buttons of this follow-up."""


class ActionMoreDetail(FollowUpAction):
    def name(self) -> str:
        return "action_more_detail"

    def reply(self, topic: TopicView) -> tuple[str, list[replies.Button]]:
        return replies.detail_text(topic), replies.follow_up_buttons()


class ActionSimpler(FollowUpAction):
    def name(self) -> str:
        return "action_simpler"

    def reply(self, topic: TopicView) -> tuple[str, list[replies.Button]]:
        return replies.simple_text(topic), replies.follow_up_buttons()


class ActionSources(FollowUpAction):
    def name(self) -> str:
        return "action_sources"

    def reply(self, topic: TopicView) -> tuple[str, list[replies.Button]]:
        return (replies.sources_text(topic.title, topic.sources),
                [replies.button("Tell me more", "more_detail"), replies.button("Related topics", "related_topics")])


class ActionRelatedTopics(FollowUpAction):
    def name(self) -> str:
        return "action_related_topics"

    def reply(self, topic: TopicView) -> tuple[str, list[replies.Button]]:
        return f"Topics related to {topic.title}:", [replies.topic_button(s, t) for s, t in topic.related]


class ActionEvidence(FollowUpAction):
    """'Does it work for eczema?': how strong the evidence on the current topic is."""

    def name(self) -> str:
        return "action_evidence"

    def reply(self, topic: TopicView) -> tuple[str, list[replies.Button]]:
        return (f"**{topic.title}: what the evidence shows**\n\n{topic.evidence_summary}\n\n"
                f"Strength of evidence: {topic.evidence_level}.",
                [replies.button("Sources", "sources"), replies.button("Tell me more", "more_detail")])


class ActionChildren(FollowUpAction):
    """'What about in babies?': what is known for babies and children on the current topic."""

    def name(self) -> str:
        return "action_children"

    def reply(self, topic: TopicView) -> tuple[str, list[replies.Button]]:
        if topic.children_note:
            text = f"**{topic.title} in babies and children**\n\n{topic.children_note}"
        else:
            text = (f"My notes on {topic.title} say nothing specific about babies or children. "
                    "These topics cover early life:")
        return text, [replies.topic_button("early_life", "Early life"),
                      replies.topic_button("probiotics_prevention", "Probiotics to prevent eczema")]


class ActionDefineTerm(QuestionAction):
    """A term on its own ('what does LPS mean'): its definition and the topic that explains it."""

    def name(self) -> str:
        return "action_define_term"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        entry = self.store().glossary_entry(self.user_text(tracker))
        if entry is None or not entry.definition:
            return self.answer_question(dispatcher, tracker)
        return self.answer_definition(dispatcher, entry)


class ActionCheckMyth(QuestionAction):
    """'Is it true that ...?': the matching myth with its correction and sources."""

    def name(self) -> str:
        return "action_check_myth"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        myth = self.store().find_myth(self.user_text(tracker))
        if myth is None:
            return self.answer_question(dispatcher, tracker)
        return self.answer_myth(dispatcher, myth)


class ActionTopicMenu(KnowledgeAction):
    def name(self) -> str:
        return "action_topic_menu"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(
            text="I explain what research says about the gut-skin axis in eczema, in plain words and with sources. "
                 "Ask me a question in your own words, say \"teach me from the start\" for a guided tour, "
                 "or \"quiz me\" to test yourself. Or pick a topic:",
            buttons=replies.menu_buttons(self.store().topics()))
        return []


class ActionSearchFallback(QuestionAction):
    """NLU is unsure: a myth or definition the message clearly asks about, or the topic it clearly names,
    else the best search matches, else say so; unanswered questions are recorded for curators."""

    def name(self) -> str:
        return "action_search_fallback"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = self.user_text(tracker)
        answered = self.answer_myth_or_definition(dispatcher, text)
        if answered is not None:
            return answered
        named = self.store().match_topics(text) if text else []
        if named and named[0] != BACKGROUND_TOPIC:  # unsure of the intent, sure of the subject: answer it
            return self.answer_topic(dispatcher, tracker)
        if text:
            services.curation().record_unanswered(text)
        if offer_search_results(dispatcher, self, text):
            return []
        dispatcher.utter_message(
            text="Sorry, I don't know about that. I can explain the gut-skin axis in eczema: gut bacteria, "
                 "leaky gut, short-chain fatty acids, fibre, prebiotics, probiotics and new research. "
                 "Type \"help\" to see all topics.")
        return []


class ActionOutOfScope(KnowledgeAction):
    """Outside the bot's scope: say what it can help with, and keep the question for curators."""

    def name(self) -> str:
        return "action_out_of_scope"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_out_of_scope")
        text = self.user_text(tracker)
        if text:
            services.curation().record_unanswered(text)
        return []
