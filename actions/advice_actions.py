"""Requests for personal medical advice: a kind refusal, general information, and who to ask instead.

medical_advice is for personal doses, products, diagnoses and starting or stopping a treatment. A general
question that mentions "my eczema" or "my son" is a question: it gets the topic's answer, not a refusal.
The refusal (utter_advice_refused) opens utter_advice_refused_myth and _topic too: the action fills their
{advice_refusal} with it, so it is written once in domain.yml.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.analysis import DOSE_WORDS
from actions.base import topic_slot
from actions.topic_actions import QuestionAction, remember

# What makes a request personal advice rather than a question about what research says. Doses, products and
# diagnoses are always refused (then the general answer the content has, which names no dose or product); a personal
# decision ("should I give her egg?") gets a specific answer when the content has one (it says what the evidence
# means and who decides with you), else the refusal.
# "How often should I moisturise?" is everyday care; "how often should I give the drops?" or "how much fibre
# should he eat?" asks for a dose or an amount for someone.
MEDICINE = (
    r"probiotics?|supplements?|vitamins?|drops|creams?|ointments?|steroids?|hydrocortisone|medicines?|"
    r"medication|tablets?|pills?|antihistamines?|fish oil|omega|capsules?|butyrate|antibiotics?|dupilumab|"
    r"tacrolimus|formula|powder|sachets?|fibre|fiber|eat|drink"
)
DOSE_PRODUCT_OR_DIAGNOSIS = (
    rf"{DOSE_WORDS}|cfu|mg|capsules?|drops|"
    rf"(?:how much|how many|how often|how long should)\b.*\b(?:{MEDICINE})|"
    r"brand|brands|which (?:one|probiotic|prebiotic|cream|ointment|formula|product|supplement|test|moisturi[sz]er)s?"
    r"|what (?:cream|brand|product|probiotic|formula|supplement|test)|best \w+ (?:to buy|for (?:my|me|him|her))|"
    r"buy|order|recommend|where can i get|"
    r"diagnos\w*|do i have|have i got|does (?:he|she|my \w+) have|has (?:he|she|my \w+) got|"
    r"is (?:this|it|that) (?:eczema|psoriasis|an? allergy|allergic|fungal|infected|leaky gut)|"
    r"is (?:he|she|my \w+) allergic|am i allergic|check my"
)
PERSONAL_DECISION = (
    r"should (?:i|we|she|he|my \w+) (?:give|take|start|stop|use|put|cut|swap|switch|double|avoid|try|get|go|do|keep)|"
    r"(?:can|could|may) (?:i|we) (?:give|take|stop|start|use|swap|switch|double|get)|"
    r"is it (?:ok|okay|safe|fine|alright) (?:for (?:me|him|her|my \w+) )?to|"
    r"stop (?:using|taking|the|his|her|my)|cold turkey"
)
ADVICE_CUES = re.compile(rf"\b({DOSE_PRODUCT_OR_DIAGNOSIS}|{PERSONAL_DECISION})\b", re.IGNORECASE)
ALWAYS_REFUSED = re.compile(rf"\b({DOSE_PRODUCT_OR_DIAGNOSIS})\b", re.IGNORECASE)
CLOSE_ANSWER = 0.8  # a refused request that names no topic gets a general answer only this close to it
# Stopping or changing a treatment for someone in particular: the refusal comes first, the general answer after.
TREATMENT_CHANGE = re.compile(
    r"\b(stop|stopping|quit|come off|wean|cut down|reduce|switch|swap|change)\b.*\b(cream|ointment|steroids?|"
    r"medicine|medication|treatment|tablets?|injections?|dupilumab|antibiotics?|formula)\b|\bcold turkey\b",
    re.IGNORECASE,
)


def asks_for_personal_advice(text: str) -> bool:
    return bool(ADVICE_CUES.search(text))


class ActionMedicalAdvice(QuestionAction):
    def name(self) -> str:
        return "action_medical_advice"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        if analysis.unrelated:  # "which laptop should I buy?": not eczema at all, so no eczema advice refusal
            return self.decline(dispatcher, analysis)
        asked = analysis.focus or analysis.text
        if analysis.text and not asks_for_personal_advice(asked):
            return self.answer_question(dispatcher, analysis)  # a question about a topic, asked personally
        myth = analysis.myth
        if myth is not None:  # e.g. "should I delay peanut?": a known misconception, answered in general terms
            dispatcher.utter_message(
                response="utter_advice_refused_myth",
                advice_refusal=replies.advice_refusal(),
                correction=myth.correction,
                buttons=[replies.topic_button(myth.topic, replies.label("learn_more")), replies.button("sources")],
            )
            return [*topic_slot(myth.topic), *remember(analysis, f"myth:{myth.id}")]
        refused = bool(ALWAYS_REFUSED.search(asked))
        found = analysis.specific_answer
        if analysis.text and found is not None and (analysis.topic or found.score >= CLOSE_ANSWER or not refused):
            # a decision the content speaks to in general (no answer names a dose or a product); about a dose, a
            # product, a diagnosis ("what kind of eczema do I have?") or changing a treatment, the refusal says so
            # first, then what the content says in general on the topic asked about ("what dose should I take"
            # names none: an answer matched on "take" would be a guess)
            if refused or TREATMENT_CHANGE.search(asked):
                dispatcher.utter_message(response="utter_advice_refused")
            return self.show_answer(dispatcher, found.answer, analysis)
        slug = analysis.topic or analysis.topic_by_meaning
        topic = self.store().topic(slug) if slug else None
        if topic is None:
            dispatcher.utter_message(
                response="utter_advice_refused",
                buttons=self.store_topic_buttons("standard_care"),
            )
            return []
        dispatcher.utter_message(
            response="utter_advice_refused_topic",
            advice_refusal=replies.advice_refusal(),
            title=topic.title,
            summary=topic.short_answer,
            buttons=[replies.button("more_detail"), replies.button("sources")],
        )
        return topic_slot(topic.slug)
