"""Phrase rules that recognise urgent messages whatever the NLU model thinks.

No Rasa imports here, so the rules can be tested alone.

Rules live in data/safety/phrases.yml. A category fires when one of its `any` phrases occurs, or when
every group of one of its `all_of` rules has a phrase in the message. Matching is on lower case and on
lemmas, so "blisters", "blistering" and "blistered" all match "blister". `exclude` phrases are removed
first (so "hay fever" is not a fever).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from actions.knowledge.nlp import load_pipeline  # first: it imports spaCy without TensorFlow

from spacy.language import Language  # noqa: E402
from spacy.matcher import PhraseMatcher  # noqa: E402

PHRASES_FILE = Path(__file__).resolve().parents[1] / "data" / "safety" / "phrases.yml"


@dataclass(frozen=True)
class SafetyMatch:
    category: str       # e.g. red_flag, self_harm
    evidence: tuple[str, ...]  # the phrases that fired


class SafetyPhrases:
    def __init__(self, rules: dict, nlp: Language | None = None):
        self.nlp = nlp or load_pipeline()
        self.order = [c for c in rules if c != "exclude"]
        self.rules = rules
        self._matchers = [PhraseMatcher(self.nlp.vocab, attr="LOWER"), PhraseMatcher(self.nlp.vocab, attr="LEMMA")]
        labels: dict[str, list[str]] = {}
        for category in self.order:
            spec = rules[category]
            labels[f"{category}:any"] = spec.get("any", [])
            for group, phrases in spec.get("groups", {}).items():
                labels[f"{category}:{group}"] = phrases
        labels["exclude"] = rules.get("exclude", [])
        for label, phrases in labels.items():
            if phrases:
                for matcher in self._matchers:
                    matcher.add(label, [self.nlp(p.lower()) for p in phrases])

    @classmethod
    def from_file(cls, path: Path = PHRASES_FILE) -> "SafetyPhrases":
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def check(self, text: str) -> SafetyMatch | None:
        doc = self.nlp(text.lower())
        hits = [(self.nlp.vocab.strings[m], s, e) for matcher in self._matchers for m, s, e in matcher(doc)]
        excluded = {i for label, s, e in hits if label == "exclude" for i in range(s, e)}
        found: dict[str, list[str]] = {}
        for label, start, end in hits:
            if label != "exclude" and not excluded.intersection(range(start, end)):
                found.setdefault(label, []).append(doc[start:end].text)
        for category in self.order:  # order in the file is priority order
            if f"{category}:any" in found:
                return SafetyMatch(category, tuple(found[f"{category}:any"]))
            for groups in self.rules[category].get("all_of", []):
                if all(f"{category}:{g}" in found for g in groups):
                    return SafetyMatch(category, tuple(p for g in groups for p in found[f"{category}:{g}"]))
        return None
