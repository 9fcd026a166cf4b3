"""Trained classifiers saved as plain arrays and JSON, never pickled, and read back the same way.

A pickle (joblib) file runs code when it is loaded, so anyone who can put a model archive in front of the Rasa
server (`PUT /model`, a model server, a copied file) could run code on it. Here a linear classifier is its
coefficients, intercepts and classes; a TF-IDF vectoriser is its vocabulary, idf weights and settings. Arrays go
to a numpy .npz file read with allow_pickle=False (object arrays are refused), settings to JSON. A directory that
holds a pickle is refused with a clear error instead of being read. No Rasa imports: the components wrap this.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle", ".p", ".sav")
# The settings of a TfidfVectorizer that change its output and are plain JSON values
TFIDF_SETTINGS = (
    "analyzer", "ngram_range", "lowercase", "token_pattern", "sublinear_tf", "min_df", "max_df", "norm",
    "use_idf", "smooth_idf", "strip_accents", "binary",
)  # fmt: skip


class ModelFileError(ValueError):
    """A model file that is missing, pickled or not what this project writes."""


def refuse_pickles(directory: Path) -> None:
    """Raise ModelFileError when the directory holds a pickle file: it is never loaded."""
    pickled = sorted(p.name for p in directory.iterdir() if p.suffix.lower() in PICKLE_SUFFIXES)
    if pickled:
        raise ModelFileError(
            f"refused to load {', '.join(pickled)} in {directory.name}: pickle files can run code when loaded. "
            "This project saves models as arrays and JSON only; train the model again with `make model`."
        )


def save_arrays(path: Path, **arrays: np.ndarray) -> None:
    for name, array in arrays.items():
        if np.asarray(array).dtype == object:
            raise ModelFileError(f"{name} is an object array: it could only be saved by pickling it")
    with path.open("wb") as file:
        np.savez(file, **arrays)


def load_arrays(path: Path) -> dict[str, np.ndarray]:
    if not path.is_file():
        raise ModelFileError(f"the model file {path.name} is missing from {path.parent.name}; train with `make model`")
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except (ValueError, OSError) as error:  # an object array, or not an npz file at all
        raise ModelFileError(f"{path.name} is not a model file this project wrote: {error}") from None


def save_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")


def load_json(path: Path) -> Any:
    if not path.is_file():
        raise ModelFileError(f"the model file {path.name} is missing from {path.parent.name}; train with `make model`")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ModelFileError(f"{path.name} is not valid JSON: {error}") from None


def linear_arrays(classifier: LogisticRegression, prefix: str) -> dict[str, np.ndarray]:
    """The arrays that make a fitted logistic regression predict: coefficients, intercepts and classes."""
    return {
        f"{prefix}coef": np.ascontiguousarray(classifier.coef_),
        f"{prefix}intercept": classifier.intercept_,
        f"{prefix}classes": np.asarray([str(c) for c in classifier.classes_]),  # unicode, not object, dtype
    }


def linear_from_arrays(arrays: dict[str, np.ndarray], prefix: str, settings: dict[str, Any]) -> LogisticRegression:
    """A logistic regression that predicts what the saved one predicted (probabilities included)."""
    classifier = LogisticRegression(**settings)
    try:
        # Column-major: prediction computes features @ coef_.T, and with coef_ row-major scipy copied all of it on
        # every call (measured: 2.8 ms per message for a 33 x 60,000 matrix, 0.013 ms without the copy).
        classifier.coef_ = np.asfortranarray(arrays[f"{prefix}coef"])
        classifier.intercept_ = arrays[f"{prefix}intercept"]
        classifier.classes_ = arrays[f"{prefix}classes"].astype(object)  # str labels, as when trained
    except KeyError as error:
        raise ModelFileError(f"the classifier's {error.args[0]} array is missing") from None
    classifier.n_features_in_ = classifier.coef_.shape[1]
    if classifier.coef_.shape[0] not in (1, len(classifier.classes_)) or len(classifier.classes_) < 2:
        raise ModelFileError("the classifier's coefficients do not match its classes")
    return classifier


def tfidf_state(vectorizer: TfidfVectorizer) -> tuple[dict[str, Any], np.ndarray]:
    """(settings and vocabulary as JSON, idf weights) of a fitted vectoriser."""
    terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    settings = {name: getattr(vectorizer, name) for name in TFIDF_SETTINGS}
    return {"settings": settings, "vocabulary": terms}, vectorizer.idf_


def tfidf_from_state(state: dict[str, Any], idf: np.ndarray) -> TfidfVectorizer:
    """The fitted vectoriser back: the same settings, vocabulary (terms in column order) and idf weights."""
    try:
        settings = dict(state["settings"])
        terms = list(state["vocabulary"])
    except (KeyError, TypeError):
        raise ModelFileError("a vectoriser's settings or vocabulary are missing") from None
    if len(terms) != len(idf):
        raise ModelFileError("a vectoriser's vocabulary and idf weights differ in length")
    settings["ngram_range"] = tuple(settings["ngram_range"])
    vectorizer = TfidfVectorizer(**settings, vocabulary={term: i for i, term in enumerate(terms)})
    vectorizer._validate_vocabulary()  # sets vocabulary_ and fixed_vocabulary_, as fit() does
    vectorizer.idf_ = idf
    return vectorizer
