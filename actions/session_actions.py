"""A welcome at the start of each session: what the bot is, that it educates, and a topic menu.

A session starts before Rasa reads the message that started it, so the welcome is not sent here: the session
start marks it due (slot welcome_pending) and the first reply of a custom action opens with it
(actions/base.py). An urgent reply is a domain response sent by a rule, so it is the first thing a person reads
even on the first message of a conversation; the welcome then comes with the next answer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import WELCOME_PENDING, KnowledgeAction, counter

# Counter slots that describe the learner rather than one conversation turn survive a new session.
CARRIED_OVER = ("tour_step", "quizzes_started")


class ActionSessionStart(KnowledgeAction):
    def name(self) -> str:
        return "action_session_start"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        events += [SlotSet(k, counter(tracker, k)) for k in CARRIED_OVER if tracker.get_slot(k) is not None]
        events.append(SlotSet(WELCOME_PENDING, True))
        events.append(ActionExecuted("action_listen"))
        return events

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        # The welcome needs no database, so it must not fail when the store is down.
        return self.respond(dispatcher, tracker, domain)


class ActionWelcome(KnowledgeAction):
    """A greeting as the first message: the welcome is the greeting (KnowledgeAction.run sends it when due)."""

    def name(self) -> str:
        return "action_welcome"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if not tracker.get_slot(WELCOME_PENDING):
            dispatcher.utter_message(response="utter_greet")
        return []
