"""Which topic a message is about: a classifier learned from each topic's example questions.

No Rasa imports, so it can be trained and tested alone; rasa_ext/components/topic_classifier.py wraps it for the
Rasa pipeline. Words and character n-grams (for typos) are the features, plus one feature per topic that says
whether a glossary phrase of that topic occurs: the glossary informs the model instead of deciding.

A long message is read the way a person reads a letter: the question in it (its last question sentence)
counts most, the story around it adds context. A second topic that another part of the message names and asks
about is returned as `also`, so the answer can offer it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from knowledge.chatter import without_chatter
from rasa_ext.components import model_files

NONE = "_none"  # messages about no topic at all ("tell me more", "thanks")
GLOSSARY_LOOKUP_PREFIX = "topic_glossary:"  # NLU lookup tables of each topic's glossary phrases
SENTENCE_SPLIT = re.compile(r"(?<=[.?!])\s+|\n+")
CLAUSE_SPLIT = re.compile(
    r",\s*(?:and|or|but)?\s*|\s+(?:and|or|but|also)\s+(?=(?:would|could|can|do|does|is|are|should|what|how|will|maybe)\b)",
    re.IGNORECASE,
)
QUESTION_START = re.compile(
    r"^\s*(what|how|why|when|where|which|who|is|are|can|could|do|does|did|should|would|"
    r"will|any|tell me|explain|please)\b",
    re.IGNORECASE,
)
CONTINUATION = re.compile(r"^\s*(and|also|or|plus|if so|but|so)\b", re.IGNORECASE)
# Weight of "this topic's glossary is named" beside the word features (unit length): chosen by 4-fold
# cross-validation on the training examples (accuracy 0.880 without it, 0.902 at 0.25, 0.898 at 0.5, 0.888 at 1).
GLOSSARY_WEIGHT = 0.25
FOCUS_WEIGHT = 0.6  # share of the question sentence in a long message's ranking
ALSO_MIN_CONFIDENCE = 0.25  # a second topic this likely in its part of the message is offered
ALSO_SURE = 0.6


# Intents whose examples name no topic: they teach the model what "no topic" looks like.
NONE_INTENTS = (
    "greet",
    "goodbye",
    "thank",
    "bot_challenge",
    "help",
    "more_detail",
    "simpler",
    "sources",
    "related_topics",
    "tour_start",
    "tour_next",
    "tour_restart",
    "stop",
    "quiz_start",
    "quiz_answer",
    "feedback_positive",
    "feedback_negative",
    "out_of_scope",
    "distress",
    "ask_what_to_do",
)
RANKING_LENGTH = 5


@dataclass(frozen=True)
class TopicPrediction:
    ranking: list[tuple[str, float]]  # topics, most likely first (probabilities over topics and NONE)
    none: float  # probability that the message names no topic
    focus: str  # the part of the message read as the question
    also: str | None = None  # a second topic the message asks about
    named: tuple[str, ...] = ()  # topics whose glossary phrases occur in the message

    def as_parse_data(self, text: str) -> dict:
        """The form in which the NLU hands the prediction to the actions (parse data key `topics`)."""
        return {
            "ranking": [{"name": slug, "confidence": round(p, 4)} for slug, p in self.ranking[:RANKING_LENGTH]],
            "none": round(self.none, 4),
            "focus": self.focus if self.focus != text.strip() else None,
            "also": self.also,
            "named": list(self.named),
        }


def training_set(
    examples: list[tuple[str, str, str | None]],
    topic_intent: str = "ask_topic",
    none_intents: tuple[str, ...] = NONE_INTENTS,
) -> tuple[list[str], list[str]]:
    """(texts, labels) from (text, intent, topic) examples: topic questions by topic, the rest as NONE."""
    texts, labels = [], []
    for text, intent, topic in examples:
        if intent == topic_intent and topic:
            texts.append(text)
            labels.append(topic)
        elif intent in none_intents:
            texts.append(text)
            labels.append(NONE)
    return texts, labels


@dataclass
class TopicModel:
    glossary: dict[str, list[str]]  # topic slug -> phrases that name it
    c: float = 100.0  # chosen by 4-fold cross-validation on the training examples (C 20: 0.882, 50: 0.884, 100: 0.888)
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.words = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, min_df=1, lowercase=True, token_pattern=r"(?u)\b\w[\w'-]*\b"
        )
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        self.classifier = LogisticRegression(C=self.c, max_iter=3000, class_weight="balanced", random_state=1)
        self._compile()

    def _compile(self) -> None:
        self._patterns = {
            slug: re.compile(
                r"\b(?:" + "|".join(re.escape(p.lower()) for p in sorted(set(phrases), key=len, reverse=True)) + r")\b"
            )
            for slug, phrases in self.glossary.items()
            if phrases
        }

    # -- saving and loading: arrays and JSON, never a pickle (rasa_ext/components/model_files.py) -------------------
    ARRAYS_FILE = "topic_model.npz"
    SETTINGS_FILE = "topic_model.json"

    def save(self, directory: Path) -> None:
        words, words_idf = model_files.tfidf_state(self.words)
        chars, chars_idf = model_files.tfidf_state(self.chars)
        model_files.save_json(
            directory / self.SETTINGS_FILE, {"glossary": self.glossary, "c": self.c, "words": words, "chars": chars}
        )
        model_files.save_arrays(
            directory / self.ARRAYS_FILE,
            words_idf=words_idf,
            chars_idf=chars_idf,
            **model_files.linear_arrays(self.classifier, "classifier_"),
        )

    @classmethod
    def load(cls, directory: Path) -> TopicModel:
        """The model saved in `directory`; ModelFileError when it holds a pickle or a file is missing or wrong."""
        model_files.refuse_pickles(directory)
        settings = model_files.load_json(directory / cls.SETTINGS_FILE)
        arrays = model_files.load_arrays(directory / cls.ARRAYS_FILE)
        try:
            model = cls({str(k): list(v) for k, v in settings["glossary"].items()}, c=float(settings["c"]))
            model.words = model_files.tfidf_from_state(settings["words"], arrays["words_idf"])
            model.chars = model_files.tfidf_from_state(settings["chars"], arrays["chars_idf"])
        except (KeyError, TypeError, AttributeError) as error:
            raise model_files.ModelFileError(f"{cls.SETTINGS_FILE} lacks {error}") from None
        model.classifier = model_files.linear_from_arrays(arrays, "classifier_", model.classifier.get_params())
        return model

    # -- features ------------------------------------------------------------------------------------------
    def named_topics(self, text: str) -> list[str]:
        """Topics whose glossary phrases occur in the text."""
        lowered = text.lower()
        return [slug for slug, pattern in self._patterns.items() if pattern.search(lowered)]

    def _glossary_features(self, texts: list[str]) -> csr_matrix:
        slugs = sorted(self.glossary)
        named = [set(self.named_topics(t)) for t in texts]  # once per text, not once per topic
        rows = [[GLOSSARY_WEIGHT if s in names else 0.0 for s in slugs] for names in named]
        return csr_matrix(np.array(rows, dtype=float).reshape(len(texts), len(slugs)))

    def _features(self, texts: list[str]) -> csr_matrix:
        return hstack(
            [self.words.transform(texts), self.chars.transform(texts), self._glossary_features(texts)]
        ).tocsr()

    # -- training and prediction ---------------------------------------------------------------------------
    def fit(self, texts: list[str], labels: list[str]) -> TopicModel:
        self.words.fit(texts)
        self.chars.fit(texts)
        self.classifier.fit(self._features(texts), labels)
        return self

    def probabilities(self, texts: list[str]) -> list[dict[str, float]]:
        probs = self.classifier.predict_proba(self._features(texts))
        return [dict(zip(self.classifier.classes_, map(float, row))) for row in probs]

    def predict(self, text: str) -> TopicPrediction:
        text = without_chatter(text)  # "this itch is killing me lol" is about the itch, not about killing
        sentences = [s for s in (p.strip() for p in SENTENCE_SPLIT.split(text)) if s]
        questions = [s for s in sentences if is_question(s)] if len(sentences) > 1 else []
        if not questions:
            combined = self.probabilities([text])[0]
            focus = text.strip() if len(sentences) <= 1 else sentences[-1]
        else:
            *on_questions, on_all = self.probabilities([*questions, text])
            weights = [self._question_weight(q, i == len(questions) - 1) for i, q in enumerate(questions)]
            focus = questions[max(range(len(questions)), key=weights.__getitem__)]
            asked = {k: sum(w * p[k] for w, p in zip(weights, on_questions)) / sum(weights) for k in on_all}
            weight = FOCUS_WEIGHT * (1.0 - asked.get(NONE, 0.0))  # "Can you tell me more?" names nothing
            combined = {k: weight * asked[k] + (1 - weight) * on_all[k] for k in on_all}
        ranking = sorted(((k, v) for k, v in combined.items() if k != NONE), key=lambda kv: -kv[1])
        return TopicPrediction(
            ranking,
            combined.get(NONE, 0.0),
            focus,
            self._second_topic(sentences, ranking),
            tuple(self.named_topics(text)),
        )

    def _question_weight(self, question: str, last: bool) -> float:
        """How much a question sentence says about the topic: one that names a topic counts more, a follow-on
        ("And would ...?", "Also, ...") less, and the last question a little more (letters end with it)."""
        weight = 1.0 if self.named_topics(question) else 0.5
        if CONTINUATION.match(question):
            weight *= 0.6
        return weight * (1.2 if last else 1.0)

    def _second_topic(self, sentences: list[str], ranking: list[tuple[str, float]]) -> str | None:
        """A topic that another question part of the message names: "is it the formula, and would probiotics help?"."""
        if not ranking:
            return None
        main = ranking[0][0]
        parts = [c.strip() for s in sentences if is_question(s) for c in CLAUSE_SPLIT.split(s) if c and c.strip()]
        if len(parts) < 2:
            return None
        for part, probs in zip(parts, self.probabilities(parts)):
            # the part's likeliest topic when it is sure or names it, else the likeliest topic it names
            best = max((k for k in probs if k != NONE), key=lambda k: probs[k])
            named = [k for k in self.named_topics(part) if k != main]
            if best != main and (probs[best] >= ALSO_SURE or best in named):
                candidate: str | None = best
            else:
                candidate = max(named, key=lambda k: probs.get(k, 0.0)) if named else None
            if candidate is not None and candidate != main and probs.get(candidate, 0.0) >= ALSO_MIN_CONFIDENCE:
                return candidate
        return None


def is_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") or bool(QUESTION_START.match(sentence))
