"""The guided tour: the seed's story one topic at a time, with Next / Tell me more / Stop, resumable."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.base import KnowledgeAction


class _TourAction(KnowledgeAction):
    def show_step(self, dispatcher: CollectingDispatcher, step: int, intro: str = "") -> list[EventType]:
        steps = self.store().tour()
        if step >= len(steps):
            dispatcher.utter_message(
                text="That's the end of the tour: well done! You can ask about any topic, or say \"quiz me\" "
                     "to check what you remember.",
                buttons=[replies.button("Quiz me", "quiz_start"), replies.button("Show all topics", "help")])
            return [SlotSet("tour_step", None)]
        topic = self.store().topic(steps[step])
        dispatcher.utter_message(
            text=f"{intro}**Step {step + 1} of {len(steps)}: {topic.title}**\n\n{topic.short_answer}",
            buttons=[replies.button("Next", "tour_next"), replies.button("Tell me more", "more_detail"),
                     replies.button("Stop", "stop")])
        return [SlotSet("tour_step", float(step)), SlotSet("topic", topic.slug)]


def current_step(tracker: Tracker) -> int | None:
    value = tracker.get_slot("tour_step")
    return None if value is None else int(value)


class ActionTourStart(_TourAction):
    def name(self) -> str:
        return "action_tour_start"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        step = current_step(tracker)
        if step:
            return self.show_step(dispatcher, step, "Welcome back to the tour. ")
        return self.show_step(dispatcher, 0, "Let's walk through how the gut and the skin are linked, "
                                             "one step at a time.\n\n")


class ActionTourRestart(_TourAction):
    def name(self) -> str:
        return "action_tour_restart"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return self.show_step(dispatcher, 0, "Starting the tour from the beginning.\n\n")


class ActionTourNext(_TourAction):
    def name(self) -> str:
        return "action_tour_next"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        step = current_step(tracker)
        return self.show_step(dispatcher, 0 if step is None else step + 1)
