"""How well the bot tells a specific question from a general one, on the content's own wordings (no held-out
data): 5 folds over the specific answers' wordings and the topics' example questions. Each fold trains the topic
classifier and builds the answer index without its wordings, then reads them as the actions do
(actions/analysis.py MessageAnalysis.specific_answer). Reports, per fold and overall: answer wordings that get
their own answer, another answer, or none; topic examples that wrongly get a specific answer.

    PYTHONPATH=. .venv/bin/python scripts/answer_match_check.py      (about 3 minutes)
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

from actions.analysis import MessageAnalysis
from knowledge.content import load_content
from knowledge.settings import CONTENT_DIR
from knowledge.snapshot import Snapshot
from rasa_ext.components.topic_model import TopicModel

FOLDS = 5


def main() -> None:
    content = load_content(CONTENT_DIR)
    glossary = {t.slug: [p for g in t.glossary for p in (g.term, *g.synonyms)] for t in content.topics.values()}
    rng = random.Random(1)
    asks = [(answer.id, wording) for answer in content.answers for wording in answer.asks]
    examples = [(topic.slug, example) for topic in content.topics.values() for example in topic.examples]
    fold_of_ask = {item: rng.randrange(FOLDS) for item in asks}
    fold_of_example = {item: rng.randrange(FOLDS) for item in examples}
    totals: Counter[str] = Counter()
    for fold in range(FOLDS):
        answers = [
            dataclasses.replace(a, asks=tuple(w for w in a.asks if fold_of_ask[(a.id, w)] != fold))
            for a in content.answers
        ]
        topics = {
            slug: dataclasses.replace(t, examples=tuple(e for e in t.examples if fold_of_example[(slug, e)] != fold))
            for slug, t in content.topics.items()
        }
        snapshot = Snapshot(dataclasses.replace(content, answers=answers, topics=topics), "check")
        texts = [e for t in topics.values() for e in t.examples]  # as knowledge.content.topic_questions
        labels = [t.slug for t in topics.values() for _ in t.examples]
        model = TopicModel(glossary).fit(texts, labels)

        def read(text: str, model: TopicModel = model, snapshot: Snapshot = snapshot) -> MessageAnalysis:
            prediction = model.predict(text)
            return MessageAnalysis(
                text=text,
                store=snapshot,  # type: ignore[arg-type]  # the snapshot answers the same lookups
                ranking=prediction.ranking,
                none=prediction.none,
                named=prediction.named,
            )

        counts: Counter[str] = Counter()
        for answer_id, wording in (item for item in asks if fold_of_ask[item] == fold):
            found = read(wording).specific_answer
            counts["asks"] += 1
            counts["none" if found is None else "own" if found.answer.id == answer_id else "other"] += 1
        for _slug, example in (item for item in examples if fold_of_example[item] == fold):
            counts["examples"] += 1
            counts["example_taken"] += read(example).specific_answer is not None
        print(
            f"fold {fold}: answer wordings {counts['asks']}: own {counts['own']}, another {counts['other']}, "
            f"none {counts['none']}; topic examples {counts['examples']}: given an answer {counts['example_taken']}"
        )
        totals.update(counts)
    print(
        f"all: answer wordings own {totals['own'] / totals['asks']:.2f}, "
        f"another {totals['other'] / totals['asks']:.2f}, none {totals['none'] / totals['asks']:.2f}; "
        "topic examples given an answer "
        f"{totals['example_taken'] / totals['examples']:.2f}"
    )


if __name__ == "__main__":
    main()
