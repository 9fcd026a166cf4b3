"""The guided tour: the seed's story one topic at a time, with Next / Tell me more / Stop, resumable."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.base import KnowledgeAction, counter


class _TourAction(KnowledgeAction):
    def show_step(self, dispatcher: CollectingDispatcher, step: int, intro: str | None = None) -> list[EventType]:
        """Step `step` (0-based), opened by the domain response `intro` when one is given."""
        steps = self.store().tour()
        if step >= len(steps):
            dispatcher.utter_message(response="utter_tour_end")
            return [SlotSet("tour_step", None)]
        topic = self.store().known_topic(steps[step])
        text = replies.tour_step_text(step + 1, len(steps), topic)
        if intro is None:
            dispatcher.utter_message(text=text, buttons=replies.tour_buttons())
        else:
            dispatcher.utter_message(response=intro, step=text, buttons=replies.tour_buttons())
        return [SlotSet("tour_step", step), SlotSet("topic", topic.slug)]


class ActionTourStart(_TourAction):
    def name(self) -> str:
        return "action_tour_start"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        step = counter(tracker, "tour_step")
        if step:
            return self.show_step(dispatcher, step, "utter_tour_resumed")
        return self.show_step(dispatcher, 0, "utter_tour_start")


class ActionTourRestart(_TourAction):
    def name(self) -> str:
        return "action_tour_restart"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return self.show_step(dispatcher, 0, "utter_tour_restarted")


class ActionTourNext(_TourAction):
    def name(self) -> str:
        return "action_tour_next"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        step = counter(tracker, "tour_step")
        return self.show_step(dispatcher, 0 if step is None else step + 1)
