"""The scale test's judge, alone: how it counts what users got, and that it knows every apology the bot gives."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from deploy.scaled import edge_apology_json
from rasa_ext.patches.action_failures import ACTIONS_UNAVAILABLE as ACTION_FAILED
from scripts.scale_test import check
from tests.support.replies import STORE_DOWN

ROOT = Path(__file__).resolve().parents[2]


def locust_apologies() -> tuple[str, ...]:
    source = (ROOT / "deploy" / "locustfile.py").read_text()
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.Assign) and n.targets[0].id == "APOLOGY")
    return ast.literal_eval(node.value)


def test_the_load_test_recognises_every_apology_of_the_bot():
    edge = json.loads(edge_apology_json())[0]["text"]  # what nginx answers (deploy/scaled.py renders the template)
    for apology in (STORE_DOWN, ACTION_FAILED, edge):
        assert any(apology.startswith(prefix) for prefix in locust_apologies()), apology


def turn(seq: int, message: str, status: int = 200, apology: bool = False, context_ok: bool = True) -> dict:
    return {
        "sender": "s",
        "seq": seq,
        "message": message,
        "status": status,
        "replies": 1 if status == 200 else 0,
        "apology": apology,
        "context_ok": context_ok,
    }


def test_a_clean_conversation_counts_nothing_bad():
    turns = [turn(0, "hello"), turn(1, "what is butyrate?"), turn(2, "tell me more")]
    counts = check(turns, {"s": [0, 1, 2]})
    assert (
        counts["answered"] == 3
        and sum(counts[k] for k in ("duplicated", "out of order", "missing from the store", "context lost", "lost"))
        == 0
    )


def test_duplicates_reordering_and_missing_turns_are_counted():
    turns = [turn(0, "hello"), turn(1, "what is butyrate?"), turn(2, "tell me more")]
    counts = check(turns, {"s": [0, 2, 1, 2]})
    assert (counts["duplicated"], counts["out of order"]) == (1, 1)
    assert check(turns, {"s": [0, 2]})["missing from the store"] == 1


def test_context_is_judged_only_when_the_conversation_so_far_was_answered():
    failed_first = [turn(0, "hello"), turn(1, "quiz me", apology=True), turn(2, "stop", context_ok=False)]
    assert check(failed_first, {"s": [0, 2]})["context lost"] == 0
    lost = [turn(0, "hello"), turn(1, "quiz me"), turn(2, "stop", context_ok=False)]
    assert check(lost, {"s": [0, 1, 2]})["context lost"] == 1
    next_cycle = [*failed_first, turn(3, "hello"), turn(4, "quiz me"), turn(5, "stop", context_ok=False)]
    assert check(next_cycle, {"s": [0, 2, 3, 4, 5]})["context lost"] == 1
    assert check([turn(0, "hello", status=502)], {"s": []})["lost"] == 1
