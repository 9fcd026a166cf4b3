"""Rasa's RulePolicy, predicting the same actions from the end of the conversation only, at less cost.

RulePolicy turns the whole conversation into dialogue states and then matches every rule against every state,
back to the first one, three times per turn: a turn cost more the longer the conversation was. A rule is only
ever compared with as many of the latest states as it has steps (a state further back makes it applicable by
definition, `RulePolicy._is_rule_applicable`), so this policy builds and matches only the latest `longest rule`
states. A conversation shorter than that is taken whole, as before; a conversation-start rule still sees
whether its first state is the start. The states are the ones Rasa computes (rasa_ext/policies/latest_states.py),
and each conversation's replay is kept by sender id, so the next prediction replays only the events added since.
Not while training: the training trackers' sender ids are story names, which several trackers can share.

Two more savings, with the same results: each rule's steps are parsed from their JSON key once, not once per
rule, step and state compared; and only the rules whose last step names the conversation's last action and
intent (or names none) are compared at all, as every other rule fails its last step.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import SupportedData
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

from rasa_ext.patches.rasa_version import require_supported_rasa
from rasa_ext.policies.latest_states import StateReplays, latest_states

require_supported_rasa(__name__)  # it relies on how RulePolicy 3.6.21 matches rules and builds states


def _required_name(value: Any) -> str | None:
    """The name a rule step requires, or None: only a set name rules out others (`_does_rule_match_state`)."""
    return value if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class LatestStatesRulePolicy(RulePolicy):
    """RulePolicy whose predictions read only as many states as its longest rule has."""

    _reversed_rules: dict[str, list[State]] | None = None
    _replays: StateReplays | None = None
    _training = False
    _longest: tuple[int, int] | None = None  # (number of rules, longest)
    _indexes: dict[int, tuple[dict[str, str], int, tuple[dict[Any, set[str]], dict[Any, set[str]]]]] | None = None

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """RulePolicy's training, after the check Rasa's recipe validator runs for RulePolicy only (it compares
        classes exactly, so it skips a subclass): a `core_fallback_action_name` missing from the domain fails
        training instead of the first unmatched turn."""
        RulePolicy.raise_if_incompatible_with_domain(config=self.config, domain=domain)
        self._training = True
        try:
            return super().train(training_trackers, domain, **kwargs)
        finally:
            self._training = False

    def longest_rule(self) -> int:
        keys = [*self.lookup.get(RULES, {}), *self.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
        if self._longest is None or self._longest[0] != len(keys):  # (training fills the lookup in)
            self._longest = (len(keys), max((len(self._rule_key_to_state(key)) for key in keys), default=0))
        return self._longest[1]

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        # (RulePolicy hides no turns: Rasa hides them for policies of ML data only)
        if self.supported_data() == SupportedData.ML_DATA or self.featurizer.max_history is not None:
            return super()._prediction_states(tracker, domain, use_text_for_last_user_input, rule_only_data)
        if self._training:
            states = latest_states(tracker, domain, self.longest_rule())
        else:
            if self._replays is None:
                self._replays = StateReplays()
            states = self._replays.latest(tracker, domain, self.longest_rule())  # a copy: the next line edits it
        self.featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states

    def _get_possible_keys(self, lookup: dict[str, str], states: list[State]) -> set[str]:
        possible = self._candidates(lookup, states[-1]) if states else set(lookup)
        for turn_index, state in enumerate(reversed(states)):
            possible = {key for key in possible if self._is_rule_applicable(key, turn_index, state)}
        return possible

    def _candidates(self, lookup: dict[str, str], last_state: State) -> set[str]:
        """The rules whose last step can match `last_state`: those naming its action and intent, or none."""
        if not last_state.get(PREVIOUS_ACTION):
            return set(lookup)  # the start of a conversation: compared in full
        by_action, by_intent = self._last_step_index(lookup)
        action = last_state[PREVIOUS_ACTION].get(ACTION_NAME)
        intent = last_state.get(USER, {}).get(INTENT)
        return (by_action.get(action, set()) | by_action[None]) & (by_intent.get(intent, set()) | by_intent[None])

    def _last_step_index(self, lookup: dict[str, str]) -> tuple[dict[Any, set[str]], dict[Any, set[str]]]:
        cached = self._indexes.get(id(lookup)) if self._indexes is not None else None
        if cached is not None and cached[0] is lookup and cached[1] == len(lookup):
            return cached[2]
        by_action: dict[Any, set[str]] = {None: set()}
        by_intent: dict[Any, set[str]] = {None: set()}
        for key in lookup:
            last_step = self._rule_key_to_state(key)[-1]
            action = last_step.get(PREVIOUS_ACTION, {}).get(ACTION_NAME) if last_step.get(PREVIOUS_ACTION) else None
            intent = last_step.get(USER, {}).get(INTENT)
            by_action.setdefault(_required_name(action), set()).add(key)
            by_intent.setdefault(_required_name(intent), set()).add(key)
        if self._indexes is None:
            self._indexes = {}
        self._indexes[id(lookup)] = (lookup, len(lookup), (by_action, by_intent))
        return by_action, by_intent

    def _is_rule_applicable(self, rule_key: str, turn_index: int, conversation_state: State) -> bool:
        """RulePolicy._is_rule_applicable (Rasa 3.6.21), reading each rule's reversed steps from a dict."""
        if self._reversed_rules is None:
            self._reversed_rules = {}  # (a rule key's steps never change; the keys are the lookups' few)
        reversed_rule_states = self._reversed_rules.get(rule_key)
        if reversed_rule_states is None:
            reversed_rule_states = list(reversed(self._rule_key_to_state(rule_key)))
            self._reversed_rules[rule_key] = reversed_rule_states
        if turn_index >= len(reversed_rule_states):
            return True  # the rule is shorter than the part of the conversation already compared
        current_previous_action = conversation_state.get(PREVIOUS_ACTION)
        rule_previous_action = reversed_rule_states[turn_index].get(PREVIOUS_ACTION)
        if not rule_previous_action and not current_previous_action:
            return True  # both are the start of a conversation
        if not rule_previous_action or not current_previous_action:
            return False  # only one of them is the start of a conversation
        return self._does_rule_match_state(reversed_rule_states[turn_index], conversation_state)
