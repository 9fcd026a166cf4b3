"""The held-out question sets of issue 22 (tests/heldout/: real public questions and short questions written
apart from the content) stay out of everything the bot learns from or matches against: topic examples, the
wordings of specific answers, myths' phrasings and the NLU data."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from knowledge.content import load_content, topic_questions
from knowledge.settings import CONTENT_DIR

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def normalised(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def held_out() -> set[str]:
    texts: set[str] = set()
    for path in sorted((TESTS / "heldout").glob("*.yml")):
        texts |= {normalised(q["text"]) for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]}
    return texts


def training_texts() -> set[str]:
    content = load_content(CONTENT_DIR)
    texts = {normalised(text) for text, _ in topic_questions(content)}
    texts |= {normalised(w) for answer in content.answers for w in answer.wordings}
    texts |= {normalised(p) for myth in content.myths for p in (myth.claim, *myth.phrasings)}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            examples = block.get("examples") if isinstance(block, dict) else None
            if isinstance(examples, str):
                texts |= {
                    normalised(line.strip()[2:]) for line in examples.splitlines() if line.strip().startswith("- ")
                }
    return texts


def test_no_held_out_question_is_in_the_training_or_matching_data():
    questions = held_out()
    assert len(questions) >= 170  # both sets were read
    assert sorted(questions & training_texts()) == []
