"""Calls of the action server carry the conversation's slots and this turn's events, not every event so far.

Rasa 3.6 sends the whole tracker, every event of the conversation, with each call of a custom action, and the
action server parses it all again: measured here, reading that JSON was 40% of the action server's time per
call, and the cost grew with every turn. This project's actions read the slots (where all context lives), the
latest message and the sender, never older events, so each call now holds the events from the user's latest
message on (or all of them before the first message, as in the call that starts a session). Everything else
in the call is what Rasa sends. An action written later that needs older events should keep what it needs in
a slot; if it must read `tracker.events`, it opts out: its name in ACTIONS_READING_OLDER_EVENTS and
`reads_older_events = True` on its class (tests/unit/test_action_events_contract.py holds both to the code).

Each call also carries `domain_digest`, the domain's fingerprint, as Rasa Pro's calls do: rasa-sdk 3.8 and later
(the action server runs 3.21 in .venv-actions) answer a call without a domain (endpoints.yml sends it only to
actions that ask for it) with HTTP 449 "Missing domain context" until they have been sent the domain with that
digest once, and Rasa 3.6 took that answer for a failed action. A 449 is now answered by sending the same call
again with the domain, once per action server process and model; older rasa-sdk versions ignore the digest.

`install()` is part of the Rasa server's start-up step (scripts/rasa_server.py).
"""

from __future__ import annotations

from typing import Any

from rasa_ext.patches.rasa_version import require_supported_rasa


def this_turns_events(tracker: Any) -> list[dict[str, Any]]:
    """The tracker's events from its latest user message on, as dicts; all of them if it has none."""
    from rasa.shared.core.events import UserUttered

    events = list(tracker.events)
    start = next((i for i in range(len(events) - 1, -1, -1) if isinstance(events[i], UserUttered)), 0)
    return [event.as_dict() for event in events[start:]]


# Custom actions that read events before the current turn (`tracker.events`): they get the whole history. None does
# today; tests/unit/test_action_events_contract.py fails when an action reads older events without being listed
# here (and without `reads_older_events = True` on its class, which must agree with this list).
ACTIONS_READING_OLDER_EVENTS: frozenset[str] = frozenset()


# What rasa-sdk answers a call without a domain when it holds no domain of that digest (ActionMissingDomainException)
DOMAIN_MISSING = 449
# the domain (as sent) of each digest sent so far: a few at most, one per model the process has loaded
_domains: dict[str, dict[str, Any]] = {}
_last_domain: list[Any] = [None, ""]  # the Domain object last seen and its digest: fingerprint() costs a whole as_dict


def domain_digest(domain: Any) -> str:
    """The domain's fingerprint (as Rasa Pro sends it), computed once per Domain object."""
    if _last_domain[0] is not domain:
        digest = domain.fingerprint()
        _domains[digest] = domain.as_dict()
        _last_domain[:] = [domain, digest]
    return _last_domain[1]


def resend_with_domain(endpoint: Any) -> None:
    """Make the endpoint answer a 449 by sending the same call again with the domain of its digest (idempotent)."""
    if endpoint is None or getattr(endpoint, "_resends_with_domain", False):
        return
    from rasa.utils.endpoints import ClientResponseError

    send = endpoint.request

    async def request(*args: Any, **kwargs: Any) -> Any:
        try:
            return await send(*args, **kwargs)
        except ClientResponseError as error:
            body = kwargs.get("json")
            if error.status != DOMAIN_MISSING or not isinstance(body, dict) or "domain" in body:
                raise
            domain = _domains.get(body.get("domain_digest", ""))
            if domain is None:
                raise
            return await send(*args, **{**kwargs, "json": {**body, "domain": domain}})

    endpoint.request = request
    endpoint._resends_with_domain = True


def install() -> None:
    """Make RemoteAction send this turn's events only, with the domain's digest (idempotent)."""
    require_supported_rasa(__name__)
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.trackers import EventVerbosity

    def call_with_this_turns_events(self: RemoteAction, tracker: Any, domain: Any) -> dict[str, Any]:
        """RemoteAction._action_call_format of Rasa 3.6.21, with this turn's events instead of all and the digest."""
        tracker_state = tracker.current_state(EventVerbosity.NONE)
        if self.name() in ACTIONS_READING_OLDER_EVENTS:
            tracker_state["events"] = [event.as_dict() for event in tracker.events]  # as Rasa sends them
        else:
            tracker_state["events"] = this_turns_events(tracker)
        result = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": tracker_state}
        result["version"] = rasa.__version__
        result["domain_digest"] = domain_digest(domain)
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
            result["domain"] = domain.as_dict()
        resend_with_domain(self.action_endpoint)
        return result

    RemoteAction._action_call_format = call_with_this_turns_events
