"""The learned safety model's training examples stay apart from every held-out set: a test message copied into
training would make its figure a memory test."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from safety.model import load_examples

TESTS = Path(__file__).resolve().parents[1]
HELD_OUT = [*sorted((TESTS / "safety").rglob("*.yml")), *sorted((TESTS / "nlu").glob("*.yml"))]


def normalised(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def held_out_texts(node: object) -> set[str]:
    """Every message of a held-out file: strings anywhere in it, and each line of Rasa's `examples:` blocks."""
    if isinstance(node, str):
        return {normalised(node)} | {normalised(line.strip().removeprefix("- ")) for line in node.splitlines()}
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        return set().union(*(held_out_texts(item) for item in node)) if node else set()
    return set()


def test_no_held_out_message_is_a_safety_training_example():
    held_out = set().union(*(held_out_texts(yaml.safe_load(p.read_text(encoding="utf-8"))) for p in HELD_OUT))
    texts, _ = load_examples()
    assert len(held_out) > 1000  # the sets were read
    assert not [t for t in texts if normalised(t) in held_out]
