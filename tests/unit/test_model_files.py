"""Classifiers and vectorisers saved as arrays and JSON predict what they predicted before; pickles are refused."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from rasa_ext.components import model_files
from rasa_ext.components.model_files import ModelFileError
from rasa_ext.components.topic_model import TopicModel

TEXTS = [
    "what is butyrate", "does fibre feed gut bacteria", "is leaky gut real", "what does LPS do",
    "can probiotics help my baby's eczema", "which probiotic strain", "tell me about butyrate and the gut",
    "fibre in a child's diet", "zonulin and leaky gut", "probiotics for eczema in teenagers", "hello", "thanks",
]  # fmt: skip
LABELS = ["scfa", "fibre", "leaky_gut", "leaky_gut", "probiotics", "probiotics", "scfa", "fibre", "leaky_gut",
          "probiotics", "_none", "_none"]  # fmt: skip
GLOSSARY = {
    "scfa": ["butyrate"],
    "fibre": ["fibre"],
    "leaky_gut": ["leaky gut", "zonulin"],
    "probiotics": ["probiotic"],
}
UNSEEN = ["is butyrate in fibre?", "my son's leaky gut", "probiotic drops for a newborn", "hi there"]


def test_a_logistic_regression_round_trips_through_arrays(tmp_path: Path):
    vectorizer = TfidfVectorizer().fit(TEXTS)
    classifier = LogisticRegression(C=10, max_iter=500).fit(vectorizer.transform(TEXTS), LABELS)
    model_files.save_arrays(tmp_path / "m.npz", **model_files.linear_arrays(classifier, "c_"))
    loaded = model_files.linear_from_arrays(model_files.load_arrays(tmp_path / "m.npz"), "c_", classifier.get_params())
    unseen = vectorizer.transform(UNSEEN)
    assert list(loaded.classes_) == list(classifier.classes_)
    assert np.allclose(loaded.predict_proba(unseen), classifier.predict_proba(unseen))


@pytest.mark.parametrize(
    "settings",
    [{"ngram_range": (1, 2), "sublinear_tf": True}, {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2}],
)
def test_a_tfidf_vectoriser_round_trips_through_json_and_arrays(settings: dict):
    vectorizer = TfidfVectorizer(**settings).fit(TEXTS)
    state, idf = model_files.tfidf_state(vectorizer)
    loaded = model_files.tfidf_from_state(json.loads(json.dumps(state)), idf)
    assert (loaded.transform(UNSEEN) != vectorizer.transform(UNSEEN)).nnz == 0


def test_the_topic_model_predicts_the_same_after_saving_and_loading(tmp_path: Path):
    model = TopicModel(GLOSSARY, c=10.0).fit(TEXTS, LABELS)
    model.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["topic_model.json", "topic_model.npz"]
    loaded = TopicModel.load(tmp_path)
    for text in [*UNSEEN, "My baby has eczema. We tried fibre. Would a probiotic help, and is butyrate safe?"]:
        before, after = model.predict(text), loaded.predict(text)
        assert [s for s, _ in before.ranking] == [s for s, _ in after.ranking]
        assert np.allclose([p for _, p in before.ranking], [p for _, p in after.ranking])
        assert (before.focus, before.also, before.named) == (after.focus, after.also, after.named)


def test_a_directory_holding_a_pickle_is_refused_even_beside_good_files(tmp_path: Path):
    TopicModel(GLOSSARY, c=10.0).fit(TEXTS, LABELS).save(tmp_path)
    joblib.dump({"anything": 1}, tmp_path / "topic_model.joblib")
    with pytest.raises(ModelFileError, match="topic_model.joblib.*pickle files can run code"):
        TopicModel.load(tmp_path)


def test_an_npz_holding_an_object_array_is_refused_not_unpickled(tmp_path: Path):
    np.savez(tmp_path / "m.npz", c_coef=np.array([{"a": 1}], dtype=object))  # numpy pickles object arrays
    with pytest.raises(ModelFileError, match="not a model file"):
        model_files.load_arrays(tmp_path / "m.npz")
    with pytest.raises(ModelFileError, match="object array"):
        model_files.save_arrays(tmp_path / "n.npz", c_coef=np.array([{"a": 1}], dtype=object))


def test_missing_or_broken_files_fail_with_a_clear_message(tmp_path: Path):
    with pytest.raises(ModelFileError, match="topic_model.json is missing"):
        TopicModel.load(tmp_path)
    (tmp_path / "topic_model.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelFileError, match="not valid JSON"):
        TopicModel.load(tmp_path)
    (tmp_path / "m.npz").write_bytes(b"plain text")
    with pytest.raises(ModelFileError, match="not a model file"):
        model_files.load_arrays(tmp_path / "m.npz")
