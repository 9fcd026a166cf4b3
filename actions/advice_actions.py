"""Requests for personal medical advice: a kind refusal, general information, and who to ask instead."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.base import KnowledgeAction, topic_slot
from actions.topic_actions import STRONG_MYTH_SIMILARITY

REFUSAL = ("I can't give personal medical advice: I can't suggest doses or products, diagnose, or tell you to "
           "start or stop a treatment. A doctor, pharmacist or nurse who knows you (or your child) can. "
           "Please don't stop a prescribed treatment without talking to them first.")


class ActionMedicalAdvice(KnowledgeAction):
    def name(self) -> str:
        return "action_medical_advice"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        myth = self.store().find_myth(self.user_text(tracker), min_similarity=STRONG_MYTH_SIMILARITY)
        if myth is not None:  # e.g. "should I delay peanut?": a known misconception, answered in general terms
            dispatcher.utter_message(text=f"{REFUSAL}\n\nWhat research says in general: {myth.correction}",
                                     buttons=[replies.topic_button(myth.topic_slug, "Learn more"),
                                              replies.button("Sources", "sources")])
            return topic_slot(myth.topic_slug)
        slug = self.topic_named_in_message(tracker)
        topic = self.store().topic(slug) if slug else None
        if topic is None:
            dispatcher.utter_message(text=REFUSAL, buttons=[replies.topic_button("standard_care", "Standard eczema care")]
                                     if self.store().topic("standard_care") else [])
            return []
        dispatcher.utter_message(
            text=f"{REFUSAL}\n\nWhat I can share is general information about **{topic.title}**: "
                 f"{topic.short_answer}",
            buttons=[replies.button("Tell me more", "more_detail"), replies.button("Sources", "sources")])
        return topic_slot(topic.slug)
