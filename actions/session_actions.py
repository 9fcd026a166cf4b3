"""A welcome at the start of each session: what the bot is, that it educates, and a topic menu."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import KnowledgeAction, counter

# Counter slots that describe the learner rather than one conversation turn survive a new session.
CARRIED_OVER = ("tour_step", "quizzes_started")


class ActionSessionStart(KnowledgeAction):
    def name(self) -> str:
        return "action_session_start"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        events += [SlotSet(k, counter(tracker, k)) for k in CARRIED_OVER if tracker.get_slot(k) is not None]
        dispatcher.utter_message(response="utter_welcome")
        events.append(ActionExecuted("action_listen"))
        return events

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        # The welcome needs no database, so it must not fail when the store is down.
        return self.respond(dispatcher, tracker, domain)
