"""Find glossary terms in a message with spaCy phrase matching on lower case and on lemmas."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# isort: off
from .nlp import load_pipeline  # first: it imports spaCy without TensorFlow (360 MB more in the action server)
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans
# isort: on

# Words that frame a question rather than say what it is about. Unlike search stopwords, words such as
# "all", "any", "not" and "always" stay: they are what tells one myth from another.
FILLER_WORDS = frozenset(
    """a an the is are was be it its this that these those to of in on for and or my our your
i me we you he she they do does did can could will would should true really heard read someone told say said
hear people claim claims believe if whether there what s""".split()
)


# Words spaCy counts as stop words that still tell one specific question from another.
QUESTION_WORDS_KEPT = frozenset(
    "not no never without off before after during first alone stop again enough less more most only same much many "
    "often".split()
)
LEMMA_KEPT_AS_TYPED = frozenset({"best", "better", "worse", "worst"})  # the lookup lemmatiser makes "best" "well"
# One word for what people spell or say in several ways, so "pregnancy" finds a question asked "while pregnant".
SAME_WORD = {
    "pregnancy": "pregnant",
    "breastfeeding": "breastfeed",
    "fecal": "faecal",
    "feces": "faeces",
    "diarrhea": "diarrhoea",
    "fiber": "fibre",
    "yogurt": "yoghurt",
    "moisturizer": "moisturiser",
    "moisturize": "moisturise",
    "moisturising": "moisturise",
    "moisturizing": "moisturise",
    "emollient": "moisturiser",
    "hydrolyse": "hydrolysed",
    "hydrolyzed": "hydrolysed",
    "hydrolysate": "hydrolysed",
    "poo": "stool",
    "poop": "stool",
    "tummy": "gut",
    "stomach": "gut",
    "tregs": "treg",
    "steroids": "steroid",
    "kid": "child",
    "toddler": "child",
}


@dataclass(frozen=True)
class TermMatch:
    phrase: str  # the glossary phrase that matched
    topic_slug: str
    start: int  # token offsets in the message
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


class GlossaryMatcher:
    """Matches (phrase, topic) pairs; a phrase is found by its lower-case form or by its lemmas."""

    def __init__(self, phrases: Iterable[tuple[str, str]], nlp: Language | None = None):
        self.nlp = nlp or load_pipeline()
        self.topic_of: dict[str, str] = {}
        self._lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._lemma = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        for phrase, topic_slug in phrases:
            key = phrase.lower()
            if key in self.topic_of:
                continue  # first topic to claim a phrase keeps it (validation warns about clashes)
            self.topic_of[key] = topic_slug
            self._lower.add(key, [self.nlp.make_doc(key)])
            self._lemma.add(key, [self.nlp(key)])
        # One message is read several times a turn (topics, definition, myth): tokenise it once.
        self._parse = lru_cache(maxsize=256)(self.nlp)

    def content_lemmas(self, text: str) -> frozenset[str]:
        """Lemmas of the words that carry meaning ("is it true that probiotics cure..." -> probiotic, cure)."""
        return frozenset(t.lemma_.lower() for t in self._parse(text) if t.is_alpha and t.lower_ not in FILLER_WORDS)

    def question_lemmas(self, text: str) -> frozenset[str]:
        """Lemmas of the words that say what a question asks: spaCy's stop words go ("which", "about", "have"),
        except the few that change the question ("not", "before", "stop")."""
        lemmas = (
            t.lower_ if t.lower_ in LEMMA_KEPT_AS_TYPED else t.lemma_.lower()
            for t in self._parse(text)
            if t.is_alpha and (not t.is_stop or t.lower_ in QUESTION_WORDS_KEPT) and len(t) > 1
        )
        return frozenset(SAME_WORD.get(lemma, lemma) for lemma in lemmas)

    def find(self, message: str) -> list[TermMatch]:
        """Non-overlapping matches, longest first where they compete, in message order."""
        doc = self._parse(message)
        labelled: dict[tuple[int, int], str] = {}
        for match_id, start, end in (*self._lower(doc), *self._lemma(doc)):
            labelled[(start, end)] = self.nlp.vocab.strings[match_id]
        spans = filter_spans([doc[start:end] for start, end in labelled])
        return [
            TermMatch(labelled[(s.start, s.end)], self.topic_of[labelled[(s.start, s.end)]], s.start, s.end)
            for s in sorted(spans, key=lambda s: s.start)
        ]
