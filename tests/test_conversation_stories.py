"""The conversation tests of tests/test_conversations.yml played against the running servers, actions included.

`rasa test` (tests/test_rasa_project.py) checks each story's predictions without running a custom action. Here
every story is a real conversation over REST: after each user message the bot must run exactly the story's
actions, set the story's slots, and say something; a custom action that fails (the apology) fails the story.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from rasa_ext.patches.action_failures import ACTIONS_UNAVAILABLE

pytestmark = pytest.mark.e2e
STORIES_FILE = Path(__file__).resolve().parent / "test_conversations.yml"
# Run by Rasa around every message, not written in stories.
UNWRITTEN_ACTIONS = {"action_listen", "action_session_start"}


@dataclass
class Turn:
    text: str
    actions: list[str] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)


def story_turns(steps: list[dict]) -> list[Turn]:
    turns: list[Turn] = []
    for step in steps:
        if "user" in step:
            turns.append(Turn(step["user"].strip()))
        elif "action" in step:
            turns[-1].actions.append(step["action"])
        elif "slot_was_set" in step:
            for slot in step["slot_was_set"]:
                turns[-1].slots.update(slot if isinstance(slot, dict) else {slot: None})
    return turns


def stories() -> list[tuple[str, list[Turn]]]:
    data = yaml.safe_load(STORIES_FILE.read_text(encoding="utf-8"))
    return [(story["story"], story_turns(story["steps"])) for story in data["stories"]]


def events_after_each_message(tracker: dict) -> list[list[dict]]:
    """The tracker's events split at each user message (what came before the first one is left out)."""
    segments: list[list[dict]] = []
    for event in tracker["events"]:
        if event["event"] == "user":
            segments.append([])
        elif segments:
            segments[-1].append(event)
    return segments


@pytest.mark.parametrize("name,turns", stories(), ids=[name for name, _ in stories()])
def test_a_story_runs_with_its_actions(stack, name: str, turns: list[Turn]):
    sender = f"story-{uuid.uuid4().hex[:12]}"
    for turn in turns:
        replies = stack.say(sender, turn.text)
        said = [r.get("text") or "" for r in replies]
        assert any(said) or any(r.get("buttons") for r in replies), f"{name}: no reply to {turn.text!r}"
        assert ACTIONS_UNAVAILABLE not in said, f"{name}: an action failed on {turn.text!r}"

    segments = events_after_each_message(stack.tracker(sender))
    assert len(segments) == len(turns)
    for turn, events in zip(turns, segments):
        ran = [e["name"] for e in events if e["event"] == "action" and e["name"] not in UNWRITTEN_ACTIONS]
        assert ran == turn.actions, f"{name}: after {turn.text!r} the bot ran {ran}, the story says {turn.actions}"
        assert any(e["event"] == "bot" for e in events), f"{name}: {turn.text!r} got no bot message"
        set_slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
        for slot, value in turn.slots.items():
            assert set_slots.get(slot) == value, f"{name}: after {turn.text!r} {slot} is {set_slots.get(slot)!r}"
