"""Cross-validation of the learned safety model on its training data alone (no held-out set is read).

The training data is what the Rasa component trains on: data/safety/examples.yml and the bot's NLU examples
(data/nlu/nlu.yml and the generated build/nlu/topics.yml: run `make nlu-data` first).

Prints, for each threshold the safety net could use, how many emergencies the model alone recognises and how
many ordinary examples it would alarm on: the numbers the thresholds in rasa_ext/components/safety_net.py come from.
Usage: python scripts/safety_model_check.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import yaml
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from safety.model import SafetyModel, training_set  # noqa: E402

FOLDS = 5
ROOT = Path(__file__).resolve().parents[1]
NLU_FILES = (ROOT / "data" / "nlu" / "nlu.yml", ROOT / "build" / "nlu" / "topics.yml")
ENTITY_MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def nlu_examples() -> list[tuple[str, str]]:
    """(text, intent) of Rasa's NLU YAML files, read without Rasa: "[fibre](term)" is "fibre"."""
    found = []
    for path in NLU_FILES:
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" in item:
                examples = item["examples"]
                if isinstance(examples, str):
                    lines = [line.strip().removeprefix("- ") for line in examples.splitlines()]
                else:  # the long form: a list of {text, metadata}
                    lines = [example["text"] for example in examples]
                found += [(ENTITY_MARKUP.sub(r"\1", line).strip(), item["intent"]) for line in lines]
    return [(text, intent) for text, intent in found if text]


def main() -> None:
    texts, labels, weights = training_set(intent_examples=nlu_examples())
    y = np.array(labels)
    rows: list[dict[str, float]] = [{} for _ in texts]
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=1).split(texts, y):
        model = SafetyModel.train([texts[i] for i in train], [labels[i] for i in train], [weights[i] for i in train])
        for i in test:
            rows[i] = model.probabilities(texts[i])
    print(f"{len(texts)} examples: " + ", ".join(f"{k} {sum(y == k)}" for k in sorted(set(labels))))
    for threshold in (0.4, 0.5, 0.6, 0.7, 0.8):
        emergency = np.mean([r["emergency"] >= threshold for r, t in zip(rows, y) if t == "emergency"])
        urgent = np.mean(
            [r["emergency"] + r["same_day"] >= threshold for r, t in zip(rows, y) if t in ("emergency", "same_day")]
        )
        crisis = np.mean([r["crisis"] >= threshold for r, t in zip(rows, y) if t == "crisis"])
        calm = [t for t in y if t in ("ordinary", "distress", "treatment_plan")]
        false_urgent = sum(
            r["emergency"] + r["same_day"] >= threshold for r, t in zip(rows, y) if t in ("ordinary", "distress")
        )
        false_crisis = sum(r["crisis"] >= threshold for r, t in zip(rows, y) if t in ("ordinary", "distress"))
        print(
            f"threshold {threshold}: emergency recall {emergency:.2f}, urgent recall {urgent:.2f}, crisis recall "
            f"{crisis:.2f}; of {len(calm)} calm examples, {false_urgent} urgent and {false_crisis} crisis alarms"
        )


if __name__ == "__main__":
    main()
