"""The topic menu ("help"): a button per group of topics, then the topics of the group the user taps.

Thirty-odd topic buttons in one message are a wall on a phone; data/knowledge/menu.yml groups them."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.base import KnowledgeAction, menu_choices
from knowledge.store import KnowledgeStore, TopicGroup

GROUP_ENTITY = "menu_group"  # set by a group button's payload
WORD = re.compile(r"[a-z0-9]+")


def show_topic_menu(dispatcher: CollectingDispatcher, store: KnowledgeStore) -> None:
    """The menu's intro with a button per group (every topic when the content has no groups)."""
    dispatcher.utter_message(
        response="utter_topic_menu", what_i_cover=replies.what_i_cover(), buttons=menu_choices(store)
    )


def _words(text: str) -> str:
    """Lower-case words between spaces, so that phrases match whole words only."""
    return f" {' '.join(WORD.findall(text.lower()))} "


def requested_group(tracker: Tracker, groups: list[TopicGroup]) -> TopicGroup | None:
    """The group a button names, else the one whose title or id the message spells out ("the basics topics").

    No entity extractor runs on typed messages, so a typed request is matched here."""
    tapped = next((str(value) for value in tracker.get_latest_entity_values(GROUP_ENTITY) if value), None)
    if tapped is not None:
        return next((group for group in groups if group.id == tapped), None)
    text = _words(tracker.latest_message.get("text") or "")
    return next((g for g in groups if _words(g.title) in text or _words(g.id) in text), None)


class ActionMenuGroup(KnowledgeAction):
    """A group of the topic menu: its topics in menu order and a way back; an unknown group lists the groups."""

    def name(self) -> str:
        return "action_menu_group"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        store = self.store()
        group = requested_group(tracker, store.menu_groups())
        if group is None:
            show_topic_menu(dispatcher, store)
            return []
        buttons = [*replies.menu_buttons(list(group.topics)), replies.back_to_menu_button()]
        dispatcher.utter_message(response="utter_menu_group", group=group.title, buttons=buttons)
        return []
