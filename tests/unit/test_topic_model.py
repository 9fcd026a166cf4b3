"""The topic model alone (no Rasa), trained on the real content as the Rasa component trains it."""

from __future__ import annotations

from rasa_ext.components.topic_model import NONE, TopicModel, is_question, training_set
from tests.support.topics import topic_model, topics_parse_data


def test_training_set_labels_topics_and_the_rest_as_none():
    texts, labels = training_set(
        [
            ("what is butyrate", "ask_topic", "butyrate"),
            ("hello", "greet", None),
            ("what does lps mean", "define_term", None),
            ("untagged", "ask_topic", None),
        ]
    )
    assert texts == ["what is butyrate", "hello"] and labels == ["butyrate", NONE]


def test_a_clear_question_ranks_its_topic_first_with_a_probability():
    prediction = topic_model().predict("what are short chain fatty acids")
    assert prediction.ranking[0][0] == "scfa"
    assert abs(sum(p for _, p in prediction.ranking) + prediction.none - 1) < 1e-6


def test_a_follow_up_names_no_topic():
    assert topic_model().predict("tell me more").none > 0.5


def test_the_question_of_a_long_message_is_its_focus():
    text = (
        "My son is 4 and has had eczema since he was a baby. We changed to oat milk in the spring. "
        "What are short-chain fatty acids?"
    )
    prediction = topic_model().predict(text)
    assert prediction.focus == "What are short-chain fatty acids?"
    assert prediction.ranking[0][0] == "scfa"


def test_a_second_topic_named_in_another_question_is_returned():
    text = (
        "Our daughter is 2 and her eczema is worse since we stopped formula. "
        "Could it be her diet, and would probiotics help her skin?"
    )
    prediction = topic_model().predict(text)
    assert prediction.also is not None and prediction.also != prediction.ranking[0][0]


def test_parse_data_is_plain_json():
    data = topics_parse_data("what is butyrate")
    assert data["ranking"][0]["name"] == "butyrate" and "none" in data and data["focus"] is None
    assert topics_parse_data("/greet") is None


def test_glossary_is_a_feature_not_the_decider():
    model = TopicModel({"a": ["alpha"], "b": ["beta"]}).fit(
        ["tell me about alpha", "alpha please", "what is alpha", "beta things", "what is beta", "about beta"] * 3,
        ["a", "a", "a", "b", "b", "b"] * 3,
    )
    assert model.named_topics("alpha and beta") == ["a", "b"]
    assert model.predict("what is alpha").ranking[0][0] == "a"


def test_questions_are_recognised():
    assert is_question("could it be her diet") and is_question("Is it true?") and not is_question("We moved house.")
