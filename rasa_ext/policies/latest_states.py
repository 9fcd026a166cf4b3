"""The last few dialogue states of a conversation, as Rasa 3.6.21 computes them, without replaying it all.

Rasa turns a tracker into states by replaying every applied event of the conversation into a fresh tracker and
taking the state before each action and at the end (DialogueStateTracker.generate_all_prior_trackers and
Domain.states_for_tracker_history). `latest_states` does that replay but keeps only the last states asked for.
`StateReplays` also remembers each conversation's replay, by sender id: asked again later (the next prediction
of a turn, or the next turn, whether the tracker store hands over the same tracker object or a new one read from
the database, by this Rasa process or another), it replays only the events added since. It continues only when
the tracker still holds the events it replayed, checked in constant time: at least as many events, and the same
first and last replayed events (type, timestamp, content); a deleted and restarted conversation under the same
sender id fails that check. Events that rewrite history (a restart, a new session, an undo, a form) make it
replay the conversation from the start.
"""

from __future__ import annotations

import copy
import itertools
from collections import OrderedDict, deque
from dataclasses import dataclass

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

# Events after which the applied events are no longer the earlier ones plus the new ones.
REWRITES_HISTORY = (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted, ActiveLoop)


def latest_states(tracker: DialogueStateTracker, domain: Domain, count: int) -> list[State]:
    """The last `count` states of `tracker.past_states(domain)`, computing only those."""
    return _Replay.of(tracker, domain, count).states()


def _same_event(one: Event | None, other: Event | None) -> bool:
    """The same event, also when read again from the tracker store: its timestamp tells equal-looking ones apart."""
    if one is other:
        return True
    return one is not None and other is not None and one.timestamp == other.timestamp and one == other


@dataclass
class _Replay:
    sender_id: str
    domain: Domain
    consumed: int  # how many of the tracker's events the replay has seen
    first_seen: Event | None
    last_seen: Event | None
    prior: DialogueStateTracker  # the replayed tracker
    before_actions: deque[State]  # the latest states before an action
    can_continue: bool

    @classmethod
    def of(cls, tracker: DialogueStateTracker, domain: Domain, count: int) -> _Replay:
        applied = tracker.applied_events()
        total_actions = sum(isinstance(event, ActionExecuted) for event in applied)
        first_kept = total_actions - (count - 1)
        replay = cls(
            sender_id=tracker.sender_id,
            domain=domain,
            consumed=len(tracker.events),
            first_seen=tracker.events[0] if tracker.events else None,
            last_seen=tracker.events[-1] if tracker.events else None,
            prior=tracker.init_copy(),
            before_actions=deque(maxlen=max(count - 1, 0)),
            # a form's executions can be undone later; a capped history loses its first events
            can_continue=tracker.events.maxlen is None
            and not any(isinstance(event, ActiveLoop) and event.name for event in tracker.events),
        )
        index = 0
        for event in applied:
            if isinstance(event, ActionExecuted):
                if index >= first_kept:
                    replay.before_actions.append(replay.state())
                index += 1
            replay.prior.update(event)
        return replay

    def state(self) -> State:
        return self.domain._clean_state(self.domain.get_active_state(self.prior))

    def states(self) -> list[State]:
        count = (self.before_actions.maxlen or 0) + 1
        return copy.deepcopy([*self.before_actions, self.state()][-count:])

    def continues(self, tracker: DialogueStateTracker, domain: Domain, count: int) -> bool:
        """Whether this replay can be brought up to date with the tracker's new events alone."""
        events = tracker.events
        return (
            self.can_continue
            and tracker.sender_id == self.sender_id
            and domain is self.domain
            and count == (self.before_actions.maxlen or 0) + 1
            and len(events) >= self.consumed
            and (
                self.consumed == 0
                or (_same_event(events[0], self.first_seen) and _same_event(events[self.consumed - 1], self.last_seen))
            )
            and not any(isinstance(e, REWRITES_HISTORY) for e in itertools.islice(events, self.consumed, None))
        )

    def catch_up(self, tracker: DialogueStateTracker) -> None:
        for event in itertools.islice(tracker.events, self.consumed, None):
            if isinstance(event, ActionExecuted):
                self.before_actions.append(self.state())
            self.prior.update(event)
            self.last_seen = event
        if self.first_seen is None and tracker.events:
            self.first_seen = tracker.events[0]
        self.consumed = len(tracker.events)


class StateReplays:
    """The latest states of the conversations asked about most recently (by sender id), each replayed once."""

    def __init__(self, size: int = 256):
        self.size = size
        self._replays: OrderedDict[str, _Replay] = OrderedDict()

    def latest(self, tracker: DialogueStateTracker, domain: Domain, count: int) -> list[State]:
        replay = self._replays.pop(tracker.sender_id, None)
        if replay is not None and replay.continues(tracker, domain, count):
            replay.catch_up(tracker)
        else:
            replay = _Replay.of(tracker, domain, count)
        self._replays[tracker.sender_id] = replay
        while len(self._replays) > self.size:
            self._replays.popitem(last=False)
        return replay.states()
