"""Compare medspaCy's ConText with no context on the safety triage held-out sets.

Run in a separate virtualenv (medspaCy pins its own spaCy), not the project's .venv:

    python3.10 -m venv /tmp/medspacy && /tmp/medspacy/bin/pip install medspacy==1.3.1 pyyaml
    /tmp/medspacy/bin/python scripts/compare_medspacy.py [--examples]

Targets: the `any` phrases of the self_harm, emergency and same_day tiers of data/safety/phrases.yml, as
medspaCy TargetRules matched on lower case (no lemmas, no `all_of` groups, no `exclude` list: simpler than
safety/phrases.py). A message "alarms" when at least one target is not negated, historical,
hypothetical or family according to the ConText variant. Variants:
- off: every target counts;
- default: medspaCy's default English ConText rules;
- default_prune: the same rules with prune_on_target_overlap=True (medspaCy 1.3.1's overlap test misses a modifier
  lying strictly inside a target, so the "n't" of the target "can't breathe" negates that very target);
- added: default rules plus a few rules for patients' wording (ADDED_RULES below);
- repo_lists: default rules plus the repo's own qualifier lists (negations, past, resolved, hypothetical,
  other_person, educational, figurative) as ConText rules, to separate vocabulary from scope.
Uses spacy.blank("en") + medspaCy's PyRuSH sentence splitter; downloads nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import medspacy
import spacy
import yaml
from loguru import logger
from medspacy.context import ConTextRule
from medspacy.ner import TargetRule

ROOT = Path(__file__).resolve().parents[1]
PHRASES = ROOT / "data" / "safety" / "phrases.yml"
SETS = {
    "set_a": ROOT / "tests" / "safety" / "triage" / "set_a.yml",
    "final": ROOT / "tests" / "safety" / "triage" / "final.yml",
}
TIERS = ("self_harm", "emergency", "same_day")
SUPPRESSING = ("is_negated", "is_historical", "is_hypothetical", "is_family")
VARIANTS = ("off", "default", "default_prune", "added", "repo_lists")


def norm(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'")


def rules(category: str, literals: list[str], direction: str = "BIDIRECTIONAL") -> list[ConTextRule]:
    return [ConTextRule(norm(lit).lower(), category, direction=direction) for lit in literals]


# A few rules for patients' wording, chosen from the brief's examples before looking at the results.
ADDED_RULES = (
    rules("HYPOTHETICAL", ["lol", "lmao", "haha", "jk", "only joking", "just joking", "figuratively",
                           "killing me", "is killing me", "driving me mad", "what if", "in case",
                           "hypothetically", "suppose"])
    + rules("FAMILY", ["my cousin's", "cousin's", "a friend", "my friend", "friend's", "on placement",
                       "a patient", "my patient", "a colleague", "someone"])
    + rules("HISTORICAL", ["last week", "last month", "last year", "when i was", "when he was", "when she was",
                           "years ago", "months ago", "weeks ago", "as a child", "as a baby", "in the past",
                           "used to"])
)  # fmt: skip


def repo_list_rules(phrases: dict) -> list[ConTextRule]:
    out = rules("NEGATED_EXISTENCE", phrases["negations"], "FORWARD")
    out += rules("NEGATED_EXISTENCE", phrases["resolved"], "BACKWARD")
    out += rules("HISTORICAL", phrases["past"])
    for key in ("hypothetical", "educational", "figurative"):
        out += rules("HYPOTHETICAL", phrases[key])
    out += rules("FAMILY", phrases["other_person"])
    return out


def build(variant: str, phrases: dict) -> spacy.language.Language:
    enable = ["medspacy_pyrush", "medspacy_target_matcher"] + ([] if variant == "off" else ["medspacy_context"])
    nlp = medspacy.load(spacy.blank("en"), medspacy_enable=enable)
    seen = set()
    targets = []
    for tier in TIERS:
        for phrase in phrases[tier]["any"]:
            lit = norm(str(phrase)).lower()
            if lit not in seen:
                seen.add(lit)
                targets.append(TargetRule(lit, tier.upper()))
    nlp.get_pipe("medspacy_target_matcher").add(targets)
    if variant == "default_prune":
        nlp.get_pipe("medspacy_context").prune_on_target_overlap = True
    elif variant == "added":
        nlp.get_pipe("medspacy_context").add(ADDED_RULES)
    elif variant == "repo_lists":
        nlp.get_pipe("medspacy_context").add(repo_list_rules(phrases))
    return nlp


def analyse(nlp, text: str, context: bool) -> tuple[bool, list[str]]:
    doc = nlp(norm(text))
    alarm = False
    notes = []
    for ent in doc.ents:
        flags = [a[3:] for a in SUPPRESSING if context and getattr(ent._, a)]
        if not flags:
            alarm = True
        mods = []
        if context:
            mods = [f"{m.category}:'{doc[m.modifier_span[0]:m.modifier_span[1]]}'" for m in ent._.modifiers]
        notes.append(f"[{ent.text}]{'' if not mods else ' <- ' + ', '.join(mods)}")
    return alarm, notes


def groups(data: dict) -> dict[str, list[str]]:
    out = {
        "emergency": list(data["emergency"]) + list(data["emergency_during_activity"]),
        "same_day": list(data["same_day"]),
        "ordinary": [m for msgs in data["ordinary"].values() for m in msgs],
        "crisis": list(data["crisis"]) + list(data["crisis_child"]),
    }
    for kind, msgs in data["ordinary"].items():
        out[f"ordinary.{kind}"] = list(msgs)
    for key in ("distress", "treatment_plan"):
        out[key] = list(data[key])
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--phrases", type=Path, default=PHRASES, help="phrases file (default: the repo's)")
    ap.add_argument("--examples", action="store_true", help="print messages where default ConText changes the outcome")
    args = ap.parse_args()
    logger.remove()  # PyRuSH logs every sentence at DEBUG level
    logger.add(sys.stderr, level="WARNING")
    raw = args.phrases.read_bytes()
    phrases = yaml.safe_load(raw.decode("utf-8"))
    nlps = {v: build(v, phrases) for v in VARIANTS}
    print(f"medspacy {medspacy.__version__}, spacy {spacy.__version__}, python {sys.version.split()[0]}")
    print("pipeline (default):", nlps["default"].pipe_names)
    targets = len(nlps["off"].get_pipe("medspacy_target_matcher").rules)  # type: ignore[attr-defined]
    print(f"phrases: {args.phrases} sha256 {hashlib.sha256(raw).hexdigest()[:12]}, targets: {targets}")
    for set_name, path in SETS.items():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        print(f"\n## {set_name}")
        header = f"{'group':32}" + "".join(f"{v:>14}" for v in VARIANTS)
        print(header)
        examples = []
        silenced: dict[str, dict[str, int]] = {}
        for group, msgs in groups(data).items():
            counts = {}
            for v in VARIANTS:
                n = 0
                for m in msgs:
                    alarm, notes = analyse(nlps[v], m, context=(v != "off"))
                    n += alarm
                    if args.examples and v == "default" and not group.startswith("ordinary."):
                        off_alarm, _ = analyse(nlps["off"], m, context=False)
                        if off_alarm != alarm:
                            examples.append((group, m, notes))
                            for cat in {c for n in notes for c in re.findall(r"([A-Z_]+):'", n)}:
                                silenced.setdefault(group, {}).setdefault(cat, 0)
                                silenced[group][cat] += 1
                counts[v] = n
            print(f"{group:32}" + "".join(f"{str(counts[v]) + '/' + str(len(msgs)):>14}" for v in VARIANTS))
        if args.examples:
            print("\nmodifier categories on messages silenced by default ConText:", silenced)
            print(f"\n### {set_name}: messages whose outcome default ConText changes (vs context off)")
            for group, m, notes in examples:
                print(f"- ({group}) {m!r}\n    {'; '.join(notes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
