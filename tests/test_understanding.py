"""Does the bot understand what people ask? Measured on sets written apart from the training examples
(tests/nlu/topic_holdout.yml, tests/nlu/long_messages.yml), against the real Rasa and action servers."""

from __future__ import annotations

import collections
import uuid
from pathlib import Path

import pytest
import yaml

from knowledge.content import load_content
from knowledge.settings import CONTENT_DIR
from tests.support.replies import REFUSAL, URGENT_OPENINGS, WELCOME
from tests.support.rest import payloads
from tests.support.topics import nlu_examples

pytestmark = pytest.mark.e2e
NLU_DIR = Path(__file__).resolve().parent / "nlu"
CONTENT = load_content(CONTENT_DIR)
HELD_OUT = yaml.safe_load((NLU_DIR / "topic_holdout.yml").read_text(encoding="utf-8"))["topics"]
LONG = yaml.safe_load((NLU_DIR / "long_messages.yml").read_text(encoding="utf-8"))["messages"]
# The everyday-care topics' held-out questions live with issue 23's set (measured over REST in test_care_questions)
CARE = yaml.safe_load((NLU_DIR.parent / "heldout" / "care_questions.yml").read_text(encoding="utf-8"))["questions"]
# 0.95 with 32 topics; 0.948-0.950 since nine care topics split off standard_care and its neighbours (issue 23): the
# remaining misses are mostly between close care topics (bleach baths: skin microbes or washing; steroid creams: use
# or worries). Measured over REST, the care sets are in test_care_questions.py.
MIN_TOPIC_ACCURACY = 0.93  # measured 0.948-0.950: room for a retrained model's swings, not for a real drop
MIN_LONG_ACCURACY = 0.85


def new_user() -> str:
    return f"understand-{uuid.uuid4().hex[:10]}"


def texts(replies: list[dict]) -> str:
    """The bot's answer, without the welcome that opens a new conversation."""
    return "\n".join(r.get("text") or "" for r in replies if r.get("text") != WELCOME)


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


def test_held_out_messages_are_not_training_examples():
    training = {normalised(e) for t in CONTENT.topics.values() for e in t.examples}
    training |= {normalised(text) for text, _, _ in nlu_examples()}
    held_out = [normalised(m) for messages in HELD_OUT.values() for m in messages]
    held_out += [normalised(m["text"]) for m in LONG] + [normalised(q["text"]) for q in CARE]
    assert not training.intersection(held_out), sorted(training.intersection(held_out))


def test_held_out_set_covers_every_topic():
    counts = collections.Counter(q["topic"] for q in CARE) + collections.Counter(
        {slug: len(messages) for slug, messages in HELD_OUT.items()}
    )
    assert set(counts) == set(CONTENT.topics)
    assert min(counts.values()) >= 10, counts
    assert len(LONG) >= 40 and all(m["topic"] in CONTENT.topics for m in LONG)


def test_topic_accuracy_on_held_out_questions(stack):
    confusion: collections.Counter[tuple[str, str]] = collections.Counter()
    total = 0
    for slug, messages in HELD_OUT.items():
        for message in messages:
            ranking = (stack.parse(message).get("topics") or {}).get("ranking") or [{"name": None}]
            total += 1
            if ranking[0]["name"] != slug:
                confusion[(slug, ranking[0]["name"])] += 1
    accuracy = 1 - sum(confusion.values()) / total
    print(f"\ntopic accuracy on {total} held-out questions: {accuracy:.3f}; what remains (expected -> got):")
    for (expected, got), count in confusion.most_common():
        print(f"  {expected:24} -> {got}: {count}")
    assert accuracy >= MIN_TOPIC_ACCURACY


def test_the_ranking_is_calibrated(stack):
    """Among held-out questions answered with confidence p, about p of them are right (expected calibration
    error, 5 bins)."""
    bins: dict[int, list[tuple[float, bool]]] = collections.defaultdict(list)
    for slug, messages in HELD_OUT.items():
        for message in messages:
            top = stack.parse(message)["topics"]["ranking"][0]
            bins[min(int(top["confidence"] * 5), 4)].append((top["confidence"], top["name"] == slug))
    total = sum(len(b) for b in bins.values())
    error = sum(
        abs(sum(c for c, _ in b) / len(b) - sum(ok for _, ok in b) / len(b)) * len(b) / total for b in bins.values()
    )
    print(f"\nexpected calibration error {error:.3f} over {total} questions")
    assert error < 0.2


def test_long_messages_are_answered_from_the_right_topic(stack, store):
    wrong = []
    for letter in LONG:
        user = new_user()
        replies = stack.say(user, letter["text"])
        answered = stack.slot(user, "topic")
        alarm = texts(replies).startswith(URGENT_OPENINGS)
        if answered != letter["topic"] or alarm:
            wrong.append((letter["topic"], answered, "ALARM" if alarm else "", letter["text"][:70]))
    accuracy = 1 - len(wrong) / len(LONG)
    print(f"\nlong messages: {accuracy:.3f} answered from the right topic ({len(LONG)} letters); wrong:")
    for row in wrong:
        print("  ", row)
    assert accuracy >= MIN_LONG_ACCURACY


def test_a_second_topic_in_a_long_message_is_offered(stack, store):
    user = new_user()
    replies = stack.say(
        user,
        "My son is two and his eczema is bad on his legs. We switched him to a different "
        "milk last month. Is it something in his diet, and would probiotics help him?",
    )
    offered = [p for p in payloads(replies) if '"topic"' in p]
    answered = stack.slot(user, "topic")
    assert answered in ("diet_and_eczema", "probiotics", "probiotics_treatment")
    # the other half of the question is offered as a button
    expected_other = "probiotic" if answered == "diet_and_eczema" else "diet_and_eczema"
    assert any(expected_other in p for p in offered), offered
    assert "You also asked about" in texts(replies)


def test_close_topics_get_a_question_instead_of_a_guess(stack, store):
    # "bacteria" alone: the gut's or the skin's? Two buttons, no guess.
    user = new_user()
    replies = stack.say(user, "bacteria?")
    buttons = [b for r in replies for b in r.get("buttons") or []]
    if texts(replies).startswith("Do you mean"):
        assert len(buttons) == 2 and stack.slot(user, "topic") is None
    else:  # the model was sure: then the answer must be one of the two bacteria topics
        assert stack.slot(user, "topic") in ("gut_microbiota", "skin_microbiome")


@pytest.mark.parametrize(
    "follow_up, field",
    [
        ("why?", "detailed_answer"),
        ("is that proven?", "evidence_summary"),
        ("and for adults? I have eczema too", "adults_note"),
        ("what should I do then?", "evidence_summary"),
        ("which ones are the main ones?", "detailed_answer"),
    ],
)
def test_short_follow_ups_keep_the_thread(stack, store, follow_up, field):
    user = new_user()
    stack.say(user, "what are short chain fatty acids")
    assert stack.slot(user, "topic") == "scfa"
    replies = stack.say(user, follow_up)
    expected = getattr(store.topic("scfa"), field)
    assert expected.split("\n\n")[0][:80] in texts(replies), texts(replies)[:300]
    assert stack.slot(user, "topic") == "scfa"


@pytest.mark.parametrize(
    "message, slug",
    [
        ("what are short chain fatty acids", "scfa"),
        ("what is the normal treatment for eczema", "standard_care"),
        ("can FMT treat eczema", "fmt"),
        ("how do probiotics work", "probiotics"),
        ("combining prebiotics and probiotics", "synbiotics"),
        ("is there a test for leaky gut?", "leaky_gut"),
        ("how does the gut talk to the skin", "gut_skin_axis"),
        ("can stress make eczema worse?", "itch_sleep_stress"),  # atopic_dermatitis before the stress topic existed
        ("I read that taking probiotics may improve my child's eczema. Can you tell me more?", "probiotics_treatment"),
        (
            "my daughter is 9 months old and has eczema on her cheeks and legs. could it be something she eats?",
            "diet_and_eczema",
        ),
    ],
)
def test_the_questions_of_the_issue_get_their_topic(stack, message, slug):
    # The misunderstood questions reported in issue 9 (kept as a regression set, not as the measure).
    user = new_user()
    replies = stack.say(user, message)
    assert not texts(replies).startswith(URGENT_OPENINGS)
    assert stack.slot(user, "topic") == slug, texts(replies)[:200]


def test_a_general_question_mentioning_my_son_is_not_refused(stack):
    user = new_user()
    replies = stack.say(user, "my son has eczema, what do probiotics actually do in the gut?")
    assert REFUSAL not in texts(replies)
    assert stack.slot(user, "topic") in ("probiotics", "probiotics_treatment")


@pytest.mark.parametrize(
    "message, answer_id",
    [
        # few words in common with the answer's wordings: found by meaning (knowledge/semantic_index.py)
        (
            "My daughter is 3 and has eczema behind her knees. Her nursery uses normal soap. "
            "Should I ask them to stop?",
            "washing_child_with_eczema",
        ),
        # about eczema in general and about hands in particular: the hands answer, not the general card
        ("my son is 14 and his hands crack and bleed every winter, what can he do", "gap_hand_eczema_care"),
    ],
)
def test_a_question_in_other_words_gets_its_specific_answer(stack, store, message, answer_id):
    user = new_user()
    replies = stack.say(user, message)
    expected = store.answer(answer_id)
    assert expected is not None
    assert stack.slot(user, "last_answer") == answer_id, texts(replies)[:200]
    assert expected.answer[:80] in texts(replies)
    assert stack.slot(user, "topic") == expected.topic
    assert not texts(replies).startswith(URGENT_OPENINGS)


def test_a_general_question_still_gets_the_topic_card(stack, store):
    # as close in meaning to the eczema card as to the answer on its causes: the card answers it
    user = new_user()
    replies = stack.say(user, "what is eczema")
    assert store.topic("atopic_dermatitis").short_answer[:80] in texts(replies)
    assert stack.slot(user, "last_answer") is None
