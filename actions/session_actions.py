"""A welcome at the start of each session: what the bot is, that it educates, and a topic menu."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.base import KnowledgeAction

WELCOME = ("Hello! I'm an education assistant about the gut-skin axis in eczema (atopic dermatitis). "
           "I explain what research says, in plain words, with sources. I don't diagnose or give treatment "
           "advice, and I don't replace your doctor, nurse or pharmacist. If eczema looks infected, or someone "
           "has a fever, swelling or trouble breathing, get urgent medical help.")

# Slots that describe the learner rather than one conversation turn survive a new session.
CARRIED_OVER = ("tour_step",)


class ActionSessionStart(KnowledgeAction):
    def name(self) -> str:
        return "action_session_start"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        events += [SlotSet(k, tracker.get_slot(k)) for k in CARRIED_OVER if tracker.get_slot(k) is not None]
        dispatcher.utter_message(text=WELCOME, buttons=[replies.button("Take the guided tour", "tour_start"),
                                                       replies.button("Show all topics", "help"),
                                                       replies.button("Quiz me", "quiz_start")])
        events.append(ActionExecuted("action_listen"))
        return events

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        # The welcome needs no database, so it must not fail when the store is down.
        return self.respond(dispatcher, tracker, domain)
