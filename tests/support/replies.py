"""The bot's fixed replies as the domain defines them, so tests never retype them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from rasa.core.nlg.interpolator import interpolate_text

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))
# Copy that several responses embed, written once as its own response: the action server passes it as a {variable}
# (actions/replies.py what_i_cover, advice_refusal); render() fills it in when a test does not.
SHARED = {
    "what_i_cover": DOMAIN["responses"]["utter_what_i_cover"][0]["text"],
    "advice_refusal": DOMAIN["responses"]["utter_advice_refused"][0]["text"],
}
VARIABLE = re.compile(r"{([^\n{}]+?)}")  # Rasa's placeholder pattern (rasa.core.nlg.interpolator)


def _item(response: str, tier: str | None = None) -> dict[str, Any]:
    for item in DOMAIN["responses"][response]:
        values = [c.get("value") for c in item.get("condition", [])]
        if (tier is None and not values) or tier in values:
            return item
    raise KeyError(f"{response} has no variant for {tier}")


def variant(response: str, tier: str | None = None) -> str:
    """The text of a domain response as written: the variant for a safety_tier value, or the default (None)."""
    return _item(response, tier)["text"]


def variables(response: str) -> set[str]:
    """The {variables} an action must pass to a response (shared copy included)."""
    return set(VARIABLE.findall(variant(response)))


def render(response: str, tier: str | None = None, **values: Any) -> str:
    """A response as Rasa sends it: its {variables} filled with Rasa's own interpolator (shared copy by default)."""
    text = variant(response, tier)
    missing = set(VARIABLE.findall(text)) - set(SHARED) - set(values)
    if missing:
        raise KeyError(f"{response} needs {sorted(missing)}")
    return interpolate_text(text, {**SHARED, **values})


def response_buttons(response: str) -> list[dict[str, str]]:
    """The buttons a domain response carries itself (an action may add more)."""
    return _item(response).get("buttons") or []


def opening(text: str) -> str:
    """The first sentence of a reply: what a reader sees first."""
    return text.split(". ")[0].split(":")[0]


EMERGENCY = render("utter_red_flag", "emergency")
SAME_DAY = render("utter_red_flag")
SELF_HARM = render("utter_self_harm")
SELF_HARM_CHILD = render("utter_self_harm", "self_harm_child")
EMERGENCY_NUMBERS = render("utter_emergency_numbers")  # the rules send it right after every urgent reply
DISTRESS = render("utter_distress")
URGENT_OPENINGS = tuple(opening(t) for t in (EMERGENCY, SAME_DAY, SELF_HARM, SELF_HARM_CHILD))
WELCOME = render("utter_welcome")  # the first message of every session
STORE_DOWN = render("utter_store_down")
REFUSAL = render("utter_advice_refused")  # opens every reply to a request for personal medical advice
