"""Calls of the action server carry the conversation's slots and this turn's events, not every event so far.

Rasa 3.6 sends the whole tracker, every event of the conversation, with each call of a custom action, and the
action server parses it all again: measured here, reading that JSON was 40% of the action server's time per
call, and the cost grew with every turn. This project's actions read the slots (where all context lives), the
latest message and the sender, never older events, so each call now holds the events from the user's latest
message on (or all of them before the first message, as in the call that starts a session). Everything else
in the call is what Rasa sends. An action written later that needs older events must not rely on
`tracker.events`: keep what it needs in a slot.

`install()` is part of the Rasa server's start-up step (scripts/rasa_server.py).
"""

from __future__ import annotations

from typing import Any

from nlu_components.rasa_version import require_supported_rasa


def this_turns_events(tracker: Any) -> list[dict[str, Any]]:
    """The tracker's events from its latest user message on, as dicts; all of them if it has none."""
    from rasa.shared.core.events import UserUttered

    events = list(tracker.events)
    start = next((i for i in range(len(events) - 1, -1, -1) if isinstance(events[i], UserUttered)), 0)
    return [event.as_dict() for event in events[start:]]


def install() -> None:
    """Make RemoteAction send this turn's events only (idempotent)."""
    require_supported_rasa(__name__)
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.trackers import EventVerbosity

    def call_with_this_turns_events(self: RemoteAction, tracker: Any, domain: Any) -> dict[str, Any]:
        """RemoteAction._action_call_format of Rasa 3.6.21, with this turn's events instead of all."""
        tracker_state = tracker.current_state(EventVerbosity.NONE)
        tracker_state["events"] = this_turns_events(tracker)
        result = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": tracker_state}
        result["version"] = rasa.__version__
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
            result["domain"] = domain.as_dict()
        return result

    RemoteAction._action_call_format = call_with_this_turns_events
