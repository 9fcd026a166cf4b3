"""What every custom action shares: blocking work off the event loop, a clear reply when the store is down,
the turn's reading of the message (actions/analysis.py) and the counter slots.

Fixed copy lives in domain.yml as utter_* responses; actions send them by name with their variables."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies, services
from actions.analysis import ALREADY_HAS_ECZEMA, AUDIENCE_SLOT, SITUATION_SLOT, MessageAnalysis, stated_audience
from knowledge.content import TOPIC_SLUGS, Topic
from knowledge.store import KnowledgeStore, KnowledgeStoreUnavailable

logger = logging.getLogger(__name__)
# Set by the session start: the next custom action's reply opens with the welcome (actions/session_actions.py).
WELCOME_PENDING = "welcome_pending"
TREATMENT_PLAN = "treatment_plan"  # the safety net's entity for a stated plan to stop a prescribed treatment


class KnowledgeAction(Action, ABC):
    """An action whose work (SQL, spaCy) is synchronous: `respond` runs in a worker thread.

    Abstract, so the action server registers only the concrete actions."""

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if tracker.get_slot(WELCOME_PENDING):  # the welcome needs no database: sent even when it is down
            dispatcher.utter_message(response="utter_welcome", what_i_cover=replies.what_i_cover())
        caution(dispatcher, tracker)
        try:
            events = await services.in_thread(self.reply_to, dispatcher, tracker, domain)
        except KnowledgeStoreUnavailable as error:
            logger.error("%s: %s", self.name(), error)
            dispatcher.utter_message(response="utter_store_down")
            events = []
        return self.welcomed(tracker, [*events, *audience_events(tracker)])

    def reply_to(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """What runs for the turn: respond(), unless a subclass reads the message first (a correction)."""
        return self.respond(dispatcher, tracker, domain)

    @staticmethod
    def welcomed(tracker: Tracker, events: list[EventType]) -> list[EventType]:
        return [*events, SlotSet(WELCOME_PENDING, False)] if tracker.get_slot(WELCOME_PENDING) else events

    # -- helpers shared by topic actions ------------------------------------------------------------
    @staticmethod
    def store() -> KnowledgeStore:
        return services.knowledge()

    def analysis(self, tracker: Tracker) -> MessageAnalysis:
        """The turn's one reading of the message (topics ranked by the NLU, lazy store lookups)."""
        return MessageAnalysis.of(tracker, self.store())

    def menu_choices(self) -> list[replies.Button]:
        return menu_choices(self.store())

    def store_topic_buttons(self, *slugs: str) -> list[replies.Button]:
        """A button per topic the store has, titled with the topic's own title."""
        return [replies.topic_button(t.slug, t.title) for slug in slugs if (t := self.store().topic(slug)) is not None]

    def load_topic(self, dispatcher: CollectingDispatcher, slug: str | None) -> Topic | None:
        """The topic, or None after telling the user why there is nothing to show."""
        if not slug:
            dispatcher.utter_message(response="utter_which_topic", buttons=self.menu_choices())
            return None
        topic = self.store().topic(slug)
        if topic is None:
            known = slug in TOPIC_SLUGS
            dispatcher.utter_message(
                response="utter_topic_not_ready" if known else "utter_unknown_topic",
                buttons=self.menu_choices(),
            )
        return topic


def menu_choices(store: KnowledgeStore) -> list[replies.Button]:
    """The start of the topic menu (a button per group), offered whenever the bot needs a topic."""
    return replies.menu_choice_buttons([(g.id, g.title) for g in store.menu_groups()], store.topics())


def audience_events(tracker: Tracker) -> list[EventType]:
    """Remember who the conversation is for ("I'm 15", "my baby") and that the person already has eczema."""
    text = (tracker.latest_message or {}).get("text") or ""
    if text.startswith("/"):
        return []
    audience = stated_audience(text)
    events = [SlotSet(AUDIENCE_SLOT, audience)] if audience and audience != tracker.get_slot(AUDIENCE_SLOT) else []
    if ALREADY_HAS_ECZEMA.search(text) and tracker.get_slot(SITUATION_SLOT) != "has_eczema":
        events.append(SlotSet(SITUATION_SLOT, "has_eczema"))
    return events


def topic_slot(slug: str) -> list[EventType]:
    return [SlotSet("topic", slug)]


def counter(tracker: Tracker, name: str) -> int | None:
    """A counter slot (tour_step, quiz_index, quiz_score, quizzes_started) as an int; None when unset.

    int() also reads the 2.0-style floats of conversations stored while these were float slots."""
    value = tracker.get_slot(name)
    return None if value is None else int(value)


def caution(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A stated plan to stop or change a prescribed treatment (the safety net's `treatment_plan` entity) gets a
    short caution before the answer."""
    if any(tracker.get_latest_entity_values(TREATMENT_PLAN)):
        dispatcher.utter_message(response="utter_treatment_caution")
