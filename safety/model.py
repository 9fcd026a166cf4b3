"""A learned reading of urgent messages, beside the phrase rules: it generalises to wordings no rule lists.

Trained on data/safety/examples.yml and paraphrases.yml: many paraphrases of every sign of each tier, and near
misses (the past, someone else, a question about how things work, a figure of speech, a blocked nose) as
`ordinary`; and on the bot's own NLU examples (`conversation_examples`): the short things people say to it
("i think b", "end the quiz", "great answer") are ordinary, and without them such messages, unlike anything in
examples.yml, fell into an urgent class at random. Features are hashed word 1-2 grams, with the words a plain
negation governs marked ("no neg_fever"), and character 2-5 grams of the other words (no vocabulary to store);
the classifier is a multinomial logistic regression. The model is saved as plain arrays (numpy .npz, loaded with
allow_pickle=False), never pickled. No Rasa imports here: the Rasa component (rasa_ext/components/safety_net.py)
trains and stores it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

SAFETY_DATA = Path(__file__).resolve().parents[1] / "data" / "safety"
EXAMPLES_FILE = SAFETY_DATA / "examples.yml"
# More paraphrases of each sign and near miss, written apart from examples.yml (issue 21): read with it.
PARAPHRASES_FILE = SAFETY_DATA / "paraphrases.yml"
EXAMPLES_FILES = (EXAMPLES_FILE, PARAPHRASES_FILE)
LABELS = ("ordinary", "emergency", "same_day", "crisis", "distress", "treatment_plan")
# examples.yml keys that train a label under another name
KEY_LABELS = {"not_treatment_plan": "ordinary"}
WORD_FEATURES = 2**18
CHAR_FEATURES = 2**18
REGULARISATION = 8.0  # C of the logistic regression: chosen by cross-validation on examples.yml only
SEED = 1
CONVERSATION_WEIGHT = 1.0
# NLU intents whose examples are no use as safety labels: urgent by design, or advice requests that may state a plan
NOT_SAFETY_EXAMPLES = ("red_flag", "self_harm", "medical_advice")


def normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip()


_WORDS = HashingVectorizer(
    n_features=WORD_FEATURES, ngram_range=(1, 2), alternate_sign=False, norm="l2", token_pattern=r"(?u)\b\w+\b|[!?]"
)
_CHARS = HashingVectorizer(n_features=CHAR_FEATURES, analyzer="char_wb", ngram_range=(2, 5), alternate_sign=False)


# NegEx's idea on the model's words: the words a plain negation governs ("no temp", "not having any trouble
# breathing", "without a fever") become other features ("neg_temp"), so "no fever" no longer reads as "fever".
# Contractions (can't, won't, doesn't) are left alone: in "can't breathe" or "won't wake" the negation is the sign.
NEGATION = re.compile(r"\b(?:no|not|never|without|nothing|none|nor|neither)\b")
NEGATION_SCOPE_WORDS = 4
NEGATED_WORD = re.compile(r"\bneg_[\w']+")
SCOPE_END = re.compile(r"[.,;:!?()]|\s-\s|\b(?:but|just|only|though|although|except|apart|and now|now)\b")


def mark_negations(text: str) -> str:
    """The text with the words in each negation's scope prefixed "neg_" (up to a clause boundary)."""
    out, position = [], 0
    for cue in NEGATION.finditer(text):
        if cue.start() < position:
            continue
        end = SCOPE_END.search(text, cue.end())
        limit = end.start() if end else len(text)
        words = list(re.finditer(r"[\w']+", text[cue.end() : limit]))[:NEGATION_SCOPE_WORDS]
        out.append(text[position : cue.end()])
        position = cue.end()
        for word in words:
            start, stop = cue.end() + word.start(), cue.end() + word.end()
            out.append(text[position:start] + "neg_" + text[start:stop])
            position = stop
    out.append(text[position:])
    return "".join(out)


def features(texts: list[str]) -> csr_matrix:
    marked = [mark_negations(normalise(t)) for t in texts]
    # character n-grams (for typos) of the words outside negations only: "neg_temp" must not spell "temp"
    unnegated = [NEGATED_WORD.sub("negated", t) for t in marked]
    return hstack([_WORDS.transform(marked), _CHARS.transform(unnegated)], format="csr")


def load_examples(paths: tuple[Path, ...] = EXAMPLES_FILES) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, messages in data.items():
            label = KEY_LABELS.get(key, key)
            if label not in LABELS:
                raise ValueError(f"{path.name}: unknown key {key!r}; expected one of {LABELS + tuple(KEY_LABELS)}")
            for message in messages or []:
                texts.append(str(message))
                labels.append(label)
    return texts, labels


def conversation_examples(intent_examples: Iterable[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The bot's NLU examples, (text, intent), as safety examples: distress stays distress, the rest is ordinary."""
    texts, labels = [], []
    for text, intent in intent_examples:
        if intent not in NOT_SAFETY_EXAMPLES and text:
            texts.append(text)
            labels.append("distress" if intent == "distress" else "ordinary")
    return texts, labels


def training_set(
    paths: tuple[Path, ...] = EXAMPLES_FILES, intent_examples: Iterable[tuple[str, str]] = ()
) -> tuple[list[str], list[str], list[float]]:
    """Texts, labels and weights. The labels of examples.yml are balanced among themselves (a rare tier counts as
    much as a common one); each conversation example weighs 1, about what a crisis example weighs, so the many
    short things people say to the bot ("i want to stop", "test myself") outweigh a crisis's "i want to"."""
    texts, labels = load_examples(paths)
    counts = {label: labels.count(label) for label in set(labels)}
    weights = [len(labels) / (len(counts) * counts[label]) for label in labels]
    more_texts, more_labels = conversation_examples(intent_examples)
    return texts + more_texts, labels + more_labels, weights + [CONVERSATION_WEIGHT] * len(more_texts)


@dataclass
class SafetyModel:
    labels: tuple[str, ...]
    coef: np.ndarray  # (labels, features), float32
    intercept: np.ndarray  # (labels,)

    @classmethod
    def train(
        cls,
        texts: list[str],
        labels: list[str],
        weights: list[float] | None = None,
        regularisation: float = REGULARISATION,
    ) -> SafetyModel:
        classifier = LogisticRegression(C=regularisation, max_iter=2000, random_state=SEED)
        classifier.fit(features(texts), labels, sample_weight=weights)
        return cls(
            tuple(str(c) for c in classifier.classes_), classifier.coef_.astype(np.float32), classifier.intercept_
        )

    @classmethod
    def from_examples(
        cls, paths: tuple[Path, ...] = EXAMPLES_FILES, intent_examples: Iterable[tuple[str, str]] = ()
    ) -> SafetyModel:
        return cls.train(*training_set(paths, intent_examples))

    def probabilities(self, text: str) -> dict[str, float]:
        scores = features([text]) @ self.coef.T + self.intercept
        scores = np.asarray(scores).ravel()
        exp = np.exp(scores - scores.max())
        return dict(zip(self.labels, (exp / exp.sum()).tolist()))

    def save(self, path: Path) -> None:
        # float32 coefficients are stored sparse: most hashed features never occur in the examples
        used = np.flatnonzero(np.abs(self.coef).sum(axis=0) > 0)
        np.savez_compressed(
            path, labels=np.array(self.labels), used=used, coef=self.coef[:, used], intercept=self.intercept
        )

    @classmethod
    def load(cls, path: Path) -> SafetyModel:
        with np.load(path, allow_pickle=False) as data:
            labels = tuple(str(x) for x in data["labels"])
            coef = np.zeros((len(labels), WORD_FEATURES + CHAR_FEATURES), dtype=np.float32)
            coef[:, data["used"]] = data["coef"]
            return cls(labels, coef, data["intercept"])
