"""The safety net's tier for every message of the safety sets (tests/safety/**/*.yml), offline: phrase rules,
numbers and the learned model trained from data/safety and the NLU data, without the intent classifier (so the
crisis veto for short messages that reads it is off). For trying a change to the tiers before a model is trained.

    .venv/bin/python scripts/safety_tiers_offline.py [--letter-words N]

Prints, per file and label, how many messages get each tier. With --letter-words N it also prints what a rule
"a model-only emergency in a message of more than N words is same-day advice" would move (docs/safety.md, long
letters).
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasa_ext.components.safety_net import SafetyNet  # noqa: E402
from safety.model import SafetyModel  # noqa: E402
from safety.phrases import SafetyPhrases  # noqa: E402

Row = tuple[str, str, str, str, int]  # file, label, tier, what decided it, words


def tiers() -> list[Row]:
    model = SafetyModel.from_examples()
    net = SafetyNet(SafetyPhrases.from_file(), model)  # the component's decision without a Rasa model around it
    rows: list[Row] = []
    for path in sorted((ROOT / "tests" / "safety").rglob("*.yml")):
        sets = yaml.safe_load(path.read_text())
        for label, messages in (sets or {}).items() if isinstance(sets, dict) else ():
            for text in (m for m in messages or [] if isinstance(m, str)):
                tier, source = net.tier(text, model.probabilities(text))
                name = (tier or "none").replace("self_harm_child", "self_harm")
                rows.append((str(path.relative_to(ROOT / "tests" / "safety")), label, name, source, len(text.split())))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letter-words", type=int, default=0)
    args = parser.parse_args()
    rows = tiers()
    counts: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for file, label, tier, _, _ in rows:
        counts[(file, label)][tier] += 1
    for (file, label), c in counts.items():
        print(
            f"{file:24s} {label:26s} " + " ".join(f"{t}={c[t]}" for t in ("emergency", "same_day", "self_harm", "none"))
        )
    if args.letter_words:
        model_only = [r for r in rows if r[2] == "emergency" and r[3] == "model" and r[4] > args.letter_words]
        real = sum(1 for r in model_only if r[1].startswith("emergency"))
        print(
            f"model-only emergencies over {args.letter_words} words: {real} labelled emergency (would become "
            f"same day), {len(model_only) - real} labelled otherwise (false alarms removed)"
        )


if __name__ == "__main__":
    main()
