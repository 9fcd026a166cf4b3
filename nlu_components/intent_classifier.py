"""Rasa's LogisticRegressionClassifier, saved with joblib instead of skops, so the Rasa server starts in half the time.

Loading a skops file imports skops.io, which builds its list of trusted types when imported: it imports every
scikit-learn estimator and looks up the module of each numpy and scipy function among all loaded modules
(thousands, with TensorFlow loaded). Measured here: 12 of the 24 s the Rasa server took to start. The file is
written by this project's own training and read only from its own model archive, so the check skops adds
guards nothing that loading the rest of the archive (joblib files, as the topic classifier's) does not.
Training, features and predictions are Rasa's, unchanged; two things make a prediction cheaper: the
coefficients are laid out for one message at a time (nlu_components/linear_models.py), and the sentence
features of the featurizers are joined in one step (Rasa joins them pair by pair, copying the first).
"""

from __future__ import annotations

import logging
from typing import Any

import joblib
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, hstack, vstack

from nlu_components.linear_models import for_prediction

logger = logging.getLogger(__name__)
MODEL_FILE = "intent_classifier.joblib"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class JoblibLogisticRegressionClassifier(LogisticRegressionClassifier):
    def _create_X(self, messages: list[Message]) -> csr_matrix:
        """The same matrix as Rasa's _create_X (tests/unit/test_intent_classifier.py compares them)."""
        rows = []
        for message in messages:
            if message.get_dense_features(attribute=TEXT)[1] is not None:
                return super()._create_X(messages)  # not in this pipeline: Rasa's way
            parts = [
                f.features
                for f in message.features
                if f.attribute == TEXT and f.is_sparse() and f.type == FEATURE_TYPE_SENTENCE
            ]
            rows.append(hstack(parts, format="csr") if parts else csr_matrix([]))
        return rows[0] if len(rows) == 1 else vstack(rows, format="csr")

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            joblib.dump(self.clf, model_dir / MODEL_FILE)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> JoblibLogisticRegressionClassifier:
        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                component.clf = for_prediction(joblib.load(model_dir / MODEL_FILE))
        except (ValueError, FileNotFoundError):
            logger.warning("no trained intent classifier in the model: every message will be unclassified")
        return component
