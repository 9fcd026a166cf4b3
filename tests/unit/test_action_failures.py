"""What nlu_components.action_failures changes in Rasa: the reply check and the kept HTTP session."""

from __future__ import annotations

import asyncio

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from nlu_components import action_failures

REPLIES = [
    {"events": [{"event": "slot", "name": "topic", "value": "butyrate"}], "responses": [{"text": "Butyrate"}]},
    {"events": [], "responses": []},
    {},
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"responses": ["not an object"]},
]


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


def test_the_start_up_step_refuses_a_rasa_version_it_was_not_written_for(monkeypatch: pytest.MonkeyPatch):
    import rasa

    from nlu_components.rasa_version import UnsupportedRasaVersion

    monkeypatch.setattr(action_failures, "_installed", False)
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    run_before = RemoteAction.run
    with pytest.raises(UnsupportedRasaVersion, match="written for Rasa 3.6.21, found Rasa 3.7.0"):
        action_failures.install()
    assert RemoteAction.run is run_before  # nothing half-applied
    assert not action_failures.installed()


def test_the_rasa_launcher_stops_with_a_clear_message_on_another_version(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    import rasa

    from scripts import rasa_server

    monkeypatch.setattr(action_failures, "_installed", False)
    monkeypatch.setattr(rasa, "__version__", "4.0.0")
    with pytest.raises(SystemExit, match="error: nlu_components.action_failures was written for Rasa 3.6.21"):
        rasa_server.main(["run", "--help"])
