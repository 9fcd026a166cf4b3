"""A rule-based safety net after the intent classifier: a confident wrong intent cannot hide an emergency."""
from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components import action_failures
from nlu_components.safety_phrases import SafetyPhrases

logger = logging.getLogger(__name__)

# Every Rasa process that loads the model imports this module (config.yml names SafetyNet), so this is where
# the server learns never to fall silent when the action server is away.
action_failures.install()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent, IntentClassifier):
    """Overrides the predicted intent with a safety intent when the message matches a safety phrase rule."""

    def __init__(self, phrases: SafetyPhrases):
        self.phrases = phrases

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetyNet":
        return cls(SafetyPhrases.from_file())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            match = self.phrases.check(text)
            if match is None:
                continue
            predicted = (message.get(INTENT) or {}).get("name")
            if predicted != match.category:
                logger.info("safety net: '%s' -> %s (phrases: %s)", predicted, match.category, match.evidence)
            override = {"name": match.category, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != match.category]
            message.set(INTENT, override, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [override, *ranking], add_to_output=True)
        return messages
