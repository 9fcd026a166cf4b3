"""What a call of the action server carries once rasa_ext.patches.action_calls is installed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
from rasa_sdk import Tracker

from rasa_ext.patches import action_calls
from tests.support.patches import requires_patch

# the patches are undone after each test
pytestmark = [pytest.mark.usefixtures("undo_rasa_patches"), requires_patch("action_calls")]

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))


def conversation(turns: int) -> DialogueStateTracker:
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for n in range(turns):
        events += [
            UserUttered(f"message {n}", {"name": "ask_topic", "confidence": 0.9}),
            SlotSet("topic", f"topic-{n}"),
            ActionExecuted("action_answer_topic"),
            BotUttered(f"answer {n}"),
            ActionExecuted("action_listen"),
        ]
    events.append(UserUttered("tell me more", {"name": "ask_more", "confidence": 0.8}))
    events.append(SlotSet("quizzes_started", 2))
    return DialogueStateTracker.from_events("someone", events, DOMAIN.slots)


def test_a_call_carries_every_slot_the_latest_message_and_only_this_turns_events():
    action_calls.install()
    tracker = conversation(turns=20)
    call = RemoteAction(
        "action_more_detail", EndpointConfig("http://127.0.0.1:9/x", enable_selective_domain=True)
    )._action_call_format(tracker, DOMAIN)
    everything = tracker.current_state(EventVerbosity.ALL)
    sent = call["tracker"]
    assert [e["event"] for e in sent["events"]] == ["user", "slot"]
    assert sent["events"][0]["text"] == "tell me more"
    assert {k: v for k, v in sent.items() if k != "events"} == {k: v for k, v in everything.items() if k != "events"}
    assert call["next_action"] == "action_more_detail" and call["sender_id"] == "someone" and "domain" not in call
    # what the actions read, seen through rasa_sdk as the action server sees it
    seen = Tracker.from_dict(sent)
    assert seen.get_slot("topic") == "topic-19" and seen.get_slot("quizzes_started") == 2
    assert seen.latest_message["text"] == "tell me more"
    assert seen.latest_message["intent"]["name"] == "ask_more"
    assert len(str(call)) < len(str(everything)) / 5


def test_an_action_that_opted_out_gets_every_event(monkeypatch: pytest.MonkeyPatch):
    action_calls.install()
    monkeypatch.setattr(action_calls, "ACTIONS_READING_OLDER_EVENTS", frozenset({"action_history"}))
    tracker = conversation(turns=3)
    endpoint = EndpointConfig("http://127.0.0.1:9/x", enable_selective_domain=True)
    full = RemoteAction("action_history", endpoint)._action_call_format(tracker, DOMAIN)["tracker"]["events"]
    trimmed = RemoteAction("action_more_detail", endpoint)._action_call_format(tracker, DOMAIN)["tracker"]["events"]
    assert len(full) == len(tracker.events) > len(trimmed) == 2


def test_before_the_first_message_a_call_carries_all_events():
    start = DialogueStateTracker.from_events("new", [ActionExecuted("action_session_start")], DOMAIN.slots)
    assert [e["event"] for e in action_calls.this_turns_events(start)] == ["action"]
    assert len(action_calls.this_turns_events(conversation(turns=3))) == 2


class ActionServer:
    """An endpoint's request as rasa-sdk 3.8+ answers it: 449 until it has been sent the domain once."""

    def __init__(self, status: int = action_calls.DOMAIN_MISSING):
        self.status, self.bodies, self.domain_digest = status, [], None

    async def request(self, **kwargs):
        body = kwargs["json"]
        self.bodies.append(body)
        if "domain" in body:
            self.domain_digest = body["domain_digest"]
        elif body["domain_digest"] != self.domain_digest:
            raise ClientResponseError(self.status, "Missing domain context", "{}")
        return {"events": [], "responses": []}


def selective_call(endpoint: EndpointConfig) -> dict:
    action_calls.install()
    return RemoteAction("action_more_detail", endpoint)._action_call_format(conversation(turns=1), DOMAIN)


def test_a_call_carries_the_domain_digest_and_a_449_is_answered_with_the_domain_once():
    endpoint = EndpointConfig("http://127.0.0.1:9/x", enable_selective_domain=True)
    server = ActionServer()
    endpoint.request = server.request
    call = selective_call(endpoint)
    assert call["domain_digest"] == DOMAIN.fingerprint() and "domain" not in call
    for _ in range(2):
        assert asyncio.run(endpoint.request(json=call, method="post")) == {"events": [], "responses": []}
    # the first call was refused and sent again with the domain; the second went through without it
    assert ["domain" in body for body in server.bodies] == [False, True, False]
    assert server.bodies[1]["domain"] == DOMAIN.as_dict()


def test_other_refusals_are_not_sent_again():
    endpoint = EndpointConfig("http://127.0.0.1:9/x", enable_selective_domain=True)
    server = ActionServer(status=500)
    endpoint.request = server.request
    call = selective_call(endpoint)
    with pytest.raises(ClientResponseError):
        asyncio.run(endpoint.request(json=call, method="post"))
    assert len(server.bodies) == 1
