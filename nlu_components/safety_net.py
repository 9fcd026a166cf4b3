"""A rule-based safety net after the intent classifier: the phrase rules decide urgent messages and their tier.

- A phrase rule that fires sets the safety intent (red_flag or self_harm) and the `safety_tier` entity, whatever
  the classifier said: a confident wrong intent cannot hide an emergency.
- A red_flag from the classifier alone is kept (as the same-day tier) only when the message describes a symptom
  now (the `symptoms` phrases, qualified like the tiers: "hay fever" or "a fever that has gone" is none);
  otherwise "her cheeks are red and dry" would alarm because "cheeks" occurred in urgent training examples.
  It then falls back to the classifier's next intent.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components import action_failures
from nlu_components.safety_phrases import SafetyMatch, SafetyPhrases

logger = logging.getLogger(__name__)


TIER_ENTITY = "safety_tier"
CLASSIFIER_RED_FLAG_CONFIDENCE = 0.7


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent, IntentClassifier):
    """Sets the safety intent and tier from the phrase rules; checks a classifier's red_flag."""

    def __init__(self, phrases: SafetyPhrases):
        self.phrases = phrases
        self._start_up_checked = False

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        return cls(SafetyPhrases.from_file())

    def process(self, messages: list[Message]) -> list[Message]:
        self._check_start_up()
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            match = self.phrases.check(text)
            if match is not None:
                self._apply_rule(message, match)
            else:
                self._check_classifier(message, text)
        return messages

    def _check_start_up(self) -> None:
        """Say once, loudly, when the server was started without its start-up step (plain `rasa run`)."""
        if not self._start_up_checked and not action_failures.installed():
            logger.warning(
                "Rasa was started without scripts/rasa_server.py: a failed custom action will leave the "
                "user without a reply; start it with `python scripts/rasa_server.py run ...`"
            )
        self._start_up_checked = True

    def _apply_rule(self, message: Message, match: SafetyMatch) -> None:
        predicted = (message.get(INTENT) or {}).get("name")
        tier = "self_harm_child" if match.about_child else match.category
        logger.info("safety net: '%s' -> %s, tier %s (%d phrases)", predicted, match.intent, tier, len(match.evidence))
        self._set_intent(message, match.intent, 1.0, tier)

    def _check_classifier(self, message: Message, text: str) -> None:
        intent = message.get(INTENT) or {}
        name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
        if name == "self_harm":
            self._set_intent(message, name, confidence, "self_harm")
        elif name == "red_flag":
            if confidence >= CLASSIFIER_RED_FLAG_CONFIDENCE and self.phrases.symptoms(text):
                self._set_intent(message, name, confidence, "same_day")
                return
            ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != "red_flag"]
            if ranking:
                logger.info(
                    "safety net: classifier red_flag (%.2f) without an urgent sign -> %s",
                    confidence,
                    ranking[0]["name"],
                )
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    @staticmethod
    def _set_intent(message: Message, intent: str, confidence: float, tier: str) -> None:
        chosen = {"name": intent, "confidence": confidence}
        ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != intent]
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
        entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != TIER_ENTITY]
        entities.append({"entity": TIER_ENTITY, "value": tier, "start": 0, "end": 0, "extractor": "SafetyNet"})
        message.set(ENTITIES, entities, add_to_output=True)
