"""The phrase rules alone (no Rasa): tiers, and what keeps ordinary mentions from alarming."""

from __future__ import annotations

import pytest

from nlu_components.safety_phrases import SafetyPhrases


@pytest.fixture(scope="module")
def phrases() -> SafetyPhrases:
    return SafetyPhrases.from_file()


def tier(phrases: SafetyPhrases, text: str) -> str | None:
    match = phrases.check(text)
    return match.category if match else None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my daughter collapsed after eating cashews", "emergency"),
        ("a rash that doesn't fade when I press a glass on it", "emergency"),
        ("my baby is floppy and hard to wake", "emergency"),
        ("his lips are swelling after peanut butter", "emergency"),
        ("my 6 week old has a temperature", "emergency"),
        ("her eczema is weeping yellow pus", "same_day"),
        ("he had a cold sore and now his eczema has clusters of blisters", "same_day"),
        ("my 5 month old has refused every bottle since this morning", "same_day"),
        ("i want to kill myself", "self_harm"),
    ],
)
def test_each_tier(phrases, text, expected):
    assert tier(phrases, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "her cheeks are red and dry",
        "is hay fever linked to eczema?",
        "he had a fever last week but it's gone now",
        "She had a mild temperature after her jabs. It went away by the morning.",
        "my toddler had an ear infection last month, could probiotics help?",
        "he brings up a little milk after feeds",
        "she had a rash after egg last year, it's fine now",
        "there's no swelling and no fever, just itchy patches",
        "what is eczema herpeticum?",
        "my son doesn't drink cow's milk, is that a problem for his eczema?",
        "he is fit and healthy apart from his eczema",
    ],
)
def test_ordinary_mentions_do_not_alarm(phrases, text):
    assert tier(phrases, text) is None


def test_signs_of_one_rule_must_share_a_sentence(phrases):
    # "blister" and "fever" far apart, the fever gone: no infected-eczema alarm
    assert tier(phrases, "She had blisters from new shoes. Her eczema is fine. The fever went away.") is None


def test_context_holds_for_the_whole_message(phrases):
    assert tier(phrases, "My daughter is 10 weeks old. Tonight the thermometer says 38.6.") == "emergency"


def test_curly_apostrophes_match(phrases):
    assert tier(phrases, "he can\u2019t breathe") == "emergency"


def test_a_parent_reporting_a_child(phrases):
    assert phrases.check("my son said he wants to kill himself").about_child
    assert not phrases.check("I'm a teenager with eczema and I've been self-harming").about_child


def test_unknown_keys_and_groups_are_refused(phrases):
    with pytest.raises(ValueError, match="unknown keys"):
        SafetyPhrases({"emergancy": {"any": ["x"]}}, nlp=phrases.nlp)
    with pytest.raises(ValueError, match="unknown groups"):
        SafetyPhrases({"emergency": {"groups": {"a": ["x"]}, "all_of": [["a", "b"]]}}, nlp=phrases.nlp)
