"""Conversation repair and the questions about the bot itself: "no, I meant...", "why?", "what data do you keep?".

A correction is not feedback: the bot apologises once, re-reads what the person now says and answers that; with
nothing new said, it offers the other readings of the last question (LAST_QUESTION_SLOT) as buttons.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.analysis import ASKS_A_QUESTION, CORRECTION_OPENING, stated_audience
from actions.base import KnowledgeAction
from actions.topic_actions import LAST_ANSWER_SLOT, LAST_QUESTION_SLOT, QuestionAction, adults_reply, remember
from knowledge.settings import retention

REPEAT_COMPLAINT = re.compile(
    r"\b(repeat(ed|ing)?( yourself)?|already (said|told|answered|showed|sent)|same (thing|answer)|"
    r"said (that|this) (before|already))\b",
    re.IGNORECASE,
)
NEW_QUESTION_MIN_WORDS = 2  # what is left after the opening must say something to be re-read
DEFAULT_RETENTION_DAYS = "30"  # scripts/forget_old_conversations.py reads the same setting


class ActionRepair(QuestionAction):
    def name(self) -> str:
        return "action_repair"

    def reply_to(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return self.respond(dispatcher, tracker, domain)  # it reads corrections itself

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        if analysis.weighs_the_bot_against_a_clinician:  # "my GP says one thing and you say another"
            return self.answer_about_the_bot(dispatcher)
        if REPEAT_COMPLAINT.search(analysis.text) and analysis.current_topic:
            topic = self.store().topic(analysis.current_topic)
            if topic is not None:
                dispatcher.utter_message(response="utter_repair_repeated")
                return self.go_deeper(dispatcher, topic, analysis)
        rest = CORRECTION_OPENING.sub("", analysis.text).strip()
        audience = stated_audience(rest)
        current = self.store().topic(analysis.current_topic) if analysis.current_topic else None
        if audience in ("teen", "adult") and current is not None and analysis.topic in (None, current.slug):
            dispatcher.utter_message(response="utter_repair")  # "im 15 not a baby": the same topic, for them
            if f"action_adults:{current.slug}" in analysis.said:  # that note was shown: what comes next
                return self.go_deeper(dispatcher, current, analysis)
            dispatcher.utter_message(**adults_reply(current))
            return remember(analysis, f"action_adults:{current.slug}")
        answered_before = analysis.said or analysis.current_topic or tracker.get_slot(LAST_QUESTION_SLOT)
        if not answered_before and not CORRECTION_OPENING.match(analysis.text):
            # nothing was answered yet, so nothing to put right: a question the classifier read as a correction
            # ("can you fix this python error?") is answered as it is, without an apology
            return self.answer_question(dispatcher, analysis)
        if len(re.findall(r"\w+", rest)) >= NEW_QUESTION_MIN_WORDS and not REPEAT_COMPLAINT.search(rest):
            return self.reread(dispatcher, analysis, rest)  # the rest is the question now
        return self.offer_other_readings(dispatcher, tracker)

    def offer_other_readings(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        last = tracker.get_slot(LAST_QUESTION_SLOT)
        others = last.get("others") if isinstance(last, dict) else None
        buttons = [
            replies.titled_button(title, "ask_topic", answer=ref)
            if kind == "answer"
            else replies.topic_button(ref, title)
            for kind, ref, title in others or []
        ]
        if not buttons:
            dispatcher.utter_message(response="utter_repair_ask_again")
            return []
        dispatcher.utter_message(response="utter_repair_choices", buttons=buttons)
        return []


WHY_ALONE_WORDS = 4  # "why?", "but why though": a follow-up that needs an earlier answer


class ActionWhy(QuestionAction):
    """'Why?' after an answer: the reason written for the last specific answer, else what the evidence on the
    topic shows; a why-question with its own subject ("why do people say probiotics cure it?") is a question."""

    def name(self) -> str:
        return "action_why"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        if analysis.specific_answer is not None or analysis.myth is not None:
            return self.answer_question(dispatcher, analysis)
        answer = self.store().answer(str(tracker.get_slot(LAST_ANSWER_SLOT) or ""))
        if answer is not None and answer.topic == analysis.current_topic and answer.why:
            dispatcher.utter_message(
                text=replies.layout("why", why=answer.why),
                buttons=[
                    replies.topic_button(answer.topic, replies.label("more_on_this_topic")),
                    replies.button("sources"),
                ],
            )
            return []
        topic = self.store().topic(analysis.current_topic) if analysis.current_topic else None
        if topic is None:
            # "why?" alone, with nothing said before, asks nothing; a why-question with words of its own ("what's
            # eczema herpeticum and why do people say to get seen quickly?") is answered like any question
            if analysis.topic is not None or len(analysis.text.split()) > WHY_ALONE_WORDS:
                return self.answer_question(dispatcher, analysis)
            dispatcher.utter_message(response="utter_why_nothing")
            return []
        return self.go_deeper(dispatcher, topic, analysis)  # after a topic card, the reasons are in the detail


class ActionGoodbye(QuestionAction):
    """Goodbye; but a question the classifier read as one ("will she outgrow it?": "out" sounds like "peace out")
    and that the content answers is answered."""

    def name(self) -> str:
        return "action_goodbye"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        if analysis.text and analysis.asks_about_content:
            return self.answer_question(dispatcher, analysis)
        dispatcher.utter_message(response="utter_goodbye")
        return []


# Words that ask for people, not content: "can I talk to a nurse about my son's eczema?" is a request for help.
ASKS_FOR_PEOPLE = re.compile(
    r"\b(person|people|human|someone|somebody|anyone|nurse|doctor|specialist|helpline|support group|charity|"
    r"talk to|speak to|chat with|contact|call|ring|phone|number|customer service|not a bot|who can|get help|"
    r"find help|real help)\b",
    re.IGNORECASE,
)


class ActionHumanHelp(QuestionAction):
    """Where people can help (the bot cannot hand over); but a question the classifier read as asking for a person
    ("is there anything I can do to make eczema go away?") and that the content answers is answered."""

    def name(self) -> str:
        return "action_human_help"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        if analysis.text and ASKS_A_QUESTION.search(analysis.text) and not ASKS_FOR_PEOPLE.search(analysis.text):
            return self.answer_question(dispatcher, analysis)  # a question with no word for people asks for content
        dispatcher.utter_message(response="utter_human_help")
        return []


class ActionPrivacy(KnowledgeAction):
    """'What data do you keep?': what is kept, for how long, and how to delete it."""

    def name(self) -> str:
        return "action_privacy"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        kept = retention()  # the same settings `make forget-old` deletes by
        days, unanswered_days = f"{kept.conversation_days:g}", f"{kept.unanswered_days:g}"
        dispatcher.utter_message(response="utter_privacy", retention_days=days, unanswered_days=unanswered_days)
        return []
