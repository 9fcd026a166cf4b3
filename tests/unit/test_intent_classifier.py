"""The intent classifier's quicker feature matrix is the one Rasa builds."""

from __future__ import annotations

import numpy as np
import scipy.sparse
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from nlu_components.intent_classifier import JoblibLogisticRegressionClassifier
from nlu_components.linear_models import for_prediction


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
        ours = JoblibLogisticRegressionClassifier._create_X(None, messages)  # type: ignore[arg-type]
        rasas = LogisticRegressionClassifier._create_X(None, messages)  # type: ignore[arg-type]
        assert ours.shape == rasas.shape == (len(messages), 52)
        assert np.array_equal(ours.toarray(), rasas.toarray())


def test_coefficients_laid_out_for_prediction_predict_the_same():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    features, labels = scipy.sparse.random(60, 200, density=0.1, random_state=1, format="csr"), rng.integers(0, 4, 60)
    classifier = LogisticRegression(max_iter=200).fit(features, labels)
    before = classifier.predict_proba(features[:5])
    assert not classifier.coef_.flags.f_contiguous
    after = for_prediction(classifier).predict_proba(features[:5])
    assert classifier.coef_.flags.f_contiguous and np.array_equal(before, after)
