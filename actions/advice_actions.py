"""Requests for personal medical advice: a kind refusal, general information, and who to ask instead.

medical_advice is for personal doses, products, diagnoses and starting or stopping a treatment. A general
question that mentions "my eczema" or "my son" is a question: it gets the topic's answer, not a refusal.
The refusal opens each utter_advice_refused* response (domain.yml, slot advice_refusal).
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.base import topic_slot
from actions.topic_actions import QuestionAction

# What makes a request personal advice rather than a question about what research says.
ADVICE_CUES = re.compile(
    r"\b(dose|doses|dosage|dosing|how much|how many|how often|how long should|cfu|mg|capsules?|drops|"
    r"brand|brands|which (?:one|probiotic|prebiotic|cream|ointment|formula|product|supplement|test|moisturi[sz]er)s?"
    r"|what (?:cream|brand|product|probiotic|formula|supplement|test)|best \w+ (?:to buy|for (?:my|me|him|her))|"
    r"buy|order|recommend|"
    r"should (?:i|we|she|he|my \w+) (?:give|take|start|stop|use|put|cut|swap|switch|double|avoid|try|get|go|do|keep)|"
    r"(?:can|could|may) (?:i|we) (?:give|take|stop|start|use|swap|switch|double|get)|"
    r"is it (?:ok|okay|safe|fine|alright) (?:for (?:me|him|her|my \w+) )?to|"
    r"diagnos\w*|do i have|have i got|does (?:he|she|my \w+) have|has (?:he|she|my \w+) got|"
    r"is (?:this|it|that) (?:eczema|psoriasis|an? allergy|allergic|fungal|infected|leaky gut)|"
    r"is (?:he|she|my \w+) allergic|am i allergic|check my|"
    r"stop (?:using|taking|the|his|her|my)|cold turkey|where can i get)\b",
    re.IGNORECASE,
)


def asks_for_personal_advice(text: str) -> bool:
    return bool(ADVICE_CUES.search(text))


class ActionMedicalAdvice(QuestionAction):
    def name(self) -> str:
        return "action_medical_advice"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        if analysis.text and not asks_for_personal_advice(analysis.focus or analysis.text):
            return self.answer_question(dispatcher, analysis)  # a question about a topic, asked personally
        myth = analysis.myth
        if myth is not None:  # e.g. "should I delay peanut?": a known misconception, answered in general terms
            dispatcher.utter_message(
                response="utter_advice_refused_myth",
                correction=myth.correction,
                buttons=[replies.topic_button(myth.topic, "Learn more"), replies.button("Sources", "sources")],
            )
            return topic_slot(myth.topic)
        slug = analysis.topic
        topic = self.store().topic(slug) if slug else None
        if topic is None:
            dispatcher.utter_message(
                response="utter_advice_refused",
                buttons=[replies.topic_button("standard_care", "Standard eczema care")]
                if self.store().topic("standard_care")
                else [],
            )
            return []
        dispatcher.utter_message(
            response="utter_advice_refused_topic",
            title=topic.title,
            summary=topic.short_answer,
            buttons=[replies.button("Tell me more", "more_detail"), replies.button("Sources", "sources")],
        )
        return topic_slot(topic.slug)
