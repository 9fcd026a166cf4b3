"""The bot's fixed safety replies as the domain defines them, so tests never retype them."""
from __future__ import annotations

from pathlib import Path

import yaml

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))


def variant(response: str, tier: str | None = None) -> str:
    """The text of a domain response: the variant for a safety_tier value, or the default (None)."""
    for item in DOMAIN["responses"][response]:
        values = [c.get("value") for c in item.get("condition", [])]
        if (tier is None and not values) or tier in values:
            return item["text"]
    raise KeyError(f"{response} has no variant for {tier}")


def opening(text: str) -> str:
    """The first sentence of a reply: what a reader sees first."""
    return text.split(". ")[0].split(":")[0]


EMERGENCY = variant("utter_red_flag", "emergency")
SAME_DAY = variant("utter_red_flag")
SELF_HARM = variant("utter_self_harm")
SELF_HARM_CHILD = variant("utter_self_harm", "self_harm_child")
DISTRESS = variant("utter_distress")
URGENT_OPENINGS = tuple(opening(t) for t in (EMERGENCY, SAME_DAY, SELF_HARM, SELF_HARM_CHILD))
