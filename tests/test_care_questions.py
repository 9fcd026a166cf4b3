"""Everyday-care questions (issue 23) answered over REST from the right topic: each held-out question of
tests/heldout/care_questions.yml (written by a helper who saw neither the content nor the training data) opens a
new conversation; the reply must be an answer (not a question back, "I don't know", an urgent or out-of-scope
reply) from its care topic, a topic card or one of the topic's specific answers (the `topic` slot)."""

from __future__ import annotations

import collections
import uuid
from pathlib import Path

import pytest
import yaml

from tests.support.triage import kind_of

pytestmark = pytest.mark.e2e
CARE = yaml.safe_load((Path(__file__).resolve().parent / "heldout" / "care_questions.yml").read_text("utf-8"))
TARGET = 0.95  # issue 22's figure for held-out questions over REST (printed)
# Asserted: a little below this set's first run (see the closing note of issue 23), so a change that makes
# care answers worse fails.
MIN_RIGHT_TOPIC = 0.80


def test_care_questions_are_answered_from_their_topic(stack):
    wrong: collections.Counter[tuple[str, str]] = collections.Counter()
    misses: list[str] = []
    for question in CARE["questions"]:
        sender = f"care-{uuid.uuid4().hex[:10]}"
        kinds = [kind_of(r.get("text") or "") for r in stack.say(sender, question["text"])]
        kinds = [k for k in kinds if k != "welcome"]
        got = stack.slot(sender, "topic") if kinds[:1] == ["answer"] else (kinds[:1] or ["nothing"])[0]
        if got != question["topic"]:
            wrong[(question["topic"], str(got))] += 1
            misses.append(f"{question['text']} -> {got}")
    total = len(CARE["questions"])
    right = 1 - sum(wrong.values()) / total
    print(f"\ncare questions answered from their topic over REST: {right:.3f} of {total} (target {TARGET})")
    for (expected, got), count in wrong.most_common():
        print(f"  {expected:24} -> {got}: {count}")
    assert right >= MIN_RIGHT_TOPIC, misses
