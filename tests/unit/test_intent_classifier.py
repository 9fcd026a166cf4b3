"""The intent classifier's quicker feature matrix is the one Rasa builds; the classifier is saved without pickle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.components.intent_classifier import ArrayLogisticRegressionClassifier
from rasa_ext.components.model_files import ModelFileError


def message(seed: int) -> Message:
    rng = np.random.default_rng(seed)
    msg = Message(data={TEXT: f"message {seed}"})
    tokens = int(rng.integers(2, 9))
    for origin, width in (("RegexFeaturizer", 7), ("LexicalSyntacticFeaturizer", 5), ("CountVectorsFeaturizer", 40)):
        msg.add_features(
            Features(
                scipy.sparse.random(tokens, width, density=0.3, random_state=seed, format="coo"),
                FEATURE_TYPE_SEQUENCE,
                TEXT,
                origin,
            )
        )
        msg.add_features(
            Features(
                scipy.sparse.random(1, width, density=0.5, random_state=seed + 1, format="coo"),
                FEATURE_TYPE_SENTENCE,
                TEXT,
                origin,
            )
        )
    msg.add_features(
        Features(
            scipy.sparse.random(1, 3, density=1.0, format="coo"),
            FEATURE_TYPE_SENTENCE,
            INTENT,
            "CountVectorsFeaturizer",
        )
    )  # another attribute: not part of the text's features
    return msg


def test_the_feature_matrix_equals_rasas():
    for messages in ([message(1)], [message(s) for s in range(2, 9)]):
        ours = ArrayLogisticRegressionClassifier._create_X(None, messages)  # type: ignore[arg-type]
        rasas = LogisticRegressionClassifier._create_X(None, messages)  # type: ignore[arg-type]
        assert ours.shape == rasas.shape == (len(messages), 52)
        assert np.array_equal(ours.toarray(), rasas.toarray())


def storage(tmp_path: Path) -> tuple[LocalModelStorage, Resource, ExecutionContext]:
    return LocalModelStorage(tmp_path), Resource("intent_classifier"), ExecutionContext(GraphSchema({}), node_name="ic")


def test_the_trained_classifier_is_saved_as_arrays_and_predicts_the_same_after_loading(tmp_path: Path):
    model_storage, resource, context = storage(tmp_path)
    trained = ArrayLogisticRegressionClassifier.create({}, model_storage, resource, context)
    rng = np.random.default_rng(0)
    features = scipy.sparse.random(60, 200, density=0.1, random_state=1, format="csr")
    trained.clf.fit(features, np.array(["greet", "thank", "ask_topic", "help"])[rng.integers(0, 4, 60)])
    trained.persist()
    with model_storage.read_from(resource) as directory:
        assert sorted(p.name for p in directory.iterdir()) == ["intent_classifier.npz"]
    loaded = ArrayLogisticRegressionClassifier.load({}, model_storage, resource, context)
    assert loaded.clf.coef_.flags.f_contiguous  # laid out for one message at a time
    assert list(loaded.clf.classes_) == list(trained.clf.classes_)
    assert np.allclose(loaded.clf.predict_proba(features[:9]), trained.clf.predict_proba(features[:9]))


def test_a_pickled_classifier_is_refused_at_load(tmp_path: Path):
    model_storage, resource, context = storage(tmp_path)
    with model_storage.write_to(resource) as directory:
        (directory / "intent_classifier.joblib").write_bytes(b"\x80\x04not loaded")
    with pytest.raises(ModelFileError, match="intent_classifier.joblib.*pickle"):
        ArrayLogisticRegressionClassifier.load({}, model_storage, resource, context)


def test_a_missing_classifier_fails_at_load_with_a_clear_message(tmp_path: Path):
    model_storage, resource, context = storage(tmp_path)
    with model_storage.write_to(resource):
        pass
    with pytest.raises(ModelFileError, match="intent_classifier.npz is missing"):
        ArrayLogisticRegressionClassifier.load({}, model_storage, resource, context)
