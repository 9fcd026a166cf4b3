"""How the safety net combines its readings (rasa_ext/components/safety_net.py): the rules and numbers are guarantees,
the learned model's probabilities count only where a sign can be about someone in care now."""

from __future__ import annotations

import pytest

from rasa_ext.components.safety_net import (
    MODEL_CRISIS,
    MODEL_EMERGENCY,
    MODEL_EMERGENCY_ALONE,
    MODEL_URGENT,
    SafetyNet,
)
from safety.phrases import SafetyPhrases


@pytest.fixture(scope="module")
def net() -> SafetyNet:
    return SafetyNet(SafetyPhrases.from_file())


def model_says(**probabilities: float) -> dict[str, float]:
    rest = max(0.0, 1.0 - sum(probabilities.values()))
    return {"ordinary": rest, "emergency": 0.0, "same_day": 0.0, "crisis": 0.0, "distress": 0.0, **probabilities}


def test_a_models_crisis_does_not_displace_a_rules_emergency(net):
    text = "I think I just had a seizure, I've never had one before"
    assert net.tier(text, model_says(crisis=0.9)) == ("emergency", "phrase rules")


def test_the_model_finds_what_no_rule_lists(net):
    text = "my little one is acting so strange and is very pale, different from normal"  # no rule completes
    assert net.tier(text, model_says(emergency=MODEL_EMERGENCY + 0.05))[0] == "emergency"
    assert net.tier(text, model_says(emergency=0.3, same_day=MODEL_URGENT - 0.25))[0] == "same_day"
    assert net.tier(text, model_says(crisis=MODEL_CRISIS + 0.05))[0] == "self_harm_child"  # "my little one"
    assert net.tier(text, model_says(emergency=MODEL_EMERGENCY - 0.2)) == (None, "")


@pytest.mark.parametrize(
    "text",
    [
        "he had a fever last week but it's gone now, his eczema is flaring a bit",  # every sign is over
        "my cousin's kid had anaphylaxis to nuts, is that linked to eczema?",  # someone else's
        "what happens in anaphylaxis?",  # a general question
    ],
)
def test_the_model_does_not_count_when_every_sign_is_out_of_context(net, text):
    assert net.tier(text, model_says(emergency=0.95)) == (None, "")


def test_a_childs_crisis_reported_by_a_parent(net):
    tier, _ = net.tier("my teenage son says he thinks about suicide because kids bully him", model_says())
    assert tier == "self_harm_child"


def test_a_short_message_needs_the_classifier_to_see_a_feeling_for_a_models_crisis(net):
    text = "i want to quiz myself now"
    quiz = [{"name": "quiz_start", "confidence": 0.8}, {"name": "stop"}, {"name": "more_detail"}]
    feeling = [{"name": "quiz_start", "confidence": 0.5}, {"name": "distress"}, {"name": "stop"}]
    assert net.tier(text, model_says(crisis=0.7), quiz) == (None, "")
    assert net.tier(text, model_says(crisis=0.7), feeling)[0] == "self_harm"
    assert net.tier(text, model_says(crisis=0.95), quiz)[0] == "self_harm"  # sure enough alone


def classified(text: str, ranking: list[tuple[str, float]]):
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return Message(data={TEXT: text, INTENT: intents[0], INTENT_RANKING_KEY: intents})


@pytest.mark.parametrize(
    "text, ranking, expected",
    [
        # a care question the classifier took for urgent: not comfort either, its next reading
        (
            "my son has a blocked nose and a bit of a cough, no fever, the eczema under his nose is sore",
            [("red_flag", 0.8), ("distress", 0.05), ("ask_topic", 0.04)],
            "ask_topic",
        ),
        # a real feeling behind the false alarm stays a feeling
        (
            "I'm so scared all the time that his skin will get infected again",
            [("red_flag", 0.6), ("distress", 0.35), ("ask_topic", 0.04)],
            "distress",
        ),
    ],
)
def test_a_red_flag_without_a_sign_falls_back_to_what_the_message_is(net, text, ranking, expected):
    from rasa.shared.nlu.constants import INTENT

    message = classified(text, ranking)
    net._check_classifier(message, text, model_says())
    assert message.get(INTENT)["name"] == expected


def test_a_question_about_scratching_until_it_bleeds_is_no_crisis_on_the_models_guess(net):
    """Skin words never trigger self-harm on their own (issue 21): the model's crisis guess on a care question
    about scratching must be sure on its own; a crisis the rules find still counts."""
    question = "how can i stop scratching in my sleep, I wake up with blood on the sheets"
    assert net.tier(question, model_says(crisis=0.7)) == (None, "")
    assert net.tier(question, model_says(crisis=0.95))[0] == "self_harm"
    assert net.tier("i scratch until i bleed and i want to die", model_says())[0] == "self_harm"


@pytest.mark.parametrize(
    "text",
    [
        "baby is 7 weeks, temp is 36.8, all normal, but she has dry patches on her cheeks",  # a normal temperature
        "my 6 yo has a cold and a runny nose, eczema flaring a bit, what helps",  # only a cold's nose
    ],
)
def test_the_models_same_day_does_not_count_on_a_normal_temperature_or_a_cold(net, text):
    assert net.tier(text, model_says(same_day=MODEL_URGENT + 0.2)) == (None, "")


def test_a_same_day_sign_already_seen_and_treated_is_no_alarm_unless_it_is_worse(net):
    treated = "eczema herpeticum, the GP saw her yesterday and she's on aciclovir, how long until the blisters dry up?"
    assert net.tier(treated, {}) == (None, "")
    worse = "eczema herpeticum, the GP saw her yesterday and she's on aciclovir but the blisters are spreading fast"
    assert net.tier(worse, {})[0] == "same_day"


def test_a_message_asked_in_advance_is_hypothetical_in_every_sentence(net):
    assert net.tier("would hives and vomiting after a food be anaphylaxis? just planning ahead for weaning", {}) == (
        None,
        "",
    )
    assert net.tier("her lips are swelling after egg right now. i was planning ahead for weaning", {})[0] == (
        "emergency"
    )


@pytest.mark.parametrize(
    "text",
    [
        "my dad has infected eczema on his legs and now he's confused and not making sense",  # sepsis: confusion
        "cold sore blisters all over her eczema and she's very sleepy and has a temperature",  # herpeticum, drowsy
        "no wet nappy since yesterday morning and she's really sleepy",
        "temp 39 and his hands and feet are ice cold",
    ],
)
def test_sepsis_signs_with_an_infection_or_a_fever_are_emergencies(net, text):
    assert net.tier(text, {})[0] == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "his dad had a cold sore last week and now my son's eczema has little fluid blisters",  # "and now"
        "my eczema has yellow water coming out and it hurts more",
        "sick again and again, 4yo, bringing everything back up",
    ],
)
def test_same_day_signs_in_other_words(net, text):
    assert net.tier(text, {})[0] == "same_day"


def test_the_models_emergency_needs_a_sign_unless_it_is_sure(net):
    # the shape of a worried parent's story, with no sign in it: a care question
    story = "my son is 14 and his hands crack and bleed every winter, what can he do"
    assert not net.phrases.describes_a_sign(story)
    assert net.tier(story, model_says(emergency=MODEL_EMERGENCY_ALONE - 0.1)) == (None, "")
    assert net.tier(story, model_says(emergency=MODEL_EMERGENCY_ALONE + 0.05))[0] == "emergency"
    # a sign no rule completes ("the soft bit on top of her head is puffed up") stands on the model's guess
    sign = "the soft bit on top of her head is puffed up and she's been so irritable all evening"
    assert net.phrases.describes_a_sign(sign)
    assert net.tier(sign, model_says(emergency=MODEL_EMERGENCY + 0.05))[0] == "emergency"
