"""One reading of the user's message per turn, shared by every action.

The topics come ranked from the NLU (nlu_components/topic_classifier.py, in the parse data under `topics`), so
no action guesses a topic from words again. A myth, a glossary definition and search hits are looked up in the
knowledge store only when an action asks, at most once per turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from rasa_sdk import Tracker

from knowledge.content import BACKGROUND_TOPIC
from knowledge.store import GlossaryEntry, KnowledgeStore, MythMatch, TopicHit

# A message this close to a myth's wording is answered as that myth whatever the intent.
STRONG_MYTH_SIMILARITY = 0.5
MYTH_MIN_WORDS = 4  # fewer words than this cannot state a myth
# A request for information states no claim: "tell me about probiotics to prevent eczema" wants the topic,
# not a myth check (a myth stated almost in its own words is still answered as one).
INFORMATION_REQUEST = re.compile(
    r"^\W*(please\s+)?(tell me (about|more)|explain|describe|what (is|are)\b|"
    r"how (can|do|should|could) (i|we)\b|info(rmation)? (on|about))",
    re.IGNORECASE,
)
MYTH_IN_ITS_OWN_WORDS = 0.8  # this close, the message states the myth whatever topic it seems to be about
DEFINITION_CUES = re.compile(r"\b(mean|means|meaning|stand for|stands for|define|definition)\b", re.IGNORECASE)
# Thresholds on the topic classifier's probabilities (calibrated: the tests measure it). Set by hand, not
# fitted to the held-out sets.
NAMED_MIN_CONFIDENCE = 0.3  # below this the message does not clearly name a topic
CLARIFY_BELOW = 0.45  # a top topic under this ...
CLARIFY_RATIO = 0.7  # ... with a runner-up at least this close is asked about, not guessed
SHORT_QUESTION_WORDS = 12  # longer messages are never answered with "Do you mean X or Y?"
SWITCH_CONFIDENCE = 0.7  # a follow-up moves to a topic it does not name only when this sure
MYTH_TOPIC_MIN = 0.15  # a myth's topic must be at least this likely for the message


@dataclass
class MessageAnalysis:
    text: str  # what the user typed; "" for a button payload
    store: KnowledgeStore = field(repr=False)
    button_topic: str | None = None  # the topic a button named
    ranking: list[tuple[str, float]] = field(default_factory=list)
    none: float = 1.0  # probability that no topic is named
    focus: str | None = None  # the question part of a long message
    also: str | None = None  # a second topic the message asks about
    named: tuple[str, ...] = ()  # topics whose glossary phrases the message contains

    @classmethod
    def of(cls, tracker: Tracker, store: KnowledgeStore) -> MessageAnalysis:
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        topics = message.get("topics") or {}
        ranking = [
            (str(r["name"]), float(r["confidence"]))
            for r in topics.get("ranking", [])
            if isinstance(r, dict) and "name" in r and "confidence" in r
        ]
        return cls(
            text="" if text.startswith("/") else text,
            store=store,  # payloads carry entities, not words
            button_topic=next((str(v) for v in tracker.get_latest_entity_values("topic") if v), None),
            ranking=ranking,
            none=float(topics.get("none", 1.0 if not ranking else 0.0)),
            focus=topics.get("focus"),
            also=topics.get("also"),
            named=tuple(str(n) for n in topics.get("named") or ()),
        )

    # -- topics -------------------------------------------------------------------------------------------
    @property
    def topic(self) -> str | None:
        """The topic the message is about, when it clearly names one."""
        if self.button_topic:
            return self.button_topic
        if self.ranking and self.ranking[0][1] >= NAMED_MIN_CONFIDENCE and self.ranking[0][1] > self.none:
            return self.ranking[0][0]
        return None

    @property
    def alternatives(self) -> tuple[str, str] | None:
        """The two topics to ask about when neither clearly wins, for a short question. A long message is
        answered from its likeliest topic: its writer has said enough, and a question back would feel like a
        refusal."""
        if self.button_topic or len(self.ranking) < 2 or self.focus or len(self.text.split()) > SHORT_QUESTION_WORDS:
            return None
        (first, p1), (second, p2) = self.ranking[:2]
        if self.none < p1 < CLARIFY_BELOW and p2 >= CLARIFY_RATIO * p1 and BACKGROUND_TOPIC not in (first, second):
            return first, second
        return None

    def follow_up_topic(self, current: str | None) -> str | None:
        """The topic a follow-up is about: one the message names, else the conversation's.

        A follow-up leaves the conversation's topic only for a topic the message names in so many words
        ("tell me more about butyrate") or is sure of; "does it work for eczema?" names eczema only as
        background, so the conversation's topic stays."""
        named = self.topic
        if current and named != self.button_topic:
            sure = named is not None and (named in self.named or self.ranking[0][1] >= SWITCH_CONFIDENCE)
            if not sure or named == BACKGROUND_TOPIC:
                return current
        return named or current

    def second_topic(self, answered: str) -> str | None:
        return self.also if self.also and self.also != answered and not self.button_topic else None

    # -- lookups in the knowledge store, once per turn -------------------------------------------------------
    def agrees(self, slug: str, strict: bool = False) -> bool:
        """Whether a topic fits what the message is about: it names no topic, or this one is the topic
        (strict) or among the likely ones."""
        if self.topic is None:
            return True
        return slug == self.topic or (not strict and any(s == slug and p >= MYTH_TOPIC_MIN for s, p in self.ranking))

    @cached_property
    def myth(self) -> MythMatch | None:
        """A myth the message states in close to its own words, about the topic the message is about
        (word overlap alone made "can FMT treat eczema" a myth about prebiotics, "how do probiotics work" one
        about probiotics as a cure)."""
        if len(self.text.split()) < MYTH_MIN_WORDS:  # "bacteria?" states nothing
            return None
        found = self.store.find_myth(self.text, min_similarity=STRONG_MYTH_SIMILARITY)
        if found is None:
            return None
        if found.similarity >= MYTH_IN_ITS_OWN_WORDS:
            return found
        if INFORMATION_REQUEST.search(self.text):
            return None
        return found if self.agrees(found.topic, strict=True) else None

    @cached_property
    def loose_myth(self) -> MythMatch | None:
        """The closest myth at the store's usual threshold (for messages NLU says check a myth)."""
        found = self.store.find_myth(self.text) if self.text else None
        return found if found is not None and self.agrees(found.topic) else None

    @cached_property
    def glossary_term(self) -> GlossaryEntry | None:
        return self.store.glossary_entry(self.text) if self.text else None

    @property
    def definition_asked(self) -> GlossaryEntry | None:
        """The glossary entry whose meaning the message asks for ("what does LPS mean")."""
        if not DEFINITION_CUES.search(self.text):
            return None
        entry = self.glossary_term
        return entry if entry is not None and entry.definition else None

    @cached_property
    def search_hits(self) -> list[TopicHit]:
        return self.store.search(self.focus or self.text, limit=3) if self.text else []
