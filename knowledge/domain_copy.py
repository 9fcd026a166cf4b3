"""The text of a domain response (domain.yml), for the few replies sent where Rasa's response generator does not
run: the channels' refusal of a message too long or empty (before Rasa), the Rasa server's apology for a failed
custom action, and nginx's apology for a turn no process answered. All user-facing copy stays in domain.yml.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DOMAIN_FILE = Path(__file__).resolve().parents[1] / "domain.yml"


@cache
def _responses(path: Path = DOMAIN_FILE) -> dict[str, list[dict]]:
    return dict(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"])


def response_text(name: str, **values: object) -> str:
    """The first variant's text of the response `name`, with its {placeholders} filled; KeyError if it is missing."""
    variants = _responses().get(name)
    if not variants or not variants[0].get("text"):
        raise KeyError(f"domain.yml has no response {name!r} with a text")
    return str(variants[0]["text"]).format(**values) if values else str(variants[0]["text"])
