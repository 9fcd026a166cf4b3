"""The phrase rules alone (no Rasa): tiers, and what keeps ordinary mentions from alarming."""

from __future__ import annotations

import pytest

from safety import numbers as safety_numbers
from safety.phrases import SafetyPhrases


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
        ("my 3 month old won't drink her formula", "same_day"),
        ("she isn't responding well, just staring", "emergency"),
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
        # the colour of eczema on brown or black skin is no sign of a person turning grey or blue
        "I'm South Asian and my eczema leaves my skin grey and ashy looking. Why?",
        "my son's eczema looks purple on his dark skin, not red, is that normal?",
        # one formula's taste refused is a feeding question; a baby who won't drink at all is not (test_each_tier)
        "my baby won't drink the hydrolysed formula, she hates the taste",
        "our 2 month old won't take the prescription milk, he wants his old one",
        # a treatment that has not worked is no person who does not respond
        "I'm 22 and my eczema has not responded well to steroid creams. Is dupilumab better than a JAK inhibitor?",
        "his eczema hasn't responded to the cream, what's next?",
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


# -- context: a sign counts only about someone in the writer's care now --------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "can't breathe through my nose with this cold, does a humidifier help eczema?",
        "my son had a febrile convulsion two years ago, could that be linked to his eczema?",
        "when I was 15 I fainted at the dentist. Is eczema linked to low blood pressure?",
        "nearly choked on my coffee lol, anyway what is butyrate?",
        "why does eczema herpeticum happen?",
        "what should I do if she ever gets a rash that doesn't fade under a glass?",
        "on my nursing placement I saw a baby with a non-blanching rash, is it linked to eczema?",
        "this eczema is killing me, which moisturiser for wet hands at work?",
        "i started cutting out dairy again, could that help his skin?",
        "if the bacteria aren't alive, how can they still count as helpful?",
        # a decimal point ends no clause: "38.5 at 6 weeks" stays in the past with the rest of its clause
        "my baby had a temp of 38.5 at 6 weeks and we spent a night in hospital, it was a UTI, all treated",
        # "an older baby" is anyone's baby: the general question stays general
        "Why is a fever in a baby under 3 months treated as more serious than in an older baby?",
        "she had a fever last week and it has gone now, her skin is dry",
    ],
)
def test_signs_out_of_context_do_not_count(phrases, text):
    assert tier(phrases, text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my friend's son is struggling to breathe after eating nuts, I'm looking after him", "emergency"),
        ("what do I do, his throat is closing up right now", "emergency"),
        ("she has a blocked nose and her ribs are sucking in with every breath", "emergency"),
        # "kid" is no "kidding"; an exclusion ("faded when pressed") after a negation is negated too
        ("kid cant breath properly after eating nuts pls help", "emergency"),
        ("rash that doesn't fade when I press a tumbler on it", "emergency"),
        # a question about what the writer describes is no general question; nor is a cry of despair
        ("could this be eczema herpeticum?", "same_day"),
        ("what's the point in carrying on. nothing ever gets better", "self_harm"),
        # someone else is in the story, but the sign is the writer's own child's
        ("my daughter kissed her cousin who had a cold sore and now her eczema is full of blisters", "same_day"),
        # "have gone" is "became", not "has gone (away)"
        ("my 2 year old has a temperature of 39.4 and her legs have gone blotchy and purply-blue", "emergency"),
        ("his cry is so weak, like a kitten mewing. he's 7 weeks", "emergency"),
        ("temperature 39, neck stiff, can't look at my phone because the light hurts", "emergency"),
        ("started cutting again", "self_harm"),
        ("Baby has a high fever and her skin has gone a grey colour", "emergency"),
        ("his eczema is infected, he has a fever and his skin looks mottled and greyish", "emergency"),
    ],
)
def test_signs_in_context_still_count(phrases, text, expected):
    assert tier(phrases, text) == expected


def test_skin_words_alone_are_no_crisis(phrases):
    assert tier(phrases, "found cuts on her arms from scratching her eczema, they bleed at night") is None
    assert tier(phrases, "found cuts on her arms and she said she did it on purpose with a blade") == "self_harm"


def test_a_reading_in_the_past_does_not_count(phrases):
    text = "We ended up in hospital when he was 6 weeks old with a temperature of 38.5, he is fine now"
    reading = safety_numbers.read(text)[0]
    assert not phrases.reading_counts(text, reading.start, reading.end)


@pytest.mark.parametrize(
    "text, stated",
    [
        ("Going to stop the methotrexate this week because I'm sick of the nausea", True),
        ("I'm not doing my dupixent injections anymore, I'll just skip them from now on", True),
        ("quit my prednisolone tablets this morning halfway through the course", True),
        ("I stopped the steroid cream two years ago, is that why it came back?", False),  # past
        ("does dupixent stop eczema for good?", False),  # no plan, a question about what it does
        ("my GP prescribed a steroid, how long should I use it?", False),
        ("the doctor said to use the steroid twice a week to stop flares coming back", False),  # what it is for
        ("I'm going to stop the steroid cream and use coconut oil instead", True),
        # what happens each time a course ends is a question, not a plan; a plan after it still counts
        ("why does my eczema come back every time i stop the steroid cream", False),
        ("once we stop the hydrocortisone it flares within days", False),
        ("when i stop the steroid it comes back, so im going to stop it for good", True),
    ],
)
def test_a_stated_plan_to_stop_a_treatment(phrases, text, stated):
    assert phrases.treatment_plan(text) is stated


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I'm so fed up and exhausted with her skin", True),
        ("my husband doesn't help with the creams and I'm just burnt out", True),
        ("this itching is killing me lol", False),  # a figure of speech about the skin
        ("my son screams blue murder every time I put the cream on", False),
        ("I'm drowning in tubes of cream and none of them work", False),
    ],
)
def test_feelings_are_told_from_figures_of_speech(phrases, text, expected):
    assert phrases.feelings(text) is expected


def test_a_cold_sore_is_no_cold(phrases):
    assert phrases.cold_only("blocked nose and a cold, eczema flaring")
    assert not phrases.cold_only("his aunt had a cold sore and now there are blisters on his eczema")
    assert not phrases.cold_only("she has a cold and her lips are going blue")  # a severe sign


@pytest.mark.parametrize(
    "text",
    [
        "a girl in my daughter's class had meningitis, can kids with eczema have the vaccine?",
        "my mate at uni had a seizure last term, he's fine. does stress make eczema worse?",
        "explain the glass test for rashes pls",
    ],
)
def test_more_signs_out_of_context(phrases, text):
    assert phrases.check(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("explain the glass test for rashes pls", True),  # named, not happening
        ("if her lips ever swelled up after egg what would I do", True),
        ("what moisturiser is best for a baby", False),
    ],
)
def test_urgent_signs_named_counted_or_not(phrases, text, expected):
    assert phrases.names_urgent_sign(text) is expected


def test_a_fever_stated_once_holds_for_the_whole_message(phrases):
    # "but" starts a new clause: the fever of the first still places the cold hands of the second
    assert tier(phrases, "fever 39.4 but her hands and feet are ice cold and her legs hurt. she's 4") == "emergency"
    # a fever ruled out is no fever anywhere
    assert tier(phrases, "her hands and feet are ice cold after swimming, no fever at all") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Stiff neck? Nope. Fever? Nope. Just a headache from the itching. Tips for sleep?", None),
        ("is it bad that she has a stiff neck and a fever? no idea what to do, she's 4", "emergency"),
    ],
)
def test_a_sign_asked_and_answered_no_is_denied(phrases, text, expected):
    assert tier(phrases, text) == expected


def test_someone_in_a_show_is_not_in_the_writers_care(phrases):
    text = "In the film I'm watching, a boy goes into anaphylactic shock after peanuts. Could that really happen?"
    assert tier(phrases, text) is None
    assert tier(phrases, "I'm watching him now and his lips are swelling after peanuts") == "emergency"


def test_a_crisis_asked_as_a_question_is_a_crisis(phrases):
    assert tier(phrases, "Is there any way to stop existing? I can't do this any more.") == "self_harm"
    assert tier(phrases, "is there a way to stop eczema coming back?") is None


def test_a_second_fit_is_an_emergency(phrases):
    assert tier(phrases, "she had one fit this morning and now she's having another fit") == "emergency"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I don't see the point in carrying on", "self_harm"),
        ("honestly i cant see the point in going on anymore", "self_harm"),
        ("I do not see the point of living like this", "self_harm"),
        # fed up with a treatment is not a crisis
        ("I don't see the point in carrying on with this cream, it does nothing", None),
        ("can't see the point in going on using the emollient if it stings", None),
    ],
)
def test_the_point_of_carrying_on_is_a_crisis_with_its_negation(phrases, text, expected):
    # "don't" is part of the crisis wording, not a denial of it; carrying on with a treatment is something else
    assert tier(phrases, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my cat keeps being sick after she eats, should i change her food", None),
        ("I'm allergic to the cat and can't breathe", "emergency"),
        ("the dog knocked her over and now she's not breathing properly", "emergency"),
        ("the cat scratched my son and now his lips are swelling", "emergency"),
    ],
)
def test_a_pets_symptoms_are_not_a_persons(phrases, text, expected):
    assert tier(phrases, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("My daughter is Black and her eczema looks dark brown and greyish, not red. How does it show there?", None),
        ("My daughter has dark skin and her eczema patches look grey and purple, is that normal?", None),
        # lips and skin going grey are still an emergency, whatever the skin colour
        ("My son is black and his lips have gone grey and he is struggling to breathe", "emergency"),
        ("her skin has gone grey and mottled", "emergency"),
    ],
)
def test_the_colour_of_eczema_on_darker_skin_is_no_emergency(phrases, text, expected):
    assert tier(phrases, text) == expected


def test_a_colour_in_a_figure_of_speech_is_no_sign(phrases):
    text = "The doctor gave us a steroid cream but she only uses it once in a blue moon because it thins the skin."
    assert tier(phrases, text) is None
    assert tier(phrases, "his lips and skin have gone blue") == "emergency"


@pytest.mark.parametrize(
    "text, expected",
    [
        # a past event with the common abbreviations ("2 yrs ago", "6 mths ago", "3 wks ago")
        ("my son had anaphylaxis to cashew 2 yrs ago, he's fine now. does it make his eczema worse?", None),
        ("she had a fit with a high temperature 6 mths ago, is that linked to eczema?", None),
        ("he had anaphylaxis 3 wks ago and now again tonight his lips are swelling", "emergency"),
    ],
)
def test_a_past_event_written_short_is_past(phrases, text, expected):
    assert tier(phrases, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # asleep, not collapsed
        ("how do i stop scratching when im literally unconscious, i wake up with blood on the sheets", None),
        ("my dad is unconscious and won't wake up", "emergency"),
        # a loose size word far from the lip in a run-on letter is no swelling; next to it, it is
        ("my face is a huge distraction from revision - weeping upper lip - dry cheeks - sore neck", None),
        ("his lips look massive after the peanut butter", "emergency"),
        ("my tongue feels fat and huge after the prawns", "emergency"),
    ],
)
def test_words_of_a_sign_in_another_sense_are_no_sign(phrases, text, expected):
    assert tier(phrases, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # the pressure test done with a finger (NICE NG143: a non-blanching rash)
        ("little purple dots on his legs that don't fade when I press them", "emergency"),
        ("her red spots fade when I press them, is that eczema?", None),
    ],
)
def test_a_rash_that_stays_when_pressed_is_an_emergency(phrases, text, expected):
    assert tier(phrases, text) == expected


def test_an_excluded_phrase_names_no_urgent_sign(phrases):
    # "fit and healthy" is no seizure: the bot's urgent-signs answers are not for it
    assert not phrases.names_urgent_sign("I am fit and healthy but my eczema has flared on my hands, any natural tips?")
    assert phrases.names_urgent_sign("what should I do if he ever has a fit with a fever?")
