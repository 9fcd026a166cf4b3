"""'That helped' / 'not helpful': stored with the topic only (never the message) for content curators, and with
the specific answer when the last thing shown was one ("answer:<id>" last in the `said` slot)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.analysis import SAID_SLOT
from actions.topic_actions import QuestionAction


def rated_answer(tracker: Tracker) -> str | None:
    """The id of the specific answer the feedback is about: the last thing shown, when it was one."""
    said = tracker.get_slot(SAID_SLOT) or []
    last = said[-1] if isinstance(said, list) and said else None
    return last.removeprefix("answer:") if isinstance(last, str) and last.startswith("answer:") else None


class _FeedbackAction(QuestionAction):
    """A question read as feedback ("does sugar make it worse?" is not "that made things worse") is answered."""

    helpful: bool

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        if analysis.text and analysis.asks_about_content:
            return self.answer_question(dispatcher, analysis)
        slug = tracker.get_slot("topic")
        if not slug:
            dispatcher.utter_message(response="utter_feedback_no_topic")
            return []
        services.record_feedback(slug, self.helpful, rated_answer(tracker))
        dispatcher.utter_message(response="utter_feedback_positive" if self.helpful else "utter_feedback_negative")
        return []


class ActionFeedbackPositive(_FeedbackAction):
    helpful = True

    def name(self) -> str:
        return "action_feedback_positive"


class ActionFeedbackNegative(_FeedbackAction):
    helpful = False

    def name(self) -> str:
        return "action_feedback_negative"
