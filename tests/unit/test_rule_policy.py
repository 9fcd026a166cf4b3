"""LatestStatesRulePolicy predicts what Rasa's RulePolicy predicts, trained on this project's rules.

Both policies are trained on data/dialogue/, then asked for the next action at every step of the test
conversations (tests/test_conversations.yml) and of long conversations made by joining several of them, where
the latest states are far fewer than the whole conversation's.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rasa.core.policies.rule_policy import RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
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


def test_a_replay_follows_the_conversation_not_the_tracker_object(
    domain: Domain, conversations: list[DialogueStateTracker], monkeypatch: pytest.MonkeyPatch
):
    """A tracker read anew from the store continues its conversation's replay; another conversation under the same
    sender id (deleted and begun again, or a different one) is replayed from the start."""
    from rasa_ext.policies import latest_states as module

    full_replays = []
    original = module._Replay.of.__func__
    monkeypatch.setattr(module._Replay, "of", classmethod(lambda cls, *a: full_replays.append(1) or original(cls, *a)))
    replays = module.StateReplays()
    long_ones = [
        t
        for t in conversations
        if len(t.events) > 40 and not any(isinstance(e, module.REWRITES_HISTORY) for e in t.events)
    ]
    first, other = long_ones[0], long_ones[1]

    def as_read_from_the_store(events: list) -> DialogueStateTracker:  # new objects, same timestamps
        return DialogueStateTracker.from_dict("same-sender", [e.as_dict() for e in events], domain.slots)

    def latest(tracker: DialogueStateTracker) -> list:
        states = replays.latest(tracker, domain, 4)
        assert states == tracker.past_states(domain)[-4:]
        return states

    events = list(first.events)
    latest(as_read_from_the_store(events[:20]))
    latest(as_read_from_the_store(events[:30]))
    latest(as_read_from_the_store(events))
    assert len(full_replays) == 1  # the later trackers continued the first replay
    latest(as_read_from_the_store(list(other.events)[:25]))  # fewer events than replayed: another conversation
    latest(as_read_from_the_store(list(other.events)))  # more events, but not the ones replayed
    assert len(full_replays) == 2
    latest(as_read_from_the_store(events))  # more events, same count as replayed
    assert len(full_replays) == 3


def test_it_predicts_what_rule_policy_predicts_at_every_step(
    domain: Domain, conversations: list[DialogueStateTracker], policies: tuple[RulePolicy, LatestStatesRulePolicy]
):
    rasas, ours = policies
    assert 2 <= ours.longest_rule() < 10
    steps, truncated, predicted_actions = assert_same_predictions(rasas, ours, domain, conversations)
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


# -- generated rules with slot conditions and a form ---------------------------------------------------------------
SMALL_DOMAIN = """
version: "3.1"
intents: [greet, choose_gut, choose_skin, say_parent, ask_more, request_profile, inform, bot_challenge, stop, bye]
slots:
  topic: {type: categorical, values: [gut, skin], influence_conversation: true, mappings: [{type: custom}]}
  audience: {type: categorical, values: [parent, adult], influence_conversation: true, mappings: [{type: custom}]}
  name:
    type: text
    influence_conversation: true
    mappings: [{type: from_text, conditions: [{active_loop: profile_form, requested_slot: name}]}]
  age:
    type: text
    influence_conversation: false
    mappings: [{type: from_text, conditions: [{active_loop: profile_form, requested_slot: age}]}]
forms:
  profile_form: {required_slots: [name, age]}
actions: [action_set_topic, action_set_audience]
responses:
""" + "".join(
    f"  {name}: [{{text: {name}}}]\n"
    for name in (
        "utter_greet utter_gut utter_skin utter_which_topic utter_gut_for_parents utter_profile_done utter_iamabot "
        "utter_stopped utter_bye utter_ask_name utter_ask_age utter_welcome_back utter_default"
    ).split()
)


def _steps(*steps: str) -> str:
    return "".join(f"  - {step}\n" for step in steps)


def _rule(name: str, steps: list[str], condition: list[str] = (), **flags: bool) -> str:
    text = f"- rule: {name}\n"
    text += "".join(f"  {key}: {str(value).lower()}\n" for key, value in flags.items())
    if condition:
        text += "  condition:\n" + _steps(*condition)
    return text + "  steps:\n" + _steps(*steps)


def small_rules() -> str:
    """Rules with slot conditions (one slot, two slots, an unset slot), a form and its unhappy paths."""
    rules = [
        _rule("greet at the start", ["intent: greet", "action: utter_greet"], conversation_start=True),
        _rule("greet later", ["intent: greet", "action: utter_welcome_back"]),
        _rule(
            "choose gut",
            ["intent: choose_gut", "action: action_set_topic", "slot_was_set: [{topic: gut}]", "action: utter_gut"],
        ),  # fmt: skip
        _rule(
            "choose skin",
            ["intent: choose_skin", "action: action_set_topic", "slot_was_set: [{topic: skin}]", "action: utter_skin"],
        ),  # fmt: skip
        _rule("a parent", ["intent: say_parent", "action: action_set_audience", "slot_was_set: [{audience: parent}]"]),
        _rule("more on gut", ["intent: ask_more", "action: utter_gut"], ["slot_was_set: [{topic: gut}]"]),
        _rule("more on skin", ["intent: ask_more", "action: utter_skin"], ["slot_was_set: [{topic: skin}]"]),
        _rule("more on nothing", ["intent: ask_more", "action: utter_which_topic"], ["slot_was_set: [{topic: null}]"]),
        _rule(
            "more on gut for a parent",
            ["intent: ask_more", "action: utter_gut_for_parents"],
            ["slot_was_set: [{topic: gut}]", "slot_was_set: [{audience: parent}]"],
        ),  # fmt: skip
        _rule("a profile", ["intent: request_profile", "action: profile_form", "active_loop: profile_form"]),
        _rule(
            "the profile is complete",
            [
                "action: profile_form",
                "active_loop: null",
                "slot_was_set: [{requested_slot: null}]",
                "action: utter_profile_done",
            ],
            ["active_loop: profile_form"],
            wait_for_user_input=False,
        ),  # fmt: skip
        _rule(
            "a question inside the form",
            ["intent: bot_challenge", "action: utter_iamabot", "action: profile_form", "active_loop: profile_form"],
            ["active_loop: profile_form"],
        ),  # fmt: skip
        _rule(
            "stop the form",
            ["intent: stop", "action: utter_stopped", "action: action_deactivate_loop", "active_loop: null"],
            ["active_loop: profile_form"],
        ),  # fmt: skip
        _rule("a known name says bye", ["intent: bye", "action: utter_bye"], ["slot_was_set: [{name: Ann}]"]),
    ]
    return 'version: "3.1"\nrules:\n' + "".join(rules)


FRAGMENTS = {
    "greet": ["intent: greet", "action: utter_greet"],
    "gut": ["intent: choose_gut", "action: action_set_topic", "slot_was_set: [{topic: gut}]", "action: utter_gut"],
    "skin": ["intent: choose_skin", "action: action_set_topic", "slot_was_set: [{topic: skin}]", "action: utter_skin"],
    "parent": ["intent: say_parent", "action: action_set_audience", "slot_was_set: [{audience: parent}]"],
    "more": ["intent: ask_more", "action: utter_gut"],  # (what the rules say depends on the slots: compared only)
    "bye": ["intent: bye", "action: utter_bye"],
    "form": [
        "intent: request_profile",
        "action: profile_form",
        "active_loop: profile_form",
        "slot_was_set: [{requested_slot: name}]",
        "intent: inform",
        "action: profile_form",
        "slot_was_set: [{name: Ann}]",
        "slot_was_set: [{requested_slot: age}]",
        "intent: bot_challenge",
        "action: utter_iamabot",
        "action: profile_form",
        "active_loop: profile_form",
        "intent: inform",
        "action: profile_form",
        "slot_was_set: [{age: '30'}]",
        "slot_was_set: [{requested_slot: null}]",
        "active_loop: null",
        "action: utter_profile_done",
    ],  # fmt: skip
    "stopped form": [
        "intent: request_profile",
        "action: profile_form",
        "active_loop: profile_form",
        "slot_was_set: [{requested_slot: name}]",
        "intent: stop",
        "action: utter_stopped",
        "action: action_deactivate_loop",
        "active_loop: null",
    ],  # fmt: skip
}


def generated_stories(count: int, seed: int) -> str:
    rng = random.Random(seed)
    stories = []
    for n in range(count):
        names = rng.choices(sorted(FRAGMENTS), k=rng.randint(3, 9))
        stories.append(f"- story: generated {n}\n  steps:\n" + _steps(*(s for name in names for s in FRAGMENTS[name])))
    return 'version: "3.1"\nstories:\n' + "".join(stories)


def assert_same_predictions(
    rasas: RulePolicy, ours: LatestStatesRulePolicy, domain: Domain, conversations: list[DialogueStateTracker]
) -> tuple[int, int, set[str]]:
    """Both policies asked at every step of every conversation; (steps, steps past the longest rule, actions)."""
    steps = truncated = 0
    predicted: set[str] = set()
    for tracker in conversations:
        for prior, _ in tracker.generate_all_prior_trackers():
            expected = rasas.predict_action_probabilities(prior, domain)
            got = ours.predict_action_probabilities(prior, domain)
            assert (got.probabilities, got.events, got.action_metadata) == (
                expected.probabilities,
                expected.events,
                expected.action_metadata,
            ), f"{tracker.sender_id}: {[e.as_dict() for e in prior.events][-4:]}"
            predicted.add(domain.action_names_or_texts[got.max_confidence_index])
            steps += 1
            if len(prior.past_states(domain)) > ours.longest_rule():
                truncated += 1
                # it really read the latest states only
                assert len(ours._prediction_states(prior, domain)) == ours.longest_rule()
    return steps, truncated, predicted


def test_it_predicts_what_rule_policy_predicts_with_slot_conditions_and_a_form(tmp_path: Path):
    domain = Domain.from_yaml(SMALL_DOMAIN)
    reader = YAMLStoryReader(domain)

    def generate(text: str) -> list[DialogueStateTracker]:
        graph = StoryGraph(reader.read_from_string(text))
        return list(
            TrainingDataGenerator(graph, domain, augmentation_factor=0, use_story_concatenation=False).generate()
        )

    config = {**RulePolicy.get_default_config(), "core_fallback_action_name": "action_default_fallback"}
    storage, context = LocalModelStorage(tmp_path), ExecutionContext(GraphSchema({}), "test")
    rasas = RulePolicy.create(config, storage, Resource("rasa"), context)
    ours = LatestStatesRulePolicy.create(config, storage, Resource("ours"), context)
    for policy in (rasas, ours):
        policy.train(generate(small_rules()), domain)
    assert rasas.lookup == ours.lookup  # (training is RulePolicy's own)
    conversations = generate(generated_stories(40, seed=7))
    # the same conversations again under one sender id each, as trackers read anew from a tracker store
    again = [DialogueStateTracker.from_events(t.sender_id, list(t.events), domain.slots) for t in conversations]
    steps, truncated, predicted = assert_same_predictions(rasas, ours, domain, conversations + again)
    assert steps > 500 and truncated > 300
    # the slot conditions and the form decided predictions, not only the fallback
    assert {"utter_gut", "utter_skin", "utter_which_topic", "utter_gut_for_parents", "profile_form"} <= predicted
    assert {"utter_profile_done", "utter_welcome_back", "utter_bye"} <= predicted, " ".join(sorted(predicted))
    assert ours.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]  # the form's unhappy paths were learned, and compared
