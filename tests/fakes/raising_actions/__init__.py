"""An action package for rasa-sdk whose every custom action of the domain raises, as a bug in an action would.

Run with `python -m rasa_sdk --actions tests.fakes.raising_actions`: rasa-sdk answers each call with HTTP 500.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action

DOMAIN = Path(__file__).resolve().parents[3] / "domain.yml"


def _raising_action(action_name: str) -> type[Action]:
    def run(self: Action, dispatcher: Any, tracker: Any, domain: Any) -> list[dict[str, Any]]:
        raise RuntimeError(f"a bug in {action_name}")

    return type(f"Raising_{action_name}", (Action,), {"name": lambda self: action_name, "run": run})


# (rasa-sdk registers every Action subclass it finds in the package: one per custom action of the domain)
ACTIONS = [
    _raising_action(name)
    for name in yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["actions"]
    if name.startswith("action_")
]
