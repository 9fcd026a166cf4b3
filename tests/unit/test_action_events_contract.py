"""The contract behind trimmed action calls (rasa_ext/patches/action_calls.py): the Rasa server sends each custom
action only this turn's events, so no action may read older ones unless it opts out.

Every action the action server registers runs here on conversations whose older events are guarded: reading one
fails the test. An action that must read them sets `reads_older_events = True` and is listed in
ACTIONS_READING_OLDER_EVENTS (then it gets the whole history); the two must agree.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions import services
from knowledge.settings import CURATION_URL_ENV, DATABASE_URL_ENV
from rasa_ext.patches.action_calls import ACTIONS_READING_OLDER_EVENTS
from tests.support.topics import topics_parse_data
from tests.unit.conftest import ROOT, sqlite_url

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


class OlderEventRead(AssertionError):
    pass


class ThisTurnOnly(list):
    """The events of a tracker, of which only those from `start` on (this turn) may be read."""

    def __init__(self, events: list[dict[str, Any]], start: int):
        super().__init__(events)
        self.start = start

    def _refuse(self, what: str) -> None:
        raise OlderEventRead(f"an action read {what} from before this turn (events[:{self.start}])")

    def __getitem__(self, index: Any) -> Any:
        indices = range(len(self))[index] if isinstance(index, slice) else [range(len(self))[index]]
        if any(i < self.start for i in indices):
            self._refuse(f"events[{index}]")
        return super().__getitem__(index)

    def __iter__(self) -> Any:
        if self.start:
            self._refuse("every event (iteration from the start)")
        return super().__iter__()

    def __reversed__(self) -> Any:
        for i in range(len(self) - 1, -1, -1):
            yield self[i]

    def copy(self) -> list[Any]:  # type: ignore[override]
        self._refuse("a copy of all events")
        return []


def registered_actions() -> list[Any]:
    executor = ActionExecutor()
    executor.register_package("actions")
    return sorted(executor.actions.items())


OLDER = [
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "what is butyrate?", "parse_data": {"intent": {"name": "ask_topic"}}},
    {"event": "bot", "text": "Butyrate is a short-chain fatty acid..."},
    {"event": "slot", "name": "topic", "value": "butyrate"},
    {"event": "action", "name": "action_listen"},
]


def guarded_tracker(text: str, intent: str) -> Tracker:
    slots = {name: spec.get("initial_value") for name, spec in DOMAIN["slots"].items()}
    slots["topic"] = "butyrate"
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    topics = topics_parse_data(text)
    if topics is not None:
        latest["topics"] = topics
    current = [{"event": "user", "text": text, "parse_data": latest}]
    tracker = Tracker.from_dict({"sender_id": "contract", "slots": slots, "latest_message": latest, "events": []})
    tracker.events = ThisTurnOnly([*OLDER, *current], start=len(OLDER))
    return tracker


MESSAGES = [("tell me more", "more_detail"), ("what is leaky gut?", "ask_topic"), ("hi", "greet")]


@pytest.fixture
def databases(monkeypatch: pytest.MonkeyPatch, real_db_url: str, tmp_path: Path):
    monkeypatch.setenv(DATABASE_URL_ENV, real_db_url)
    monkeypatch.setenv(CURATION_URL_ENV, sqlite_url(tmp_path / "curation.db"))
    for cached in (services.knowledge, services.curation):
        cached.cache_clear()
    yield
    for cached in (services.knowledge, services.curation):
        if cached.cache_info().currsize:
            cached().dispose()
        cached.cache_clear()


def test_the_guard_catches_a_read_of_an_older_event():
    events = ThisTurnOnly(["old", "new"], start=1)
    assert events[-1] == "new" and next(reversed(events)) == "new"
    for read in (lambda: events[0], lambda: list(events), lambda: events[:], lambda: list(reversed(events))):
        with pytest.raises(OlderEventRead):
            read()


@pytest.mark.parametrize("name", [name for name, _ in registered_actions()])
def test_no_action_reads_events_from_before_this_turn(databases, name: str):
    action = dict(registered_actions())[name]
    for text, intent in MESSAGES:
        dispatcher = CollectingDispatcher()
        tracker = guarded_tracker(text, intent)
        try:
            asyncio.run(action(dispatcher, tracker, DOMAIN))
        except OlderEventRead as error:
            if not getattr(action.__self__, "reads_older_events", False):
                hint = "keep what it needs in a slot, or opt out (rasa_ext/patches/action_calls.py)"
                pytest.fail(f"{name}: {error}; {hint}")


def test_the_opt_outs_agree_with_the_list_the_rasa_server_reads():
    opted_out = {name for name, run in registered_actions() if getattr(run.__self__, "reads_older_events", False)}
    assert opted_out == set(ACTIONS_READING_OLDER_EVENTS)
