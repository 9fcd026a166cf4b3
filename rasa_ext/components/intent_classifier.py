"""Rasa's LogisticRegressionClassifier, saved as arrays and JSON instead of skops, so the Rasa server starts in
half the time and no model file is ever unpickled.

Loading a skops file imports skops.io, which builds its list of trusted types when imported: it imports every
scikit-learn estimator and looks up the module of each numpy and scipy function among all loaded modules
(thousands, with TensorFlow loaded). Measured here: 12 of the 24 s the Rasa server took to start. A logistic
regression is its coefficients, intercepts and classes: they are saved as a numpy .npz file read without pickle
(rasa_ext/components/model_files.py), and an archive whose classifier is a pickle is refused at load.
Training, features and predictions are Rasa's, unchanged; two things make a prediction cheaper: the
coefficients are laid out for one message at a time (model_files.linear_from_arrays), and the sentence
features of the featurizers are joined in one step (Rasa joins them pair by pair, copying the first).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, hstack, vstack

from rasa_ext.components import model_files

logger = logging.getLogger(__name__)
ARRAYS_FILE = "intent_classifier.npz"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ArrayLogisticRegressionClassifier(LogisticRegressionClassifier):
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
            model_files.save_arrays(model_dir / ARRAYS_FILE, **model_files.linear_arrays(self.clf, ""))

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ArrayLogisticRegressionClassifier:
        """The trained classifier, or a clear error (ModelFileError) when it is missing, pickled or not ours."""
        component = cls(config, execution_context.node_name, model_storage, resource)
        with model_storage.read_from(resource) as model_dir:
            model_files.refuse_pickles(model_dir)
            arrays = model_files.load_arrays(model_dir / ARRAYS_FILE)
        component.clf = model_files.linear_from_arrays(arrays, "", component.clf.get_params())
        return component
