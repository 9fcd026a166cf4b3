"""The Rasa pipeline component that ranks the topics of every message (see topic_model.py for how).

Training examples: the `ask_topic` examples generated from each topic file (`metadata: {topic: <slug>}`), and
as "no topic" the examples of intents that name none (greetings, follow-ups, the tour, the quiz). The glossary
arrives as lookup tables named `topic_glossary:<slug>`. The output is `topics` in the parse data: a ranked list
of {name, confidence}, the probability that no topic is named, the question part of a long message and a second
topic it asks about. Actions read it from the tracker (actions/analysis.py); nothing runs spaCy again.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, METADATA, METADATA_EXAMPLE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.components import model_files, topic_model
from rasa_ext.components.topic_model import (
    GLOSSARY_LOOKUP_PREFIX,
    NONE,
    NONE_INTENTS,
    TopicModel,
    TopicPrediction,
    training_set,
)

logger = logging.getLogger(__name__)

OUTPUT_KEY = "topics"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TopicClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "topic_intent": "ask_topic",
            "none_intents": list(NONE_INTENTS),
            "c": TopicModel.c,
            # A message that clearly names a topic is a question about it, not a command: "the zonulin test"
            # is not "start the quiz". Follow-up intents (more_detail, sources...) keep their intent.
            "topic_beats_intents": [
                "quiz_start",
                "quiz_answer",
                "tour_start",
                "tour_next",
                "tour_restart",
                "greet",
                "goodbye",
                "thank",
                "help",
                "stop",
                "feedback_positive",
                "feedback_negative",
                "bot_challenge",
                "out_of_scope",
            ],
            "topic_beats_intent_confidence": 0.6,
        }

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, model: TopicModel | None = None
    ):
        self.config = {**self.get_default_config(), **config}
        self.model_storage, self.resource, self.model = model_storage, resource, model

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        """Rasa caches trained components by config and data only: without this, a change to the model's code
        reused a model trained by the old code (whose features no longer matched: confidences collapsed)."""
        sources = (Path(topic_model.__file__), Path(model_files.__file__), Path(__file__))
        return hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TopicClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TopicClassifier:
        """The trained model, or a clear error (ModelFileError) when it is missing, pickled or not ours: a Rasa
        server without its topic model would answer every question from the wrong place."""
        with model_storage.read_from(resource) as directory:
            model = TopicModel.load(directory)
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            (e.get(TEXT), e.get(INTENT), ((e.get(METADATA) or {}).get(METADATA_EXAMPLE) or {}).get("topic"))
            for e in training_data.intent_examples
            if e.get(TEXT)
        ]
        texts, labels = training_set(examples, self.config["topic_intent"], tuple(self.config["none_intents"]))
        glossary = {
            table["name"][len(GLOSSARY_LOOKUP_PREFIX) :]: list(table["elements"])
            for table in training_data.lookup_tables
            if table["name"].startswith(GLOSSARY_LOOKUP_PREFIX) and isinstance(table["elements"], list)
        }
        if len(set(labels) - {NONE}) < 2:
            logger.warning("fewer than two topics have examples: the topic classifier is not trained")
            return self.resource
        self.model = TopicModel(glossary, c=float(self.config["c"])).fit(texts, labels)
        with self.model_storage.write_to(self.resource) as directory:
            self.model.save(directory)
        logger.info("topic classifier: %d examples, %d topics", len(texts), len(set(labels)) - 1)
        return self.resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self.model is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            prediction = self.model.predict(text)
            message.set(OUTPUT_KEY, prediction.as_parse_data(text), add_to_output=True)
            self._question_not_command(message, prediction)
        return messages

    def _question_not_command(self, message: Message, prediction: TopicPrediction) -> None:
        intent = (message.get(INTENT) or {}).get("name")
        if intent not in self.config["topic_beats_intents"] or not prediction.ranking:
            return
        slug, confidence = prediction.ranking[0]
        if (
            confidence >= self.config["topic_beats_intent_confidence"]
            and slug in prediction.named
            and prediction.none < 1 - confidence
        ):
            chosen = {"name": self.config["topic_intent"], "confidence": confidence}
            ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != chosen["name"]]
            logger.debug("topic classifier: '%s' names %s (%.2f): ask_topic", intent, slug, confidence)
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
