"""Five long conversations over REST, as five kinds of people have them: a parent of a baby with eczema, a
sceptical adult, a student, a teenager, and someone who drifts off topic. Each has corrections in it.

What every conversation must show, turn by turn:
- no reply repeats an earlier one of the same conversation word for word (short fixed lines aside);
- a correction gets the apology and then something it had not said before, never the negative-feedback reply;
- no urgent or crisis reply to ordinary messages;
- who the conversation is for (the `audience` slot) is what the person said.
Expected texts come from the domain and the knowledge store, never from literals here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support.replies import EMERGENCY, SAME_DAY, SELF_HARM, SELF_HARM_CHILD, render
from tests.support.rest import new_sender, texts

pytestmark = pytest.mark.e2e

URGENT = tuple(reply[:50] for reply in (EMERGENCY, SAME_DAY, SELF_HARM, SELF_HARM_CHILD))
REPEAT_MIN_CHARS = 120  # shorter replies ("Sorry, I got that wrong.") may come back; paragraphs may not
CORRECTION = "correction"  # a turn marked so must be read as a correction


@dataclass(frozen=True)
class Persona:
    name: str
    audience: str | None
    turns: tuple[tuple[str, str | None], ...]  # (message, CORRECTION or None)


PERSONAS = [
    Persona(
        "parent of a baby with eczema",
        "parent",
        (
            ("hi", None),
            ("my 7 month old has eczema on her cheeks", None),
            ("should I be moisturising her cheeks every day?", None),
            ("why?", None),
            ("should i give her egg or not", None),
            ("what about peanut", None),
            ("does formula make eczema worse", None),
            ("would the hydrolysed one help clear it up?", None),
            ("no I mean I took probiotics while pregnant, not her", CORRECTION),
            ("are probiotics safe for babies", None),
            ("tell me more", None),
            ("you just repeated yourself", CORRECTION),
            ("does vitamin d help eczema", None),
            ("sources?", None),
            ("what about fish oil", None),
            ("thanks", None),
        ),
    ),
    Persona(
        "sceptical adult",
        "adult",
        (
            ("I'm 34 and have had eczema all my life", None),
            ("is the gut-skin axis real or just hype", None),
            ("so why do so many people online claim probiotics fixed their eczema", None),
            ("are microbiome stool tests worth it", None),
            ("that's not what i asked", CORRECTION),
            ("is leaky gut a real diagnosis", None),
            ("what is LPS", None),
            ("does butyrate help eczema", None),
            ("should I take butyrate supplements", None),
            ("what data do you keep about me", None),
            ("can I talk to a real person", None),
            ("does coconut oil do anything", None),
            ("is it safe to stop steroid cream suddenly", None),
            ("what is topical steroid withdrawal", None),
            ("ok thanks", None),
        ),
    ),
    Persona(
        "student",
        None,
        (
            ("hello, I'm studying nursing and want to understand the gut-skin axis", None),
            ("what's the difference between prebiotics, probiotics, synbiotics and postbiotics", None),
            ("what are short chain fatty acids", None),
            ("how does butyrate boost Tregs, is it HDAC inhibition?", None),
            ("what does HDAC mean", None),
            ("what is a Th2 response", None),
            ("is eczema an autoimmune disease", None),
            ("what is dysbiosis", None),
            ("is it cause or effect", None),
            ("no, I meant is dysbiosis a cause of eczema or a result of it", CORRECTION),
            ("what new treatments are coming", None),
            ("can faecal transplants cure eczema", None),
            ("sources", None),
            ("in simpler words", None),
            ("thanks, bye", None),
        ),
    ),
    Persona(
        "teenager",
        "teen",
        (
            ("hey", None),
            ("im 15 and my eczema is so annoying", None),
            ("do probiotics work", None),
            ("what about for teenagers?", None),
            ("im 15 not a baby lol", CORRECTION),
            ("does stress make eczema worse", None),
            ("how do i stop scratching at night", None),
            ("is dairy bad for eczema", None),
            ("does sugar make it worse", None),
            ("is kombucha good for your skin", None),
            ("will i grow out of it", None),
            ("is eczema contagious", None),
            ("you already said that", CORRECTION),
            ("ok what does fibre do", None),
            ("cool thx", None),
        ),
    ),
    Persona(
        "someone who drifts off topic",
        None,
        (
            ("hi", None),
            ("what is the gut skin axis", None),
            ("what's the offside rule in football", None),
            ("can you write me a python script", None),
            ("ok tell me about fibre", None),
            ("what is the weather tomorrow", None),
            ("do prebiotics help eczema", None),
            ("what is diabetes", None),
            ("that's not what I meant, I wanted prebiotics for babies", CORRECTION),
            ("tell me more", None),
            ("more", None),
            ("more", None),
            ("what about fermented foods", None),
            ("who won the world cup", None),
            ("bye", None),
        ),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.name for p in PERSONAS])
def test_a_long_conversation_keeps_the_thread(stack, persona: Persona):
    user = new_sender("persona")
    negative_feedback = render("utter_feedback_negative")
    apologies = {render(name) for name in ("utter_repair",)} | {
        render(name).split(".")[0]
        for name in ("utter_repair_choices", "utter_repair_ask_again", "utter_repair_repeated")
    }
    seen: dict[str, str] = {}  # each long reply paragraph and the message that first got it
    for message, kind in persona.turns:
        replies = stack.say(user, message)
        said = texts(replies)
        assert replies, f"no reply to {message!r}"
        assert not said.startswith(URGENT), f"an urgent reply to {message!r}"
        if kind == CORRECTION:
            assert any(said.startswith(a) for a in apologies), f"{message!r} was not read as a correction: {said[:120]}"
            assert negative_feedback not in said
        for reply in replies:
            text = reply.get("text") or ""
            if len(text) >= REPEAT_MIN_CHARS:
                assert text not in seen, f"{message!r} got the same reply as {seen[text]!r}: {text[:100]}"
                seen[text] = message
    assert stack.slot(user, "audience") == persona.audience
