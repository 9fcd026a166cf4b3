"""LatestStatesRulePolicy predicts what Rasa's RulePolicy predicts, trained on this project's rules.

Both policies are trained on data/dialogue/, then asked for the next action at every step of the test
conversations (tests/test_conversations.yml) and of long conversations made by joining several of them, where
the latest states are far fewer than the whole conversation's.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain, InvalidDomain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.core.training_data.structures import StoryGraph

from rasa_ext.policies.latest_states import latest_states
from rasa_ext.policies.rule_policy import LatestStatesRulePolicy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def trackers(domain: Domain, *files: Path) -> list[DialogueStateTracker]:
    steps = [step for file in files for step in YAMLStoryReader(domain).read_from_file(str(file))]
    generator = TrainingDataGenerator(StoryGraph(steps), domain, augmentation_factor=0, use_story_concatenation=False)
    return list(generator.generate())


@pytest.fixture(scope="module")
def conversations(domain: Domain) -> list[DialogueStateTracker]:
    """The test conversations, and 30 long ones, each six of them one after another."""
    short = trackers(domain, ROOT / "tests" / "test_conversations.yml")
    rng = random.Random(3)
    joined = []
    for n in range(30):
        events: list = []
        for part in rng.sample(short, 6):
            events += part.events
            if n % 3 == 0:  # now and then something that rewrites the history: a restart, an undo, a new session
                events += [rng.choice([Restarted(), UserUtteranceReverted(), ActionReverted(), SessionStarted()])]
                events += [ActionExecuted("action_listen")]
        joined.append(DialogueStateTracker.from_events(f"long-{n}", events, domain.slots))
    return short + joined


@pytest.fixture(scope="module")
def policies(domain: Domain, tmp_path_factory: pytest.TempPathFactory) -> tuple[RulePolicy, LatestStatesRulePolicy]:
    config = config_of_the_project()
    storage = LocalModelStorage(tmp_path_factory.mktemp("policies"))
    context = ExecutionContext(GraphSchema({}), "test")
    training = trackers(domain, *sorted((ROOT / "data" / "dialogue").glob("*.yml")))
    rasas = RulePolicy.create(config, storage, Resource("rasa"), context)
    ours = LatestStatesRulePolicy.create(config, storage, Resource("ours"), context)
    for policy in (rasas, ours):
        policy.train(training, domain)
    return rasas, ours


def config_of_the_project() -> dict:
    import yaml

    config = yaml.safe_load((ROOT / "config.yml").read_text())
    (entry,) = [p for p in config["policies"] if p["name"].endswith("LatestStatesRulePolicy")]
    settings = {key: value for key, value in entry.items() if key != "name"}
    return {**RulePolicy.get_default_config(), **settings}


def test_the_latest_states_are_the_end_of_rasas_states(domain: Domain, conversations: list[DialogueStateTracker]):
    compared = 0
    for tracker in conversations:
        everything = tracker.past_states(domain)
        for count in (1, 2, 3, 5, len(everything), len(everything) + 4):
            assert latest_states(tracker, domain, count) == everything[-count:]
            compared += 1
    assert compared > 100


def test_replays_kept_across_calls_give_rasas_states_as_a_conversation_grows(
    domain: Domain, conversations: list[DialogueStateTracker], monkeypatch: pytest.MonkeyPatch
):
    from rasa_ext.policies import latest_states as module

    full_replays = []
    original = module._Replay.of.__func__
    monkeypatch.setattr(module._Replay, "of", classmethod(lambda cls, *a: full_replays.append(1) or original(cls, *a)))
    replays = {3: module.StateReplays(size=4), 5: module.StateReplays(size=4)}
    steps = 0
    for tracker in conversations:
        growing = DialogueStateTracker(tracker.sender_id, domain.slots)
        for event in tracker.events:
            growing.update(event)
            for count in (3, 3, 5):  # (the same count twice: nothing new to replay)
                assert replays[count].latest(growing, domain, count) == growing.past_states(domain)[-count:]
                steps += 1
    assert steps > 3000 and len(full_replays) < steps / 3  # most calls replayed the new events only


def test_it_predicts_what_rule_policy_predicts_at_every_step(
    domain: Domain, conversations: list[DialogueStateTracker], policies: tuple[RulePolicy, LatestStatesRulePolicy]
):
    rasas, ours = policies
    longest = ours.longest_rule()
    assert 2 <= longest < 10
    steps = truncated = 0
    predicted_actions = set()
    for tracker in conversations:
        for prior, _ in tracker.generate_all_prior_trackers():
            expected = rasas.predict_action_probabilities(prior, domain)
            got = ours.predict_action_probabilities(prior, domain)
            assert (got.probabilities, got.events, got.action_metadata) == (
                expected.probabilities,
                expected.events,
                expected.action_metadata,
            ), f"{tracker.sender_id}: {[e.as_dict() for e in prior.events][-4:]}"
            predicted_actions.add(domain.action_names_or_texts[got.max_confidence_index])
            steps += 1
            if len(prior.past_states(domain)) > longest:
                truncated += 1
                assert len(ours._prediction_states(prior, domain)) == longest  # it really read the latest only
    assert steps > 900 and truncated > 700
    assert len(predicted_actions) > 20  # the rules really chose actions, not only the fallback


def test_a_fallback_action_missing_from_the_domain_fails_training(domain: Domain, tmp_path: Path):
    """Rasa's recipe validator runs this check for RulePolicy only (exact class): the subclass runs it itself."""
    config = {**config_of_the_project(), "core_fallback_action_name": "action_renamed_away"}
    policy = LatestStatesRulePolicy.create(
        config, LocalModelStorage(tmp_path), Resource("renamed"), ExecutionContext(GraphSchema({}), "test")
    )
    with pytest.raises(InvalidDomain, match="action_renamed_away"):
        policy.train([], domain)


@pytest.mark.parametrize(("intent", "action"), [("restart", "action_restart"), ("back", "action_back")])
def test_the_default_intents_trigger_their_actions_as_with_rule_policy(
    policies: tuple[RulePolicy, LatestStatesRulePolicy], domain: Domain, intent: str, action: str
):
    """What Rasa's "RulePolicy is not included" warning says would break, for a subclass it does not recognise."""
    events = [
        ActionExecuted("action_listen"),
        UserUttered("hi", {"name": "greet", "confidence": 1.0}),
        ActionExecuted("utter_greet"),
        ActionExecuted("action_listen"),
        UserUttered(f"/{intent}", {"name": intent, "confidence": 1.0}),
    ]
    tracker = DialogueStateTracker.from_events("default-intent", events, domain.slots)
    for policy in policies:
        prediction = policy.predict_action_probabilities(tracker, domain)
        assert domain.action_names_or_texts[prediction.max_confidence_index] == action, type(policy).__name__
