"""The safety net after the intent classifier: it decides urgent messages and their tier, whatever the classifier said.

Three readings, each of the signs in their context (safety/phrases.py: not negated, not past,
not hypothetical, not about someone else, not a general question, not a figure of speech):
- the phrase rules (data/safety/phrases.yml): what they match always counts;
- numbers (safety/numbers.py): a baby's temperature and age against NICE's thresholds;
- a learned model (safety/model.py, trained on data/safety/examples.yml): it recognises signs
  said in words no rule lists. It counts only above a high confidence, and only when some sentence of the
  message can be about someone in the writer's care now, and not when every sign the message names is
  qualified away (negated, past, resolved).
The highest tier found wins (self_harm, emergency, same_day): it sets the safety intent (red_flag or
self_harm) and the `safety_tier` entity, so a confident wrong intent cannot hide an emergency.
- A red_flag from the classifier alone is kept (as the same-day tier) only when the message describes a symptom
  now (the `symptoms` phrases, qualified like the tiers: "hay fever" or "a fever that has gone" is none);
  otherwise "her cheeks are red and dry" would alarm because "cheeks" occurred in urgent training examples.
  It then falls back to the classifier's next intent.
- A self_harm from the classifier alone needs the model to see a crisis too: "this eczema is killing me" or
  scratches that bleed are no crisis. A distress that asks a question gets its answer (the next intent).
- A stated plan to stop or change a prescribed treatment (the model, or the `plan_verbs` and `treatments`
  phrases) adds the `treatment_plan` entity: the answer then opens with a caution (actions/base.py).
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.patches import action_failures
from safety import model as safety_model_module
from safety import numbers as safety_numbers
from safety.model import EXAMPLES_FILES, SafetyModel
from safety.phrases import SafetyPhrases

logger = logging.getLogger(__name__)


TIER_ENTITY = "safety_tier"
TREATMENT_PLAN_ENTITY = "treatment_plan"
URGENT_SIGNS_ENTITY = "urgent_signs"  # urgent signs named, none happening now: the actions answer about the signs
CLASSIFIER_RED_FLAG_CONFIDENCE = 0.7
MODEL_FILE = "safety_model.npz"
PRIORITY = ("self_harm", "emergency", "same_day")
# Thresholds on the learned model's probabilities: set from cross-validation on its training data alone
# (data/safety/examples.yml, paraphrases.yml and the NLU examples; scripts/safety_model_check.py), never from a
# held-out test set. Cross-validated (5 folds, 7389 examples): emergency recall 0.87 at 0.5; urgent recall 0.91 at
# 0.6, with 28 urgent alarms among 5792 calm examples; crisis recall 0.64 at 0.6, with 11 crisis alarms (the rules
# carry most). Before the paraphrases and the negation marking: 0.76, 0.84 (24 alarms among 4492) and 0.50.
MODEL_EMERGENCY = 0.5
MODEL_EMERGENCY_ALONE = 0.85  # an emergency this sure counts even when the message names no sign phrase
MODEL_URGENT = 0.6  # emergency + same_day: at least this sure that something needs care today
MODEL_CRISIS = 0.6
MODEL_CRISIS_ALONE = 0.9  # a crisis this sure counts whatever the classifier ranks
FEELING_INTENTS = ("self_harm", "distress")
SHORT_MESSAGE_WORDS = 6
RANKED_GUESSES = 3
DISTRESS_AFTER_RED_FLAG = 0.3  # below this, a distress that is only the classifier's second guess is not believed
CLASSIFIER_CRISIS_SUPPORT = 0.3  # a classifier's self_harm stands only when the model sees at least this much crisis
MODEL_TREATMENT_PLAN = 0.5
QUESTION = re.compile(
    r"\?|(^|[.!,]\s+|\s-\s)(what|how|is|are|can|could|should|does|do|which|why|when|any)\b", re.IGNORECASE
)
# The writer speaks of their own crisis, even when a child is mentioned ("my son would be better off without me").
FIRST_PERSON_CRISIS = re.compile(
    r"\b(myself|my life|without me|i want to die|i wanna die|i don't want to (?:live|be here|be alive))\b"
)
CONTENT_INTENTS_AFTER_DISTRESS = ("distress", "self_harm", "red_flag", "greet", "goodbye", "thank")
# Skin damage from eczema: scratching until it bleeds is no crisis on its own. In a question about it ("how can I
# stop scratching in my sleep, I wake up with blood on the sheets") the model's crisis must be sure on its own.
SCRATCHING = re.compile(r"\b(scratch\w*|itch\w*|bleed\w*|blood\w*|raw)\b", re.IGNORECASE)


def _feeling_ranked(ranking: list[dict[str, Any]] | None) -> bool:
    """Whether the classifier ranks self_harm or distress among its first guesses (no ranking: no veto)."""
    return ranking is None or any(r.get("name") in FEELING_INTENTS for r in ranking[:RANKED_GUESSES])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafetyNet(GraphComponent, IntentClassifier):
    """Sets the safety intent and tier from the rules, the numbers and the learned model; checks the classifier."""

    def __init__(
        self,
        phrases: SafetyPhrases,
        model: SafetyModel | None = None,
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
    ):
        self.phrases, self.model = phrases, model
        self.model_storage, self.resource = model_storage, resource
        self._start_up_checked = False

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        """The learned model is also trained from its own file, which Rasa's fingerprint does not see: retrain when
        it or the model's code changes."""
        sources = (*EXAMPLES_FILES, Path(safety_model_module.__file__))
        return hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        return cls(SafetyPhrases.from_file(), None, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SafetyNet:
        try:
            with model_storage.read_from(resource) as directory:
                model: SafetyModel | None = SafetyModel.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("no learned safety model in this Rasa model: only the phrase rules and numbers decide")
            model = None
        return cls(SafetyPhrases.from_file(), model, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        intent_examples = ((m.get(TEXT) or "", m.get(INTENT) or "") for m in training_data.intent_examples)
        self.model = SafetyModel.from_examples(intent_examples=intent_examples)
        assert self.model_storage is not None and self.resource is not None
        with self.model_storage.write_to(self.resource) as directory:
            self.model.save(directory / MODEL_FILE)
        logger.info("safety model: trained on %s", ", ".join(p.name for p in EXAMPLES_FILES))
        return self.resource

    def process(self, messages: list[Message]) -> list[Message]:
        self._check_start_up()
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            probabilities = self.model.probabilities(text) if self.model else {}
            tier, source = self.tier(text, probabilities, message.get(INTENT_RANKING_KEY))
            if tier is not None:
                self._apply(message, tier, source)
            else:
                if self.phrases.names_urgent_sign(text) or safety_numbers.read(text):
                    self._add_entity(message, URGENT_SIGNS_ENTITY, "named")
                self._check_classifier(message, text, probabilities)
                stated = probabilities.get("treatment_plan", 0.0) >= MODEL_TREATMENT_PLAN
                if stated or self.phrases.treatment_plan(text):
                    self._add_entity(message, TREATMENT_PLAN_ENTITY, "stated")
                    if (message.get(INTENT) or {}).get("name") == "distress":
                        # a plan to stop a treatment needs the caution and an answer, not comfort
                        self._next_intent(message, CONTENT_INTENTS_AFTER_DISTRESS, "treatment plan, not distress")
        return messages

    def tier(
        self, text: str, probabilities: dict[str, float], ranking: list[dict[str, Any]] | None = None
    ) -> tuple[str | None, str]:
        """The urgent tier of a message (self_harm, self_harm_child, emergency, same_day) and what decided it."""
        found: list[tuple[str, str]] = []
        match = self.phrases.check(text)
        if match is not None:
            found.append((match.category, "phrase rules"))
        for reading in safety_numbers.read(text):
            if self.phrases.reading_counts(text, reading.start, reading.end):
                found.append((reading.tier, "numbers"))
        if probabilities and self.phrases.in_context(text) and not self.phrases.dismissed(text):
            # A rule's or a number's sign is a guarantee; the model's crisis, a guess, must not displace it
            # ("I think I just had a seizure" is an emergency, not a crisis).
            # In a short message the model's crisis also needs the intent classifier, trained on short chat, to rank
            # a feeling among its first guesses: "i want to test myself" has a crisis's words and no crisis.
            # Longer messages are stories, where the classifier is weak and the model was trained. A question about
            # scratching or bleeding skin is a care question unless the model is sure of a crisis on its own.
            crisis = probabilities.get("crisis", 0.0)
            vetoed = len(text.split()) <= SHORT_MESSAGE_WORDS and not _feeling_ranked(ranking)
            vetoed = vetoed or bool(SCRATCHING.search(text) and QUESTION.search(text))
            if not found and crisis >= MODEL_CRISIS and (crisis >= MODEL_CRISIS_ALONE or not vetoed):
                found.append(("self_harm", "model"))
            emergency = probabilities.get("emergency", 0.0)
            if MODEL_EMERGENCY <= emergency < MODEL_EMERGENCY_ALONE and not self.phrases.describes_a_sign(text):
                emergency = 0.0  # the shape of an emergency story with no sign in it is no emergency
            if emergency >= MODEL_EMERGENCY:
                found.append(("emergency", "model"))
            elif emergency + probabilities.get("same_day", 0.0) >= MODEL_URGENT:
                # The model's same day is a guess from words: not when the message says the temperature is normal
                # ("7 weeks, temp 36.8, all normal") or the only breathing trouble is a cold's blocked nose.
                # Nor in a message the classifier reads as a feeling that names no symptom ("running on empty").
                feeling = bool(ranking) and (ranking or [{}])[0].get("name") == "distress"
                if not (
                    safety_numbers.normal_temperature(text)
                    or self.phrases.cold_only(text)
                    or (feeling and not self.phrases.symptoms(text))
                ):
                    found.append(("same_day", "model"))
        if not found:
            return None, ""
        tier, source = min(found, key=lambda f: PRIORITY.index(f[0]))
        if tier == "same_day" and self.phrases.already_treated(text):
            # seen and treated, not worse: "GP saw her yesterday, she's on the tablets, how long until..."
            return None, ""
        if tier == "self_harm":
            about_child = match.about_child if match is not None and match.category == "self_harm" else None
            if about_child is None:
                about_child = self.phrases.child_reported(text) and not FIRST_PERSON_CRISIS.search(text.lower())
            tier = "self_harm_child" if about_child else tier
        return tier, source

    def _check_start_up(self) -> None:
        """Say once, loudly, when the server was started without its start-up step (plain `rasa run`)."""
        if not self._start_up_checked and not action_failures.installed():
            logger.warning(
                "Rasa was started without scripts/rasa_server.py: a failed custom action will leave the "
                "user without a reply; start it with `python scripts/rasa_server.py run ...`"
            )
        self._start_up_checked = True

    def _apply(self, message: Message, tier: str, source: str) -> None:
        predicted = (message.get(INTENT) or {}).get("name")
        intent = "self_harm" if tier.startswith("self_harm") else "red_flag"
        logger.info("safety net: '%s' -> %s, tier %s (%s)", predicted, intent, tier, source)  # never the text
        self._set_intent(message, intent, 1.0, tier)

    def _check_classifier(self, message: Message, text: str, probabilities: dict[str, float]) -> None:
        intent = message.get(INTENT) or {}
        name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
        if name == "self_harm":
            if not probabilities or probabilities.get("crisis", 0.0) >= CLASSIFIER_CRISIS_SUPPORT:
                self._set_intent(message, name, confidence, "self_harm")
            else:
                self._next_intent(message, ("self_harm",), "self_harm without a sign of crisis")
        elif name == "red_flag":
            if (
                confidence >= CLASSIFIER_RED_FLAG_CONFIDENCE
                and self.phrases.symptoms(text)
                and self.phrases.in_context(text)
            ):
                self._set_intent(message, name, confidence, "same_day")
                return
            self._next_intent(message, ("red_flag", "self_harm"), "red_flag without an urgent sign")
            after = message.get(INTENT) or {}
            if after.get("name") == "distress" and (
                QUESTION.search(text) or float(after.get("confidence") or 0.0) < DISTRESS_AFTER_RED_FLAG
            ):
                # what looked urgent and is not is rarely mainly a feeling: "blocked nose, a bit of a cough, no
                # fever" is a care question, not a call for comfort
                self._next_intent(message, CONTENT_INTENTS_AFTER_DISTRESS, "distress after red_flag, not a feeling")
        elif name == "distress" and QUESTION.search(text):
            # a fed-up message that asks something gets its answer
            self._next_intent(message, CONTENT_INTENTS_AFTER_DISTRESS, "distress with a question")
        elif name == "distress" and not self.phrases.feelings(text):
            # a figure of speech about the skin ("this itching is killing me lol") is no call for comfort
            self._next_intent(message, CONTENT_INTENTS_AFTER_DISTRESS, "distress without a feeling")

    @staticmethod
    def _next_intent(message: Message, skip: tuple[str, ...], why: str) -> None:
        ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") not in skip]
        if ranking:
            logger.info("safety net: %s -> %s", why, ranking[0]["name"])
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    @staticmethod
    def _add_entity(message: Message, entity: str, value: str) -> None:
        entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != entity]
        entities.append({"entity": entity, "value": value, "start": 0, "end": 0, "extractor": "SafetyNet"})
        message.set(ENTITIES, entities, add_to_output=True)

    @staticmethod
    def _set_intent(message: Message, intent: str, confidence: float, tier: str) -> None:
        chosen = {"name": intent, "confidence": confidence}
        ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != intent]
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
        SafetyNet._add_entity(message, TIER_ENTITY, tier)
