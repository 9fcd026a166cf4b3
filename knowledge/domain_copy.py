"""The bot's copy as domain.yml writes it, for the places that compose text themselves. All user-facing copy stays
in domain.yml:
- response_text(): a domain response's text, for replies sent where Rasa's response generator does not run (the
  channels' refusal of a message too long or empty, the Rasa server's apology for a failed custom action, nginx's
  apology), and for shared copy the actions pass into other responses as {variables} (utter_what_i_cover);
- copy_text(): the domain's `copy` section (button titles, the layout of knowledge content), which Rasa ignores.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DOMAIN_FILE = Path(__file__).resolve().parents[1] / "domain.yml"


@cache
def _domain(path: Path = DOMAIN_FILE) -> dict[str, Any]:
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def _responses() -> dict[str, list[dict]]:
    return dict(_domain()["responses"])


def response_text(name: str, **values: object) -> str:
    """The first variant's text of the response `name`, with its {placeholders} filled; KeyError if it is missing."""
    variants = _responses().get(name)
    if not variants or not variants[0].get("text"):
        raise KeyError(f"domain.yml has no response {name!r} with a text")
    return str(variants[0]["text"]).format(**values) if values else str(variants[0]["text"])


def copy_text(section: str, key: str, /, **values: object) -> str:
    """The `copy` section's text `section`.`key` (e.g. buttons.more_detail), with its {placeholders} filled."""
    text = _domain().get("copy", {}).get(section, {}).get(key)
    if not isinstance(text, str):
        raise KeyError(f"domain.yml has no copy {section}.{key}")
    return text.format(**values)
