"""What rasa_ext.patches.action_failures changes in Rasa: the reply check and the kept HTTP session."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from rasa_ext.patches import action_failures
from tests.support.patches import requires_patch

pytestmark = pytest.mark.usefixtures("undo_rasa_patches")  # the patches are undone after each test

REPLIES = [
    {"events": [{"event": "slot", "name": "topic", "value": "butyrate"}], "responses": [{"text": "Butyrate"}]},
    {"events": [], "responses": []},
    {},
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"responses": ["not an object"]},
]


@requires_patch("reply_check")
@pytest.mark.parametrize("reply", REPLIES)
def test_the_reply_check_accepts_and_rejects_what_rasas_check_does(reply: dict):
    action_failures.install()
    try:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())  # Rasa's own call
        rasa_accepts = True
    except jsonschema.ValidationError:
        rasa_accepts = False
    action = RemoteAction("action_answer_topic", None)
    if rasa_accepts:
        assert action._validate_action_result(reply) is True
    else:
        with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(reply)


def rasa_events() -> list[dict]:
    """One event of every kind, as Rasa serialises it (what an action server may send back)."""
    from rasa.shared.core import events as e

    made = [
        e.UserUttered("hi", {"name": "greet", "confidence": 0.9}, [{"entity": "topic", "value": "fibre"}]),
        e.ActionExecuted("action_listen"),
        e.SlotSet("topic", "butyrate"),
        e.SlotSet("detail_depth", {"topic": "fibre", "level": 2}),
        e.EntitiesAdded([{"entity": "topic", "value": "fibre"}]),
        e.UserUtteranceReverted(),
        e.ActionReverted(),
        e.Restarted(),
        e.AllSlotsReset(),
        e.ReminderScheduled("greet", datetime(2026, 1, 1), name="r"),
        e.ReminderCancelled(name="r"),
        e.ActionExecutionRejected("action_quiz"),
        e.ActiveLoop("quiz_form"),
        e.LoopInterrupted(True),
        e.ConversationPaused(),
        e.ConversationResumed(),
        e.FollowupAction("action_listen"),
        e.StoryExported(),
        e.BotUttered("Hello", {"buttons": [{"title": "Next", "payload": "/next"}]}),
        e.SessionStarted(),
        e.AgentUttered("hello"),
    ]
    return [event.as_dict() for event in made]


def spoilt(event: dict) -> list[dict]:
    """Copies of an event each broken in one field: missing, null, or of the wrong type."""
    copies = []
    for key in event:
        without = {k: v for k, v in event.items() if k != key}
        copies.append(without)
        for wrong in (None, 7, "text", [1], {"a": 1}, 1.5, True):
            copies.append({**event, key: wrong})
    copies.append({**event, "event": "no_such_event"})
    return copies


@requires_patch("reply_check")
def test_the_per_event_check_agrees_with_the_whole_schema_on_every_event_kind_and_every_spoilt_field():
    schema = RemoteAction.action_response_format_spec()
    whole = jsonschema.validators.validator_for(schema)(schema)
    check = action_failures.ActionReplyCheck(schema)
    assert check.by_event_name is not None, "the per-event check is not in use: the schema changed shape"
    replies = [{"events": rasa_events(), "responses": [{"text": "x"}]}]
    for event in rasa_events():
        replies.append({"events": [event]})
        replies += [{"events": [event, broken]} for broken in spoilt(event)]
    verdicts = [(check.accepts(reply), bool(whole.is_valid(reply))) for reply in replies]
    assert all(ours == rasas for ours, rasas in verdicts)
    assert sum(rasas for _, rasas in verdicts) > 100 and sum(not rasas for _, rasas in verdicts) > 100


@requires_patch("kept_session")
def test_an_action_endpoint_keeps_one_open_session():
    endpoint = EndpointConfig("http://127.0.0.1:9/webhook")
    action_failures._keep_session(endpoint)

    async def twice() -> tuple:
        async with endpoint.session() as first:
            pass
        async with endpoint.session() as second:
            pass
        still_open = not first.closed
        await first.close()
        return first, second, still_open

    first, second, still_open = asyncio.run(twice())
    assert first is second and still_open


@requires_patch("kept_session")
def test_the_kept_session_writes_the_tracker_as_json_that_reads_back_the_same():
    import json

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    tracker = DialogueStateTracker.from_events(
        "user/é",
        [
            UserUttered('is <fibre> "good"? ✓', {"name": "ask_topic", "confidence": 0.8712345678901234}),
            SlotSet("detail_depth", {"topic": "fibre", "level": 2}),
        ],
        Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml")).slots,
    )
    state = tracker.current_state(EventVerbosity.ALL)
    assert json.loads(action_failures.request_json(state)) == json.loads(json.dumps(state))
    assert json.loads(action_failures.request_json({"x": float("nan")}))["x"] != 0  # NaN falls back to json.dumps
    endpoint = EndpointConfig("http://127.0.0.1:9/webhook")
    action_failures._keep_session(endpoint)

    async def serializer() -> Any:
        async with endpoint.session() as session:
            used = session._json_serialize
        await session.close()
        return used

    assert asyncio.run(serializer()) is action_failures.request_json


@requires_patch("action_failures")
def test_the_start_up_step_refuses_a_rasa_version_it_was_not_written_for(monkeypatch: pytest.MonkeyPatch):
    import rasa

    from rasa_ext.patches.rasa_version import UnsupportedRasaVersion

    monkeypatch.setattr(action_failures, "_installed", False)
    monkeypatch.setattr(action_failures, "_patched", False)
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    run_before = RemoteAction.run
    with pytest.raises(UnsupportedRasaVersion, match="written for Rasa 3.6.21, found Rasa 3.7.0"):
        action_failures.install()
    assert RemoteAction.run is run_before  # nothing half-applied
    assert not action_failures.installed()


@requires_patch("action_failures")
def test_the_rasa_launcher_stops_with_a_clear_message_on_another_version(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    import rasa

    from scripts import rasa_server

    monkeypatch.setattr(action_failures, "_installed", False)
    monkeypatch.setattr(action_failures, "_patched", False)
    monkeypatch.setattr(rasa, "__version__", "4.0.0")
    with pytest.raises(SystemExit, match="error: rasa_ext.patches.action_failures was written for Rasa 3.6.21"):
        rasa_server.main(["run", "--help"])
