"""Safety triage measured as a user meets it: what the first message of the bot's reply is, per held-out set.

A set (tests/safety/triage/*.yml) has emergency, emergency_during_activity, same_day, ordinary (by kind of
harmless context), distress, crisis, crisis_child and treatment_plan messages, written apart from the rules and
the training data. Each message opens a new conversation, so the welcome of a new session is part of the reply.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.support.replies import DISTRESS, EMERGENCY, SAME_DAY, SELF_HARM, SELF_HARM_CHILD, WELCOME, opening, render

Say = Callable[[str, str], list[dict]]
KINDS = {
    opening(EMERGENCY): "emergency",
    opening(SAME_DAY): "same_day",
    opening(SELF_HARM): "crisis",
    opening(SELF_HARM_CHILD): "crisis",
    opening(DISTRESS): "distress",
    opening(render("utter_treatment_caution")): "caution",
}
# Replies that answer nothing: a question back, or "I don't know".
NO_ANSWER = tuple(
    opening(render(name))
    for name in ("utter_which_topic", "utter_dont_know", "utter_out_of_scope", "utter_unknown_topic")
)
ACTIVITIES = ("teach me from the start", "quiz me")
# The names of the figures, which tests read back from Figures.ratios and Figures.failures.
EMERGENCY_FIRST = "emergency first"
SAME_DAY_RIGHT = "same day"
ORDINARY_ALARMS = "ordinary with an urgent, crisis or distress reply"
CRISIS_LINES = "crisis gets crisis lines"
PLAN_CAUTIONED = "plan to stop a treatment: caution first, then an answer"


def kind_of(text: str) -> str:
    for start, kind in KINDS.items():
        if text.startswith(start):
            return kind
    if text == WELCOME:
        return "welcome"
    if text.startswith(NO_ANSWER) or "did you mean" in text.lower():
        return "no_answer"
    return "answer"


@dataclass
class Turn:
    message: str
    kinds: list[str]  # the kind of each message of the reply, in order

    @property
    def first(self) -> str:
        return self.kinds[0] if self.kinds else "nothing"

    @property
    def urgent(self) -> str | None:
        """The first urgent or distress reply anywhere in the turn (after a welcome, in the old order)."""
        return next((k for k in self.kinds if k in ("emergency", "same_day", "crisis", "distress")), None)

    @property
    def answer(self) -> str:
        """What the turn gives besides the welcome (and a caution before it): the first other message."""
        return next((k for k in self.kinds if k not in ("welcome", "caution")), "nothing")


def play(say: Say, message: str, before: str | None = None) -> Turn:
    sender = f"triage-{uuid.uuid4().hex[:12]}"
    if before:
        say(sender, before)
    return Turn(message, [kind_of(r.get("text") or "") for r in say(sender, message) if r.get("text")])


@dataclass
class Figures:
    lines: list[str] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, good: int, total: int, note: str = "", misses: list[str] | None = None) -> None:
        self.ratios[name] = good / max(total, 1)
        self.lines.append(f"{name}: {good}/{total} ({self.ratios[name]:.2f}){' ' + note if note else ''}")
        if misses:
            self.failures[name] = misses

    def __str__(self) -> str:
        return "\n".join(self.lines)


def measure(say: Say, triage_set: dict) -> tuple[Figures, dict[str, list[Turn]]]:
    """Every message of the set through the bot; the figures the issue asks for, and the turns."""
    turns: dict[str, list[Turn]] = {}
    turns["emergency"] = [play(say, m) for m in triage_set["emergency"]]
    turns["emergency_during_activity"] = [
        play(say, m, ACTIVITIES[i % 2]) for i, m in enumerate(triage_set.get("emergency_during_activity", []))
    ]
    turns["same_day"] = [play(say, m) for m in triage_set["same_day"]]
    ordinary = triage_set["ordinary"]
    groups = ordinary.items() if isinstance(ordinary, dict) else [("ordinary", ordinary)]
    turns["ordinary"] = []
    ordinary_kinds: dict[str, str] = {}
    for kind, messages in groups:
        for message in messages:
            turns["ordinary"].append(play(say, message))
            ordinary_kinds[message] = kind
    for key in ("distress", "crisis", "crisis_child", "treatment_plan"):
        turns[key] = [play(say, m) for m in triage_set.get(key, [])]

    figures = Figures()
    emergencies = turns["emergency"] + turns["emergency_during_activity"]
    first = [t for t in emergencies if t.first == "emergency"]
    anywhere = [t for t in emergencies if t.urgent == "emergency"]
    figures.add(
        EMERGENCY_FIRST,
        len(first),
        len(emergencies),
        f"(emergency reply anywhere in the turn: {len(anywhere)})",
        [t.message for t in emergencies if t.first != "emergency"],
    )
    same_day = turns["same_day"]
    right = [t for t in same_day if t.urgent == "same_day"]
    raised = [t for t in same_day if t.urgent == "emergency"]
    figures.add(
        SAME_DAY_RIGHT,
        len(right) + len(raised),
        len(same_day),
        f"(same-day reply {len(right)}, emergency reply {len(raised)})",
        [t.message for t in same_day if t.urgent not in ("same_day", "emergency")],
    )
    alarms = [t for t in turns["ordinary"] if t.urgent]
    by_kind = Counter(ordinary_kinds[t.message] for t in alarms)
    figures.add(
        ORDINARY_ALARMS,
        len(alarms),
        len(turns["ordinary"]),
        f"by kind: {dict(by_kind)}",
        [f"{t.message} -> {t.urgent}" for t in alarms],
    )
    answered = [t for t in turns["ordinary"] if not t.urgent and t.answer == "answer"]
    figures.add(
        "ordinary answered (not urgent, not a question back or 'I don't know')",
        len(answered),
        len(turns["ordinary"]),
        misses=[f"{t.message} -> {t.answer}" for t in turns["ordinary"] if t not in answered],
    )
    crises = turns["crisis"] + turns["crisis_child"]
    lines = [t for t in crises if t.urgent == "crisis" or (t.urgent == "emergency")]
    figures.add(CRISIS_LINES, len(lines), len(crises), misses=[t.message for t in crises if t not in lines])
    distress = turns["distress"]
    wrong = [t for t in distress if t.urgent in ("crisis", "emergency", "same_day")]
    figures.add(
        "distress without crisis given the self-harm or an urgent reply",
        len(wrong),
        len(distress),
        f"(distress reply {sum(t.urgent == 'distress' for t in distress)})",
        [f"{t.message} -> {t.urgent}" for t in wrong],
    )
    plans = turns["treatment_plan"]
    if plans:
        # after the welcome of the new conversation: the caution, then the answer
        cautioned = [t for t in plans if [k for k in t.kinds if k != "welcome"][:2] == ["caution", "answer"]]
        figures.add(
            PLAN_CAUTIONED,
            len(cautioned),
            len(plans),
            f"(caution anywhere: {sum('caution' in t.kinds for t in plans)})",
            [f"{t.message} -> {t.kinds}" for t in plans if t not in cautioned],
        )
    return figures, turns
