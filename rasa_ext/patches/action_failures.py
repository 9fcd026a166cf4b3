"""A reply instead of silence when a custom action cannot run, and a cheaper check of what the action server
sends back. `install()` is the Rasa server's start-up step: scripts/rasa_server.py calls it before `rasa run`.

Rasa 3.6 logs an unreachable or failing action server and then says nothing to the user: the message seems
lost. Here every failed call of a custom action yields one apology, which also repeats where urgent help is,
so the user always learns that something is wrong and what to do if it cannot wait. A failed call is any of:
a refused connection or an HTTP error status (an exception in a rasa-sdk action is a 500), both of which Rasa
turns into a RasaException; a reply that fails Rasa's check (jsonschema.ValidationError); a reply that is not
JSON (a JSON decode error, or None, which then fails the check); no reply within ACTION_CALL_TIMEOUT_SECONDS.
Safety replies are responses of the domain (utter_*) and do not need the action server at all.
(The apology's text is the domain response utter_actions_unavailable, read once at start.)

Rasa 3.6 checks each action server reply with `jsonschema.validate(reply, schema)`, which first re-checks the
schema itself against the JSON Schema metaschema: measured here, that was more than half of the Rasa server's
time per turn. The same check with validators built once for the schema, and each event checked against the
schema of its own name (ActionReplyCheck), accepts and rejects the same replies.
It also opens a new HTTP client session, and so a new connection, for every call of the action server: here
one session is kept per action endpoint, its idle connections closed after KEEPALIVE_SECONDS, before the
action server (Sanic: 5 s) would close them under a request. Its request bodies (the whole tracker, every call)
are written by ujson, already installed with Sanic: json.dumps of the tracker was 4% of a turn.
"""

from __future__ import annotations

import copy
import json
import logging
from functools import lru_cache
from typing import Any

import ujson

from knowledge.domain_copy import response_text
from rasa_ext.patches.rasa_version import require_supported_rasa

logger = logging.getLogger(__name__)

ACTIONS_UNAVAILABLE = response_text("utter_actions_unavailable")  # the copy lives in domain.yml

_installed = False  # the apology is installed
_patched = False  # install() has run


def installed() -> bool:
    return _installed


KEEPALIVE_SECONDS = 3.0
# How long a custom action may take before the user gets the apology (Rasa's own bound is 300 s). nginx gives a
# REST webhook turn 20 s (deploy/nginx.conf.template) before answering with its own generic apology: 12 s leaves
# room for the rest of the turn (NLU, policies, a session start) on a loaded machine, so the user gets this
# apology with its urgent-help advice. The slowest real action takes well under a second.
ACTION_CALL_TIMEOUT_SECONDS = 12.0


def install(apology: bool = True, reply_check: bool = True, kept_session: bool = True) -> None:
    """Make failed custom actions answer with ACTIONS_UNAVAILABLE (idempotent); the three parts can be left out
    one by one (rasa_ext/patches/settings.py: action_failures, reply_check, kept_session).

    Raises UnsupportedRasaVersion on another Rasa than 3.6.21: it replaces RemoteAction methods of that version.
    """
    global _installed, _patched
    if _patched or not (apology or reply_check or kept_session):
        return
    require_supported_rasa("rasa_ext.patches.action_failures")
    # Imported here, not at the top: tests read ACTIONS_UNAVAILABLE without loading Rasa and TensorFlow.
    import asyncio

    from rasa.core.actions.action import ActionExecutionRejection, ActionSessionStart, RemoteAction
    from rasa.shared.core.constants import ACTION_SESSION_START_NAME
    from rasa.shared.core.events import BotUttered
    from rasa.shared.exceptions import RasaException

    original_run = RemoteAction.run

    async def run_or_apologise(self: RemoteAction, output_channel, nlg, tracker, domain):
        if kept_session:
            _keep_session(self.action_endpoint)
        if not apology:
            return await original_run(self, output_channel, nlg, tracker, domain)
        try:
            # (Rasa passes its own 300 s to each request, which overrides the session's timeout: bound it here.)
            return await asyncio.wait_for(
                original_run(self, output_channel, nlg, tracker, domain), ACTION_CALL_TIMEOUT_SECONDS
            )
        except ActionExecutionRejection:
            raise  # not a failure: it lets the policies choose another action
        except Exception as error:  # whatever failed, the user must not be left without a reply
            if isinstance(error, RasaException):
                pass  # Rasa has already logged the cause (connection refused, HTTP status)
            elif isinstance(error, asyncio.TimeoutError):
                logger.error("custom action '%s' gave no reply in %g s", self.name(), ACTION_CALL_TIMEOUT_SECONDS)
            else:  # (the class only: the message may quote the reply, and so what the user said)
                logger.error("custom action '%s' sent a reply Rasa cannot use (%s)", self.name(), type(error).__name__)
            if self.name() == ACTION_SESSION_START_NAME:
                # Start the session without the welcome; the user's message itself gets the apology.
                return await ActionSessionStart().run(output_channel, nlg, tracker, domain)
            logger.error("custom action '%s' failed; the user was asked to try again", self.name())
            return [BotUttered(text=ACTIONS_UNAVAILABLE)]

    if apology or kept_session:
        RemoteAction.run = run_or_apologise
    if reply_check:
        RemoteAction._validate_action_result = _validate_with_cached_validator
    _installed, _patched = apology, True  # (the safety net warns at its first message when no apology is installed)


class _KeptSession:
    """What `async with endpoint.session()` gives Rasa: the endpoint's one session, left open afterwards."""

    def __init__(self, session: Any):
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *error: Any) -> None:
        return None


def _keep_session(endpoint: Any) -> None:
    """Make the endpoint reuse one aiohttp session (and its connections) on the running event loop."""
    if endpoint is None or getattr(endpoint, "_kept_sessions", None) is not None:
        return
    import asyncio

    import aiohttp

    sessions: dict[Any, Any] = {}

    def session() -> _KeptSession:
        loop = asyncio.get_running_loop()
        if loop not in sessions or sessions[loop].closed:
            auth = (
                aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
                if endpoint.basic_auth
                else None
            )
            sessions[loop] = aiohttp.ClientSession(
                headers=endpoint.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=ACTION_CALL_TIMEOUT_SECONDS),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
                json_serialize=request_json,
            )
        return _KeptSession(sessions[loop])

    endpoint._kept_sessions = sessions
    endpoint.session = session


class ActionReplyCheck:
    """Rasa's check of an action server reply, accepting and rejecting exactly the same replies, faster.

    Each event in the reply must match exactly one of 23 event schemas (`oneOf`), each fixed to one event name
    (`"event": {"const": ...}`). jsonschema tries all 23 for every event, which took about a tenth of a turn
    here. As the names are distinct, an event matches exactly one alternative when it matches the one of its
    own name: that one alone is checked. Any reply this rejects is checked again with the whole schema, so a
    rejection raises the very error Rasa's own check raises.
    """

    def __init__(self, schema: dict[str, Any]):
        from jsonschema.validators import validator_for

        validator_class = validator_for(schema)
        self.whole = validator_class(schema)
        self.by_event_name = self._alternatives_by_event_name(schema, validator_class)
        if self.by_event_name is None:
            self.without_alternatives = None
        else:
            shallow = copy.deepcopy(schema)
            del shallow["properties"]["events"]["items"]["oneOf"]
            self.without_alternatives = validator_class(shallow)

    @staticmethod
    def _alternatives_by_event_name(schema: dict[str, Any], validator_class: Any) -> dict[str, Any] | None:
        """One validator per event name, or None when the schema is not shaped so (then the whole one is used)."""
        try:
            alternatives = schema["properties"]["events"]["items"]["oneOf"]
            names = [alternative["properties"]["event"]["const"] for alternative in alternatives]
        except (KeyError, TypeError):
            return None
        if len(set(names)) != len(names) or "$ref" in json.dumps(schema):
            return None
        return {name: validator_class(alternative) for name, alternative in zip(names, alternatives)}

    def accepts(self, reply: Any) -> bool:
        if self.without_alternatives is None or self.by_event_name is None:
            return bool(self.whole.is_valid(reply))
        if not self.without_alternatives.is_valid(reply):
            return False
        for event in reply.get("events") or ():
            alternative = self.by_event_name.get(event["event"])
            if alternative is None or not alternative.is_valid(event):
                return False
        return True

    def validate(self, reply: Any) -> None:
        """Raise jsonschema.ValidationError, as Rasa's check does, unless the reply is valid."""
        if not self.accepts(reply):
            self.whole.validate(reply)


def request_json(body: Any) -> str:
    """JSON of a request to the action server: ujson, or json.dumps for what ujson refuses (NaN, big ints)."""
    try:
        return str(ujson.dumps(body, ensure_ascii=False, escape_forward_slashes=False))
    except (TypeError, ValueError, OverflowError):
        return json.dumps(body)


@lru_cache(maxsize=1)
def _action_reply_check() -> ActionReplyCheck:
    from rasa.core.actions.action import RemoteAction

    return ActionReplyCheck(RemoteAction.action_response_format_spec())


def _validate_with_cached_validator(self: Any, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result with the check built once (same replies accepted, same errors)."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _action_reply_check().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            f"the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise
