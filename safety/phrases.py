"""Phrase rules that recognise urgent messages whatever the NLU model thinks, and choose their tier.

No Rasa imports here, so the rules can be tested alone.

Rules live in data/safety/phrases.yml. Each tier (self_harm, emergency, same_day, in priority order: the
file's order) fires when one of its `any` phrases occurs, or when every group of one of its `all_of` rules
has a phrase in the message. Matching is on lower case and on lemmas, so "blisters", "blistering" and
"blistered" all match "blister". What does not describe an urgent sign now is ignored:
- `exclude` phrases are removed first ("hay fever" is not a fever, "the fever has gone" is no fever);
- a phrase right after a negation ("no fever", "not swollen") does not count;
- a clause that places the event in the past ("last year", "months ago") and not now does not count;
- the signs of an `all_of` rule must occur in one sentence; its context groups anywhere in the message;
- a sign followed in its sentence by words saying it is over ("a fever last week that's gone now") does not count;
- a sign in a sentence that is hypothetical ("what should I do if she ever..."), about someone not in the
  writer's care ("my cousin's kid", "a patient on placement"), a general question with no one in it ("why does
  eczema herpeticum happen?") or figurative ("lol", "killing me") does not count, unless the sentence also says
  it is happening now or names someone in the writer's care;
- breathing words in a sentence about a blocked nose or a cold do not count, unless it also has a severe sign.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# isort: off
from knowledge.nlp import load_pipeline  # first: it imports spaCy without TensorFlow
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
# isort: on

PHRASES_FILE = Path(__file__).resolve().parents[1] / "data" / "safety" / "phrases.yml"
# A message's parse: the doc, its phrase hits (label, start, end), the hits by label, and its sentences.
Parsed = tuple[Doc, list[tuple[str, int, int]], dict[str, list[tuple[int, int]]], list[tuple[int, int]]]
Counts = Callable[[str, int, int], bool]  # whether a phrase found at (start, end) describes a sign now
# The safety net reads one message several ways in a turn (rules, numbers, context, symptoms, plans): each parses
# it once. A few entries cover messages read at the same time.
PARSE_CACHE = 8
TIERS = ("self_harm", "emergency", "same_day")
# Lists of phrases that qualify matches rather than being urgent signs themselves.
QUALIFIERS = (
    "exclude", "negations", "past", "present", "resolved", "child_subject", "symptoms",
    # context of a sentence (ConText's idea, on the sentence rather than a fixed window; docs/safety.md)
    "hypothetical", "other_person", "in_care", "happening_now", "educational", "figurative", "nose", "severe_breathing",
    # a stated plan to stop or change a prescribed treatment
    "plan_verbs", "treatments",
    # words about how the writer feels: the distress reply needs one
    "feelings",
    # a same-day sign already seen and treated, and not getting worse
    "treated", "worse",
    # planning or asking in advance: every sentence of the message is hypothetical
    "planning",
    "animal", "eczema_colour",
)  # fmt: skip
COLOUR_SIGN = "emergency:e_colour"
ANIMAL_SUBJECT_WINDOW = 4  # tokens between a pet ("my cat") and a sign it is the subject of ("keeps being sick")
HUMAN_SUBJECT = re.compile(
    r"\b(i|i'm|im|me|we|us|you|he|she|him|her|they|them|baby|son|daughter|child|kid|toddler|husband|wife|partner)\b"
)
BODY_COLOUR_PARTS = {
    "lips", "lip", "tongue", "mouth", "fingers", "fingertips", "nails", "around his mouth", "around her mouth"
}  # fmt: skip
LITERAL_ONLY = ("resolved",)  # lists matched on lower case only, never on lemmas
# context_groups: words that are context, never cancelled as past or negated; message_wide_groups: see _fired
SETTINGS = ("context_groups", "message_wide_groups")
FIRST_PERSON = re.compile(r"\b(myself|my life|me|i)\b")
ANSWERED_NO = {"no", "nope", "nah", "none", "never"}  # "Fever? Nope.": the sign asked about is denied
NEGATION_WINDOW = 2  # tokens between a negation and a phrase it cancels ("no fever", "not really swollen")
CONTINUING_SUBJECTS = {"it", "that", "this", "which"}  # a next sentence about the same sign
RESOLVED_WINDOW = 14  # tokens after a sign in which "(which is) gone now" says it is over
SENTENCE_END = re.compile(r"(?<=[.!?;\n])\s+|\s+(?:but|although|though)\s+")
# A general question: opens with a question word and names nobody (no "my", "he", "she", "I"...).
# "Could this be...", "is it...": about what the writer has just described, so no general question.
GENERAL_QUESTION = re.compile(
    r"^\W*(why|what(?!'?s the point| is the point)|how (?:does|do|is|are|common|long|often|quickly)|is it true|"
    r"(?:is|are|does|do|can|could)\s+(?!(?:you|someone|anyone|somebody|this|these|that|those|it)\b))",
    re.IGNORECASE,
)
# The writer's own child or partner named as such (not "my cousin's kid"): a sentence about them is in care.
OWN_PERSON = re.compile(
    r"\b(?:my|our)\s+(?:\w+\s+)?(?:son|daughter|baby|child|kid|toddler|teen|teenager|boy|girl|little one|lo|"
    r"husband|wife|partner)\b"
    # "my son's friend" is someone else; "my son's eczema" or "my son's lips" is the writer's own child
    r"(?!'s|s')|\b(?:my|our)\s+(?:\w+\s+)?(?:son|daughter|baby|child|kid|toddler|boy|girl|lo)'s\s+(?:\w+\s+)?"
    r"(?:eczema|skin|face|mouth|lips?|cheeks?|chin|neck|arms?|legs?|hands?|eyes?|eyelids?|body|tongue|throat|"
    r"temp|temperature|rash|spots|breathing|nappy|patch)\b"
    r"|\bmy\s+(?:eczema|skin|rash|face|neck|lips?|tongue|throat|eyes?|eyelids?|arms?|legs?|hands?)\b",
    re.IGNORECASE,
)
PROGRESSIVE = re.compile(r"\b(is|are|'s|am|keeps|keep)\s+(\w+ing)\b", re.IGNORECASE)
PLEA = re.compile(r"\b(help|please|pls|plz|urgent|quick|asap|now)\b|!", re.IGNORECASE)
PERSONAL = re.compile(
    r"\b(i|i'm|im|me|my|mine|we|our|us|he|she|his|her|him|hes|shes|he's|she's|they're|husband|wife|partner|mum|mom|"
    r"dad|grandad|grandma|nan|lo)\b|(?<!\ba )(?<!\ban )(?<!\bthe )\b(baby|babys|son|daughter|toddler|child|kid)\b",
    re.IGNORECASE,
)
# "a baby", "an older child": anyone's, not a person in the writer's care
GENERIC_PERSON = re.compile(
    r"\b(?:a|an|the|any|other|older|younger)\s+(?:\w+\s+)?(?:baby|babies|child|children|kid|kids|son|daughter|toddler)\b",
    re.IGNORECASE,
)
# "my biology project", "my nursing course": the writer's studies, not a person in their care
STUDIES = re.compile(
    r"\bmy (?:\w+ )?(project|course|exam|essay|assignment|class|lecture|module|placement|homework|dissertation|"
    r"studies|degree|training|revision|textbook)\b",
    re.IGNORECASE,
)
# What happens each time a treatment ends ("it comes back whenever we stop the steroid"): a question about the
# flare after a course, not a plan to stop. Read on the few words before a plan verb.
EACH_TIME = re.compile(
    r"\b(?:after|when|whenever|every time|each time|as soon as|once)\s+(?:i|we|you|u|she|he|they)(?:\s+\w+)?\s*$",
    re.IGNORECASE,
)
# Hypothetical and past framings that phrase lists cannot enumerate.
HYPOTHETICAL = re.compile(
    r"\bif\b[^.?!]*\bever\b|\bever\b[^.?!]*\bif\b|\b(suppose|supposing|hypothetically|one day|in future|"
    r"in the future|(?:let's|lets|just) say|^say)\b",
    re.IGNORECASE,
)
PAST = re.compile(
    r"\b(when (?:i|he|she|we|they|my \w+) (?:was|were) (?:\d+|an? \w+|\w+teen|little|younger|small)|"
    r"back in (?:primary|secondary|high) school|as a (?:kid|child|baby|toddler)|that was|"
    r"in (?:january|february|march|april|june|july|august|september|october|november|december)|"
    r"back in (?:\d{4}|january|february|march|april|may|june|july|august|september|october|november|december|"
    r"the day|the spring|the summer|the autumn|the winter)|in (?:19|20)\d\d|over christmas|as a teen\w*|"
    r"(?:\d+|a|an|one|two|three|four|five|six|a few|several|many) "
    r"(?:years?|yrs?|months?|mths?|mos?|weeks?|wks?) (?:ago|back|before)|"
    r"at (?:\d+|two|three|four|five|six|seven|eight|nine|ten) (?:weeks?|months?|years?)(?: old)?)\b",
    re.IGNORECASE,
)
SENTENCE_STOPS = {".", "!", "?", ";"}
# A verb in the present: a clause with one is about now, whatever the clause before it said.
PRESENT_VERB = re.compile(
    r"\b(is|are|am|isn't|aren't|can|can't|cant|won't|wont|doesn't|doesnt|don't|dont|keeps|keep|"
    r"(?:it|he|she|that|there)'s|(?:they|we|you)'re|i'm|im)\b",
    re.IGNORECASE,
)
CLAUSE_END = re.compile(
    r"(?<=[.!?;,\n()])(?!\d)\s*|\s+(?:but|although|though|and now|now)\s+|\s+and\s+(?=(?:we|he|she|i|they|now)\b)"
)


def _breathing(phrase: str) -> bool:
    return any(word in phrase for word in ("breath", "air", "gasp", "wheez"))


@dataclass(frozen=True)
class SafetyMatch:
    category: str  # the tier: self_harm, emergency or same_day
    evidence: tuple[str, ...]  # the phrases that fired
    about_child: bool = False  # self-harm reported by a parent about a child

    @property
    def intent(self) -> str:
        """The NLU intent of the tier: both medical tiers are red_flag, told apart by the tier entity."""
        return "self_harm" if self.category == "self_harm" else "red_flag"


class SafetyPhrases:
    def __init__(self, rules: dict[str, Any], nlp: Language | None = None):
        self.nlp = nlp or load_pipeline()
        self.order = [c for c in rules if c in TIERS]
        unknown = sorted(set(rules) - set(TIERS) - set(QUALIFIERS) - set(SETTINGS))
        if unknown:
            raise ValueError(f"{PHRASES_FILE.name}: unknown keys {unknown}; expected {TIERS + QUALIFIERS + SETTINGS}")
        self.rules = rules
        self._matchers = [PhraseMatcher(self.nlp.vocab, attr="LOWER"), PhraseMatcher(self.nlp.vocab, attr="LEMMA")]
        labels: dict[str, list[str]] = {}
        for category in self.order:
            spec = rules[category]
            labels[f"{category}:any"] = spec.get("any", [])
            for group, phrases in spec.get("groups", {}).items():
                labels[f"{category}:{group}"] = phrases
            for groups in spec.get("all_of", []):
                missing = [g for g in groups if g not in spec.get("groups", {})]
                if missing:
                    raise ValueError(f"{PHRASES_FILE.name}: {category}.all_of names unknown groups {missing}")
        for qualifier in QUALIFIERS:
            labels[qualifier] = rules.get(qualifier, [])
        for label, phrases in labels.items():
            if phrases:
                # `resolved` matches its words as written: by lemma "is gone" would match "it's been going"
                matchers = self._matchers[:1] if label in LITERAL_ONLY else self._matchers
                for matcher in matchers:
                    matcher.add(label, [self.nlp(str(p).lower()) for p in phrases])
        self._read: Callable[[str], Parsed] = functools.lru_cache(maxsize=PARSE_CACHE)(self._parse)
        self._counts: Callable[[str], Counts] = functools.lru_cache(maxsize=PARSE_CACHE)(self._counts_of)

    @classmethod
    def from_file(cls, path: Path = PHRASES_FILE) -> SafetyPhrases:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    @staticmethod
    def _spans(doc: Doc, boundary: re.Pattern[str]) -> list[tuple[int, int]]:
        """Token ranges of the parts of the message between boundaries (sentences, or clauses)."""
        spans, start_char = [], 0
        for piece in boundary.finditer(doc.text):
            spans.append((start_char, piece.start()))
            start_char = piece.end()
        spans.append((start_char, len(doc.text)))
        ranges = []
        for begin, end in spans:
            span = doc.char_span(begin, end, alignment_mode="expand")
            if span is not None and len(span):
                ranges.append((span.start, span.end))
        return ranges or [(0, len(doc))]

    def symptoms(self, text: str) -> tuple[str, ...]:
        """The `symptoms` phrases the message describes now (qualified as the tiers are: "hay fever", "no fever",
        "a fever last week" are none). Alone they are no urgent sign; they make a classifier's red_flag credible."""
        doc, hits, by_label, sentences = self._read(text)
        counts = self._counts(text)
        return tuple(doc[s:e].text for label, s, e in hits if label == "symptoms" and counts(label, s, e))

    def reading_counts(self, text: str, start_char: int, end_char: int) -> bool:
        """Whether a sign at these character offsets (a temperature, say) describes someone in care now."""
        span = self._read(text)[0].char_span(start_char, end_char, alignment_mode="expand")
        return span is None or self._counts(text)("reading", span.start, span.end)

    def dismissed(self, text: str) -> bool:
        """Whether the message names signs (`symptoms` or a tier's `any` phrases) and every one of them is
        qualified away: negated, past, resolved or out of context ("a fever last week, gone now"). A learned
        tier is then no evidence of a sign now: the model reads "fever", not when it was."""
        doc, hits, by_label, sentences = self._read(text)
        counts = self._counts(text)
        signs = [(label, s, e) for label, s, e in hits if label == "symptoms" or label.endswith(":any")]
        return bool(signs) and not any(counts(label, s, e) for label, s, e in signs)

    def treatment_plan(self, text: str) -> bool:
        """A plan to stop or change a prescribed treatment, stated now: a `plan_verbs` phrase that counts (not
        negated, past or out of context) and a `treatments` phrase in one sentence."""
        doc, hits, by_label, sentences = self._read(text)
        counts = self._counts(text)
        for start, end in sentences:
            verbs = [
                (s, e)
                for s, e in by_label.get("plan_verbs", [])
                if start <= s < end and not EACH_TIME.search(doc[max(start, s - 4) : s].text)
            ]
            if any(start <= s < end for s, _ in by_label.get("treatments", [])) and any(
                counts("plan_verbs", s, e) for s, e in verbs
            ):
                return True
        return False

    def already_treated(self, text: str) -> bool:
        """A doctor has seen it and it is being treated, and the message does not say it is getting worse."""
        by_label = self._read(text)[2]
        return bool(by_label.get("treated")) and not by_label.get("worse")

    def cold_only(self, text: str) -> bool:
        """A cold or a blocked nose, with no severe breathing sign anywhere in the message."""
        doc, _, by_label, _ = self._read(text)
        # "a cold sore" is no cold
        colds = [(s, e) for s, e in by_label.get("nose", []) if not (e < len(doc) and doc[e].lower_.startswith("sore"))]
        return bool(colds) and not by_label.get("severe_breathing")

    def feelings(self, text: str) -> bool:
        """Whether the message says how someone feels ("fed up", "crying", "ashamed"), not only what the skin does:
        "this itching is killing me lol" or "he screams blue murder at cream time" is a care question."""
        return bool(self._read(text)[2].get("feelings"))

    def child_reported(self, text: str) -> bool:
        """A parent or carer reports a child's words or acts ("my son says...", "found cuts on her arms")."""
        _, _, by_label, _ = self._read(text)
        return bool(by_label.get("child_subject"))

    def in_context(self, text: str) -> bool:
        """Whether any sentence of the message can describe someone in the writer's care now (not all of them are
        hypothetical, about someone else, a general question or figurative): a learned tier needs one."""
        doc, _, by_label, sentences = self._read(text)
        studies = self._studies(doc, by_label)
        return any(self._off_context(doc, by_label, s, e, studies) is None for s, e in sentences)

    def _counts_of(self, text: str) -> Counts:
        doc, _, by_label, sentences = self._read(text)
        return self._qualifier(doc, by_label, sentences)

    def _parse(self, text: str) -> Parsed:
        # phone keyboards type curly apostrophes: "can’t" must match "can't"
        doc = self.nlp(text.lower().replace("\u2019", "'").replace("\u2018", "'"))
        hits = sorted(
            {(self.nlp.vocab.strings[m], s, e) for matcher in self._matchers for m, s, e in matcher(doc)},
            key=lambda h: (h[1], h[2], h[0]),
        )
        by_label: dict[str, list[tuple[int, int]]] = {}
        for label, start, end in hits:
            by_label.setdefault(label, []).append((start, end))
        return doc, hits, by_label, self._spans(doc, SENTENCE_END)

    def check(self, text: str) -> SafetyMatch | None:
        _, _, by_label, _ = self._read(text)
        found = self._signs_by_sentence(text, self._counts(text))
        for category in self.order:  # order in the file is priority order
            evidence = self._fired(category, found)
            if evidence:
                # a child's words reported by a parent, unless the writer speaks of themselves ("kill myself")
                about_child = (
                    category == "self_harm"
                    and bool(by_label.get("child_subject"))
                    and not FIRST_PERSON.search(" ".join(evidence))
                )
                return SafetyMatch(category, evidence, about_child)
        return None

    def _signs_by_sentence(self, text: str, counts: Counts) -> list[dict[str, list[str]]]:
        """The sign phrases of each sentence that `counts` keeps, by label: an all_of rule needs all its groups in
        one sentence."""
        doc, hits, _, sentences = self._read(text)
        found: list[dict[str, list[str]]] = [{} for _ in sentences]
        for label, start, end in hits:
            if label in QUALIFIERS or not counts(label, start, end):
                continue
            index = next((i for i, (s, e) in enumerate(sentences) if s <= start < e), len(sentences) - 1)
            found[index].setdefault(label, []).append(doc[start:end].text)
        return found

    def names_urgent_sign(self, text: str) -> bool:
        """Whether the message names an emergency or same-day sign at all, counted or not: "what is the glass test
        for?" or "if her lips ever swelled..." asks about urgent signs, which the bot's urgent-signs answers cover
        ("I am fit and healthy but my eczema flared" does not)."""
        found = self._mentioned_signs(text)
        return any(self._fired(category, found) for category in ("emergency", "same_day") if category in self.order)

    def _mentioned_signs(self, text: str) -> list[dict[str, list[str]]]:
        """Every sign phrase mentioned, in any tense ("he had one fit, came round, and now he's having another one"
        names its sign in the past clause only; whether it is happening now is the context checks' job), but not
        words an exclusion says are no sign at all ("I am fit and healthy", "hay fever", "once in a blue moon")."""
        excluded = self._excluded(self._read(text)[2])
        return self._signs_by_sentence(text, lambda label, start, end: not excluded.intersection(range(start, end)))

    def describes_a_sign(self, text: str) -> bool:
        """Whether the message names an emergency or same-day sign phrase, beside the context phrases (a body part,
        a child, skin, eating) that only place a sign: the learned model's emergency, a guess from the whole
        message, needs at least this ("my son is 14 and his hands crack and bleed every winter, what can he do" has
        the shape of an emergency story and no sign in it)."""
        context = set(self.rules.get("context_groups", []))
        found = self._mentioned_signs(text)
        signs = {label for sentence in found for label in sentence if label.startswith(("emergency:", "same_day:"))}
        return any(label.split(":", 1)[1] not in context for label in signs) or bool(self.symptoms(text))

    def _qualifier(
        self, doc: Doc, by_label: dict[str, list[tuple[int, int]]], sentences: list[tuple[int, int]]
    ) -> Counts:
        """A test of whether a phrase found at (start, end) describes an urgent sign now."""
        negation_ends = {e for s, e in by_label.get("negations", [])}
        excluded = self._excluded(by_label)
        resolved_starts = [s for s, e in by_label.get("resolved", [])]
        context = set(self.rules.get("context_groups", []))

        def inside(label: str, s: int, e: int) -> bool:
            return any(s <= start < e for start, _ in by_label.get(label, []))

        # clauses that place what they describe in the past, with nothing saying it is happening now; a clause
        # that goes on in the same sentence with no verb in the present stays there ("Back in March my throat
        # swelled and I had to use my EpiPen")
        past: list[tuple[int, int]] = []
        previous_end = -1
        for s, e in self._spans(doc, CLAUSE_END):
            text = doc[s:e].text
            goes_on = (
                bool(past)
                and past[-1][1] == previous_end
                and doc[previous_end - 1].text not in SENTENCE_STOPS
                and not any(t.lower_ == "now" for t in doc[previous_end:s])  # "...last week and now her lips..."
            )
            previous_end = e
            if inside("present", s, e) or PRESENT_VERB.search(text):
                continue
            if inside("past", s, e) or PAST.search(text) or goes_on:
                past.append((s, e))

        def answered_no(start: int) -> bool:
            # a sign asked and answered: "Stiff neck? Nope. Fever? No."
            after = [t for t in doc[start:] if not t.is_space]
            question = next((i for i, t in enumerate(after) if t.is_punct), None)
            if question is None or after[question].text != "?":
                return False
            # the answer is the whole next sentence ("Nope."), not the start of one ("no idea what to do")
            rest = after[question + 1 : question + 3]
            return bool(rest) and rest[0].lower_ in ANSWERED_NO and (len(rest) == 1 or rest[1].is_punct)

        def negated(start: int) -> bool:
            # "no fever", "not really swollen"; a comma or full stop in between ends the negation ("no, he can't")
            return answered_no(start) or any(
                start - NEGATION_WINDOW <= n <= start and not any(t.is_punct for t in doc[n:start])
                for n in negation_ends
            )

        def resolved(start: int, end: int) -> bool:
            index = next((i for i, (s, e) in enumerate(sentences) if s <= start < e), len(sentences) - 1)
            limit = min(end + RESOLVED_WINDOW, sentences[index][1])
            if index + 1 < len(sentences) and doc[sentences[index + 1][0]].lower_ in CONTINUING_SUBJECTS:
                limit = min(sentences[index + 1][0] + RESOLVED_WINDOW, sentences[index + 1][1])  # "It went away."
            return any(end <= r < limit for r in resolved_starts)

        studies = self._studies(doc, by_label)
        off_context = [self._off_context(doc, by_label, s, e, studies) for s, e in sentences]

        def about_an_animal(index: int, start: int) -> bool:
            # "my cat keeps being sick": the sign's subject is a pet, just before it, and no person comes before
            # it in the sentence ("I'm allergic to the cat and can't breathe" is about the writer)
            s, _ = sentences[index]
            for a, b in by_label.get("animal", []):
                if s <= a and b <= start <= b + ANIMAL_SUBJECT_WINDOW:
                    before = doc[s:a].text + " " + doc[b:start].text
                    return not HUMAN_SUBJECT.search(before)
            return False

        def eczema_colour(index: int) -> bool:
            # the colour of eczema patches on darker skin, not of lips, tongue or nails
            s, e = sentences[index]
            parts = {doc[a:b].text for a, b in by_label.get("emergency:e_colour_part", []) if s <= a < e}
            return inside("eczema_colour", s, e) and not parts & BODY_COLOUR_PARTS

        def counts(label: str, start: int, end: int) -> bool:
            if excluded.intersection(range(start, end)):
                return False
            # context is not a sign: "milk" in "not drinking milk", a cold sore "last week" before new blisters
            if label.split(":")[-1] in context:
                return True
            index = next((i for i, (s, e) in enumerate(sentences) if s <= start < e), len(sentences) - 1)
            # a number read as a temperature is no figure of speech: "1 month old, 38.7, which first lol"
            figurative_reading = label == "reading" and off_context[index] == "figurative"
            # a crisis said "in case" ("I've written letters to my family in case I'm not here much longer") or as a
            # question ("is there a way to just stop existing?") is still a crisis
            hypothetical_crisis = label.startswith("self_harm:") and off_context[index] in (
                "hypothetical",
                "general question",
            )
            names_a_colour = any(a < end and start < b for a, b in by_label.get(COLOUR_SIGN, []))  # "look grey"
            if names_a_colour and label.startswith("emergency:") and eczema_colour(index):
                return False
            if about_an_animal(index, start):
                return False
            if (off_context[index] and not (figurative_reading or hypothetical_crisis)) or (
                self._blocked_nose(doc, by_label, *sentences[index]) and _breathing(doc[start:end].text)
            ):
                return False
            return not (any(s <= start < e for s, e in past) or negated(start) or resolved(start, end))

        return counts

    @staticmethod
    def _excluded(by_label: dict[str, list[tuple[int, int]]]) -> set[int]:
        """The tokens `exclude` phrases cover: no sign at all ("hay fever", "once in a blue moon"). An exclusion
        right after a negation is negated too: "doesn't fade when I press" is no "faded when pressed"."""
        negation_ends = {e for s, e in by_label.get("negations", [])}
        return {i for s, e in by_label.get("exclude", []) if s not in negation_ends for i in range(s, e)}

    @staticmethod
    def _studies(doc: Doc, by_label: dict[str, list[tuple[int, int]]]) -> bool:
        """A message about studies with no one in it ("what is a febrile convulsion? it's for an essay")."""
        text = GENERIC_PERSON.sub("", STUDIES.sub("", doc.text))
        return bool(by_label.get("educational")) and not PERSONAL.search(text)

    @staticmethod
    def _planning(by_label: dict[str, list[tuple[int, int]]]) -> bool:
        """A message asked in advance ("would hives and vomiting mean anaphylaxis? just planning ahead"), with
        nothing saying it is happening now."""
        return bool(by_label.get("planning")) and not by_label.get("happening_now")

    @staticmethod
    def _off_context(
        doc: Doc, by_label: dict[str, list[tuple[int, int]]], start: int, end: int, studies: bool = False
    ) -> str | None:
        """Why the signs of the sentence doc[start:end] do not describe someone in the writer's care now, or None."""

        def has(label: str) -> bool:
            return any(start <= s < end for s, _ in by_label.get(label, []))

        def in_care() -> bool:  # "I'm watching" him now; not "the show I'm watching", which names someone else
            others = by_label.get("other_person", [])
            return any(
                start <= s < end and not any(o_start <= s and e <= o_end for o_start, o_end in others)
                for s, e in by_label.get("in_care", [])
            )

        text = doc[start:end].text
        if has("figurative"):
            return "figurative"
        if has("happening_now") or in_care():
            return None
        if has("hypothetical") or HYPOTHETICAL.search(text) or SafetyPhrases._planning(by_label):
            return "hypothetical"
        if has("other_person") and not PROGRESSIVE.search(text) and not OWN_PERSON.search(text):
            return "other person"  # "my friend's son is struggling to breathe" is in front of the writer
        text = GENERIC_PERSON.sub("", STUDIES.sub("", text))
        if (has("educational") or studies) and not PERSONAL.search(text):
            return "educational"
        if GENERAL_QUESTION.match(text) and not PERSONAL.search(text) and not PLEA.search(text):
            return "general question"
        return None

    @staticmethod
    def _blocked_nose(doc: Doc, by_label: dict[str, list[tuple[int, int]]], start: int, end: int) -> bool:
        def has(label: str) -> bool:
            return any(start <= s < end for s, _ in by_label.get(label, []))

        return has("nose") and not has("severe_breathing")

    def _fired(self, category: str, found: list[dict[str, list[str]]]) -> tuple[str, ...]:
        for sentence in found:
            if f"{category}:any" in sentence:
                return tuple(sentence[f"{category}:any"])
        # context (an age, a food eaten, a cold sore nearby) holds for the whole message; signs for their sentence
        context = {g for g in self.rules.get("context_groups", []) if any(f"{category}:{g}" in s for s in found)}
        # a fever stated once holds for the message too ("fever 39.4 but her hands and feet are ice cold"), unless it
        # is the only sign of its rule left to find in one sentence (a temperature and an age)
        wide = {g for g in self.rules.get("message_wide_groups", []) if any(f"{category}:{g}" in s for s in found)}
        for groups in self.rules[category].get("all_of", []):
            signs = [g for g in groups if g not in context and g not in wide] or [g for g in groups if g not in context]
            context_here = [g for g in groups if g not in signs]
            for sentence in found:
                if signs and all(f"{category}:{g}" in sentence for g in signs):
                    background = [p for g in context_here for s in found for p in s.get(f"{category}:{g}", [])]
                    return tuple(p for g in signs for p in sentence[f"{category}:{g}"]) + tuple(background)
        return ()
