"""Answers from the knowledge store: a topic, then follow-ups on the current topic."""

from __future__ import annotations

import dataclasses
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies, services
from actions.analysis import (
    MYTH_IN_ITS_OWN_WORDS,
    PREVENTION_TOPICS,
    REFERS_BACK,
    SAID_KEPT,
    SAID_SLOT,
    URGENT_SIGNS_TOPIC,
    MessageAnalysis,
    stated_audience,
)
from actions.base import KnowledgeAction, topic_slot
from actions.menu_actions import show_topic_menu
from knowledge.content import BACKGROUND_TOPIC, Answer, Source, Topic
from knowledge.domain_copy import copy_text
from knowledge.store import GlossaryEntry, MythMatch

# A specific answer this much closer to the question (its cosine) than a myth's wording (its word overlap) wins:
# "is it safe to use steroid creams during pregnancy" shares words with "steroid creams are dangerous" (0.57) but
# all but asks the answer on steroid creams in pregnancy (0.77).
ANSWER_OVER_MYTH = 0.15
UNANSWERED_MIN_WORDS = 5  # a follow-up this long that names no topic is recorded ("tell me more" is not)
FOLLOW_UP_MAX_WORDS = 8  # longer, naming no topic and without its kind's words, a message is not a follow-up
MORE_CUES = re.compile(r"\b(more|detail|details|detailed|deeper|further|in depth|elaborate|expand)\b", re.IGNORECASE)
RELATED_IN_DETAIL = 2  # topic buttons under a detailed answer
DETAIL_DEPTH_SLOT = "detail_depth"  # {"topic": slug, "level": n}: how deep "tell me more" has gone on a topic
LAST_QUESTION_SLOT = "last_question"  # the last question answered and its other readings (domain.yml)
# The writer says eczema is getting them down ("it's making me depressed"): a crisis goes to the safety net first;
# this is the short acknowledgement a question that sounds low gets before its answer (issue 21).
LOW_MOOD = re.compile(
    r"\b(?:making|makes|made|getting|gets) me (?:feel )?(?:so |really |very |a bit )?"
    r"(?:depressed|down|low|miserable|hopeless)\b|"
    r"\b(?:i'?m|i am|i feel|i've been|feeling) (?:so |really |very |a bit )?(?:depressed|miserable|hopeless)\b|"
    r"\b(?:i feel|i've been feeling|feeling) (?:so |really |very |a bit )?(?:down|low)\b|"
    r"\bkilling my (?:confidence|self.esteem)\b|\b(?:ruining|wrecking) my (?:life|confidence|mental health)\b",
    re.IGNORECASE,
)
REPAIR_MIN_SCORE = 0.25  # a specific answer this close is offered when the person says it was not what they asked
REPAIR_MIN_TOPIC = 0.05
REPAIR_TOPICS = 3
REPAIR_CHOICES = 4
LAST_ANSWER_SLOT = "last_answer"  # the id of the last specific answer shown: what "why?" asks about


def remember(analysis: MessageAnalysis, shown: str) -> list[EventType]:
    """Add what a reply showed ("answer:<id>", "topic:<slug>", "<action>:<slug>") to the conversation's list,
    so that it is not shown word for word again."""
    said = [item for item in analysis.said if item != shown][-(SAID_KEPT - 1) :]
    return [SlotSet(SAID_SLOT, [*said, shown])]


def sources_reply(sources: tuple[Source, ...], topic: Topic, shown: int | None) -> replies.Message:
    """A topic's sources, most relevant first; with `shown`, only that many and a button for the whole list."""
    buttons = [replies.button("more_detail"), replies.button("related_topics")]
    if shown is not None and len(sources) > shown:
        buttons = [replies.all_sources_button(len(sources)), *buttons]
    return replies.text_message(replies.sources_text(topic, sources, shown), buttons)


def offer_search_results(dispatcher: CollectingDispatcher, analysis: MessageAnalysis) -> bool:
    """Offer the best full-text matches as buttons; False when nothing matched."""
    hits = analysis.search_hits
    if not hits:
        return False
    dispatcher.utter_message(
        response="utter_did_you_mean", buttons=[replies.topic_button(h.slug, h.title) for h in hits]
    )
    return True


# Questions about urgent signs that are not happening now are answered from URGENT_SIGNS_TOPIC's answers.
URGENT_SIGNS_CANDIDATES = 40  # how many of the closest answers and cards to look through for one of that topic


class QuestionAction(KnowledgeAction, ABC):
    """Answers a question in the form the content fits best, whichever of the close intents NLU chose:
    a myth check when the message states a known myth, a definition when it asks what a term means,
    otherwise the topic it is about (or a choice of two when two topics are equally likely)."""

    def reply_to(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """A message that opens as a correction ("no, I meant ...") is answered as the question it now asks,
        whichever intent it was read as (the intent is often that of the question inside it)."""
        analysis = self.analysis(tracker)
        if analysis.weighs_the_bot_against_a_clinician:  # also when it opens as a correction ("my GP says...")
            return self.answer_about_the_bot(dispatcher)
        if analysis.correction is not None:
            return self.answer_question(dispatcher, analysis)
        if analysis.about_an_animal:
            return self.not_covered(dispatcher, analysis, "utter_animal_health")
        if analysis.about_another_condition and not analysis.current_topic:
            # a first question about psoriasis or IBS: said plainly, not answered with an eczema card
            return self.not_covered(dispatcher, analysis, "utter_other_condition")
        return self.respond(dispatcher, tracker, domain)

    @staticmethod
    def not_covered(dispatcher: CollectingDispatcher, analysis: MessageAnalysis, response: str) -> list[EventType]:
        """A subject the bot does not cover (another condition, an animal's skin), said plainly; kept for curators."""
        dispatcher.utter_message(response=response)
        services.record_unanswered(analysis.text, analysis.sender)
        return remember(analysis, "out_of_scope")

    def answer_question(self, dispatcher: CollectingDispatcher, analysis: MessageAnalysis) -> list[EventType]:
        """A definition it asks for, a myth it states, the specific answer it asks for, else its topic. A message
        that opens as a correction gets a short apology, then the answer to what it now asks."""
        rest = analysis.correction
        if rest is not None:
            return self.reread(dispatcher, analysis, rest)
        if LOW_MOOD.search(analysis.text):  # one short sentence for how they feel, then the answer they asked for
            dispatcher.utter_message(response="utter_mood_aside")
        answered = self.answer_myth_or_definition(dispatcher, analysis)
        if answered is None:
            answered = self.answer_specific(dispatcher, analysis)
        if answered is None:
            answered = self.answer_topic(dispatcher, analysis)
        return [*answered, *self.other_readings(analysis, answered)]

    @staticmethod
    def answer_about_the_bot(dispatcher: CollectingDispatcher) -> list[EventType]:
        """ "Should I listen to you or my GP?": what the bot is, and that where it and a clinician differ, the
        clinician wins."""
        dispatcher.utter_message(response="utter_bot_challenge")
        return []

    def reread(self, dispatcher: CollectingDispatcher, analysis: MessageAnalysis, rest: str) -> list[EventType]:
        """A correction: a short apology, then the answer to what the message now asks (`rest`, its words after
        the correction's opening, which holds no opening any more)."""
        dispatcher.utter_message(response="utter_repair")
        reread = dataclasses.replace(analysis, text=rest, focus=None)
        named = [slug for slug in self.store().match_topics(rest) if slug != BACKGROUND_TOPIC]
        if analysis.current_topic and not named and REFERS_BACK.search(rest):
            # "no I meant can I take them myself": still the conversation's topic, whatever else the whole
            # message's words suggested to the classifier
            reread = dataclasses.replace(reread, ranking=[(analysis.current_topic, 1.0)], none=0.0, also=None)
        return self.answer_question(dispatcher, reread)

    def other_readings(self, analysis: MessageAnalysis, answered: list[EventType]) -> list[EventType]:
        """What else the question could have meant, kept for "that's not what I asked" (LAST_QUESTION_SLOT)."""
        if not analysis.text:
            return []
        said = next((e["value"] for e in answered if e.get("event") == "slot" and e.get("name") == SAID_SLOT), None)
        shown = said[-1] if said else None
        others: list[list[str]] = []
        for match in analysis.answer_matches:
            if match.answer is not None and match.score >= REPAIR_MIN_SCORE and match.key != shown:
                others.append(["answer", match.answer.id, match.answer.question])
        for slug, probability in analysis.ranking[:REPAIR_TOPICS]:
            topic = self.store().topic(slug)
            if topic is not None and probability >= REPAIR_MIN_TOPIC and f"topic:{slug}" != shown:
                others.append(["topic", slug, topic.title])
        return [SlotSet(LAST_QUESTION_SLOT, {"text": analysis.text, "shown": shown, "others": others[:REPAIR_CHOICES]})]

    def answer_specific(self, dispatcher: CollectingDispatcher, analysis: MessageAnalysis) -> list[EventType] | None:
        """The specific answer the message asks for (analysis.specific_answer); None when it asks none."""
        match = analysis.specific_answer
        return None if match is None else self.show_answer(dispatcher, match.answer, analysis)

    def show_answer(
        self, dispatcher: CollectingDispatcher, answer: Answer, analysis: MessageAnalysis
    ) -> list[EventType]:
        """A specific answer with its sources; buttons lead to the reason, the topic and a second topic asked."""
        topic = self.store().known_topic(answer.topic)
        citations = "\n".join(replies.source_line(s) for s in self.store().sources(answer.sources))
        text = replies.layout("answer", question=answer.question, answer=answer.answer, citations=citations)
        buttons = [replies.titled_button(replies.label("why"), "ask_why")] if answer.why else []
        buttons.append(replies.topic_button(topic.slug, replies.label("more_on", title=topic.title)))
        buttons += [replies.button("feedback_positive"), replies.button("feedback_negative")]
        self.send_with_also(dispatcher, text, buttons, analysis.second_topic(answer.topic))
        return [
            *topic_slot(topic.slug),
            SlotSet(LAST_ANSWER_SLOT, answer.id),
            *remember(analysis, f"answer:{answer.id}"),
        ]

    def send_with_also(
        self, dispatcher: CollectingDispatcher, text: str, buttons: list[replies.Button], also: str | None
    ) -> None:
        """An answer; a second topic the message also asked about is offered first among its buttons."""
        also_view = self.store().topic(also) if also else None
        if also_view is None:
            dispatcher.utter_message(text=text, buttons=buttons)
            return
        dispatcher.utter_message(
            response="utter_topic_also_asked",
            topic_answer=text,
            also=also_view.title,
            buttons=[
                replies.topic_button(also_view.slug, replies.label("also_asked", title=also_view.title)),
                *buttons,
            ],
        )

    def answer_myth_or_definition(
        self, dispatcher: CollectingDispatcher, analysis: MessageAnalysis
    ) -> list[EventType] | None:
        """The definition it asks for, or a myth the message states; None when neither fits.
        ("What does the gut-brain-skin axis mean?" asks for a meaning; it states no myth about it.)"""
        entry = analysis.definition_asked
        if entry is not None:
            return self.answer_definition(dispatcher, entry)
        myth = analysis.myth
        if myth is not None and not self.answer_beats_myth(analysis, myth.similarity):
            return self.answer_myth(dispatcher, myth, analysis)
        return None

    @staticmethod
    def answer_beats_myth(analysis: MessageAnalysis, similarity: float) -> bool:
        """A question the content answers almost word for word ("is steroid cream safe to use while pregnant?")
        gets that answer, not the check of a myth it only shares words with ("steroid creams are dangerous")."""
        if similarity >= MYTH_IN_ITS_OWN_WORDS:
            return False
        found = analysis.specific_answer
        if found is None:
            return False
        # an answer both readings put first ("does wool make eczema worse" is not the washing-powder myth)
        return found.score >= similarity + ANSWER_OVER_MYTH or found == analysis.agreed_answer

    def answer_topic(self, dispatcher: CollectingDispatcher, analysis: MessageAnalysis) -> list[EventType]:
        choice = analysis.alternatives
        if choice is not None:  # two topics equally likely: the one closest in meaning, else ask which
            slug = analysis.topic_by_meaning
            if slug not in choice:
                return self.ask_which(dispatcher, choice)
        else:
            slug = analysis.topic
        if slug is None:
            # a letter's likeliest topic, or the topic closest in meaning when there is no likely one or it is
            # only the general eczema card (a question about urgent signs is answered below instead)
            guess = analysis.best_guess
            if guess in (None, BACKGROUND_TOPIC) and analysis.only_named:  # the one topic it names ("is protopic
                slug = guess = analysis.only_named  # safe?"): named, not guessed, so not one for curators
            if (guess is None or guess == BACKGROUND_TOPIC) and not analysis.asks_about_urgent_signs:
                guess = analysis.topic_by_meaning or guess
            if guess is not None and slug is None:
                services.record_unanswered(
                    analysis.text, analysis.sender
                )  # answered on a guess: curators may want to write for it
                slug = guess
        if slug in PREVENTION_TOPICS and analysis.treats_existing_eczema:
            slug = PREVENTION_TOPICS[slug]  # prevention trials do not answer a question about eczema they have
        if slug is None:
            urgent = self.answer_urgent_signs(dispatcher, analysis)
            if urgent is not None:
                return urgent
            if analysis.unrelated:
                return self.decline(dispatcher, analysis)
            if analysis.text:
                services.record_unanswered(analysis.text, analysis.sender)
            closest = self.answer_closest(dispatcher, analysis)
            if closest is not None:
                return closest
            if not offer_search_results(dispatcher, analysis):
                self.load_topic(dispatcher, None)
            return []
        return self.show_topic(dispatcher, slug, also=analysis.second_topic(slug), analysis=analysis)

    def decline(self, dispatcher: CollectingDispatcher, analysis: MessageAnalysis) -> list[EventType]:
        """Outside the bot's scope: what it can help with, said once in a conversation (then a short line); the
        question is kept for curators."""
        again = "out_of_scope" in analysis.said
        if again:
            dispatcher.utter_message(response="utter_out_of_scope_again")
        else:
            dispatcher.utter_message(response="utter_out_of_scope", what_i_cover=replies.what_i_cover())
        if analysis.text:
            services.record_unanswered(analysis.text, analysis.sender)
        return [] if again else remember(analysis, "out_of_scope")

    def answer_urgent_signs(
        self, dispatcher: CollectingDispatcher, analysis: MessageAnalysis
    ) -> list[EventType] | None:
        """A question about urgent signs that nothing else placed ("what is the glass test for?", "if his lips ever
        swelled at school...", "what is sepsis?"): the closest urgent-signs answer, else that topic's card."""
        if not analysis.asks_about_urgent_signs or not analysis.text:
            return None
        found = self.store().find_answers(analysis.text, limit=URGENT_SIGNS_CANDIDATES)
        answers = [m.answer for m in found if m.topic == URGENT_SIGNS_TOPIC and m.answer and m.key not in analysis.said]
        if answers:
            return self.show_answer(dispatcher, answers[0], analysis)
        return self.show_topic(dispatcher, URGENT_SIGNS_TOPIC, analysis=analysis)

    def answer_closest(self, dispatcher: CollectingDispatcher, analysis: MessageAnalysis) -> list[EventType] | None:
        """A letter nothing else placed: the closest answer in meaning, said to be the closest (not a menu)."""
        closest = analysis.closest_for_a_letter
        if closest is None:
            return None
        dispatcher.utter_message(response="utter_closest_answer")
        if closest.answer is not None:
            return self.show_answer(dispatcher, closest.answer, analysis)
        return self.show_topic(dispatcher, closest.topic, analysis=analysis)

    def show_topic(
        self,
        dispatcher: CollectingDispatcher,
        slug: str,
        also: str | None = None,
        analysis: MessageAnalysis | None = None,
    ) -> list[EventType]:
        """A topic's short answer; a second topic the message asked about is offered as a button. Asked again
        in the same conversation, the topic goes one level deeper instead of repeating itself."""
        topic = self.load_topic(dispatcher, slug)
        if topic is None:
            return []
        if analysis is not None and f"topic:{slug}" in analysis.said:
            return [*topic_slot(topic.slug), *self.go_deeper(dispatcher, topic, analysis)]
        events = [*topic_slot(topic.slug), *(remember(analysis, f"topic:{slug}") if analysis else [])]
        self.send_with_also(dispatcher, replies.topic_text(topic), replies.follow_up_buttons(), also)
        return events

    def ask_which(self, dispatcher: CollectingDispatcher, choice: tuple[str, str]) -> list[EventType]:
        """Two topics are about as likely: ask instead of guessing."""
        first, second = (self.store().topic(slug) for slug in choice)
        if first is None or second is None:
            return self.show_topic(dispatcher, choice[0])
        dispatcher.utter_message(
            response="utter_which_of_two",
            first=first.title,
            second=second.title,
            buttons=[replies.topic_button(v.slug, v.title) for v in (first, second)],
        )
        return []

    # -- going deeper: "tell me more", and a topic asked for again ---------------------------------------------
    def go_deeper(self, dispatcher: CollectingDispatcher, topic: Topic, analysis: MessageAnalysis) -> list[EventType]:
        """Send the next level of the topic not shown yet (next_level); the events that record it."""
        message, events = self.next_level(topic, analysis)
        dispatcher.utter_message(**message)
        return events

    def next_level(self, topic: Topic, analysis: MessageAnalysis) -> tuple[replies.Message, list[EventType]]:
        """The next level of detail on the topic not shown yet, then that there is no more (with where to go)."""
        levels = self.detail_levels(topic)
        depth = analysis.detail_depth or {}
        shown = depth.get("level") if depth.get("topic") == topic.slug else None
        level = 0 if not isinstance(shown, int) else shown + 1
        remember_depth = [SlotSet(DETAIL_DEPTH_SLOT, {"topic": topic.slug, "level": min(level, len(levels))})]
        if level >= len(levels):
            related = [replies.topic_button(slug, title) for slug, title in self.store().related(topic)]
            others = [b for b in replies.follow_up_buttons() if b["payload"] not in ("/more_detail", "/related_topics")]
            message = replies.response_message("utter_no_more_detail", related + others, title=topic.title)
            return message, remember_depth
        message = levels[level](topic)
        if not any(b["payload"] == "/more_detail" for b in message["buttons"]):  # the way to the next level
            message["buttons"] = [replies.button("more_detail"), *message["buttons"]]
        return message, remember_depth

    def detail_levels(self, topic: Topic) -> list[Callable[[Topic], replies.Message]]:
        """What "tell me more" shows on this topic, one level per request: only the levels it has content for."""
        later = [b for b in replies.follow_up_buttons() if b["payload"] != "/more_detail"]
        levels: list[Callable[[Topic], replies.Message]] = [self.detail_message]
        if topic.evidence_summary:
            levels.append(lambda t: replies.text_message(replies.evidence_text(t), later))
        if topic.children_note or topic.adults_note:
            levels.append(lambda t: replies.text_message(replies.ages_text(t), later))
        if topic.sources:
            levels.append(self.sources_message)
        return levels

    def detail_message(self, topic: Topic) -> replies.Message:
        # The detailed answers point to neighbouring topics by title: offer the nearest ones as buttons.
        nearest = [replies.topic_button(slug, title) for slug, title in self.store().related(topic)[:RELATED_IN_DETAIL]]
        return replies.text_message(replies.detail_text(topic), nearest + replies.follow_up_buttons())

    def sources_message(self, topic: Topic) -> replies.Message:
        return sources_reply(self.store().sources(topic.sources), topic, shown=replies.SOURCES_SHOWN)

    def answer_definition(self, dispatcher: CollectingDispatcher, entry: GlossaryEntry) -> list[EventType]:
        dispatcher.utter_message(
            response="utter_definition",
            term=entry.term,
            definition=entry.definition,
            topic_title=entry.topic_title,
            buttons=[replies.topic_button(entry.topic_slug, replies.label("open_topic", title=entry.topic_title))],
        )
        return topic_slot(entry.topic_slug)

    def answer_myth(
        self, dispatcher: CollectingDispatcher, myth: MythMatch, analysis: MessageAnalysis
    ) -> list[EventType]:
        topic = self.store().known_topic(myth.topic)
        citations = "\n".join(replies.source_line(s) for s in self.store().sources(myth.sources))
        text = replies.layout(
            "myth",
            claim=myth.claim.rstrip("."),
            verdict=copy_text("verdicts", myth.verdict),
            correction=myth.correction,
            citations=citations,
        )
        dispatcher.utter_message(
            text=text, buttons=[replies.topic_button(myth.topic, replies.label("learn_about", title=topic.title))]
        )
        return [*topic_slot(myth.topic), *remember(analysis, f"myth:{myth.id}")]


class ActionAnswerTopic(QuestionAction):
    def name(self) -> str:
        return "action_answer_topic"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return self.answer_question(dispatcher, self.analysis(tracker))


class FollowUpAction(QuestionAction, ABC):
    """A follow-up on the conversation's topic (or on a topic the message names): more detail, simpler,
    sources, related topics, evidence, children. During the guided tour a "Next step" button is added."""

    reads_questions = True  # a specific question asked with this intent ("does it work for babies?") is answered
    cue = re.compile(r"$^")  # words that make a message longer than FOLLOW_UP_MAX_WORDS this kind of follow-up

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        if not analysis.current_topic:  # no conversation topic: the message may state a myth on its own
            answered = self.answer_myth_or_definition(dispatcher, analysis)
            if answered is not None:
                return answered
            if analysis.specific_answer is not None:  # "explain the glass test for rashes pls": nothing to follow
                return self.answer_question(dispatcher, analysis)
            if self.is_a_first_question(analysis):
                return self.answer_topic(dispatcher, analysis)
            if analysis.unrelated:  # "best laptop for uni?" read as a follow-up: nothing to follow, and off-topic
                return self.decline(dispatcher, analysis)
        if self.not_a_follow_up(analysis):  # "tell me about zorbulent frimble, my mail is ...": a question
            return self.answer_question(dispatcher, analysis)
        slug = analysis.follow_up_topic(analysis.current_topic)
        match = analysis.specific_answer if self.reads_question(analysis) else None
        if match is not None:
            return self.show_answer(dispatcher, match.answer, analysis)
        placed = slug is not None and (analysis.current_topic is not None or bool(analysis.named))
        if not placed and len(analysis.text.split()) >= UNANSWERED_MIN_WORDS:
            # nothing to follow up on and no topic named: a question the bot could not place, for curators
            services.record_unanswered(analysis.text, analysis.sender)
        topic = self.load_topic(dispatcher, slug)
        if topic is None:
            return []
        shown = self.shown_key(topic, analysis)
        if shown in analysis.said and self.name() != "action_more_detail":  # asked again: go deeper, not again
            message, events = self.next_level(topic, analysis)
        else:
            message, events = self.reply_in_context(topic, analysis)
            events = [*events, *remember(analysis, shown)]
        if tracker.get_slot("tour_step") is not None:
            message["buttons"] = replies.with_tour_controls(message.get("buttons") or [])
        dispatcher.utter_message(**message)
        return [*topic_slot(topic.slug), *events]

    def reads_question(self, analysis: MessageAnalysis) -> bool:
        """Whether a specific question in the message is answered instead of the follow-up."""
        return self.reads_questions

    def not_a_follow_up(self, analysis: MessageAnalysis) -> bool:
        """A longer message that names no topic and has none of this follow-up's words is about something else:
        it never becomes a follow-up of the conversation's topic."""
        words = len(analysis.text.split())
        return words > FOLLOW_UP_MAX_WORDS and not analysis.named and not self.cue.search(analysis.text)

    def shown_key(self, topic: Topic, analysis: MessageAnalysis) -> str:
        """What this reply shows, for the conversation's record (asked again, the topic goes deeper)."""
        return f"{self.name()}:{topic.slug}"

    def reply_in_context(self, topic: Topic, analysis: MessageAnalysis) -> tuple[replies.Message, list[EventType]]:
        """The reply when it depends on the conversation so far, with the events it sets; by default reply()."""
        return self.reply(topic), []

    def is_a_first_question(self, analysis: MessageAnalysis) -> bool:
        """Whether a message read as this follow-up, with nothing said before, is really a first question."""
        return False

    @abstractmethod
    def reply(self, topic: Topic) -> replies.Message:
        """This follow-up's message (its buttons in code, so the tour's "Next step" can go first)."""


class ActionMoreDetail(FollowUpAction):
    cue = MORE_CUES

    def name(self) -> str:
        return "action_more_detail"

    def is_a_first_question(self, analysis: MessageAnalysis) -> bool:
        # "tell me about fad diets" as the first message asks about a topic; only "more" asks for the detail
        return analysis.topic is not None and not MORE_CUES.search(analysis.text)

    def reads_question(self, analysis: MessageAnalysis) -> bool:
        # "tell me more" asks for the next level; "what about peanut?" (read as more_detail) asks something specific
        return not MORE_CUES.search(analysis.text)

    def reply(self, topic: Topic) -> replies.Message:
        return self.detail_message(topic)

    def reply_in_context(self, topic: Topic, analysis: MessageAnalysis) -> tuple[replies.Message, list[EventType]]:
        """Each "tell me more" on the same topic goes one level deeper, then says that is all there is."""
        return self.next_level(topic, analysis)


class ActionSimpler(FollowUpAction):
    reads_questions = False

    cue = re.compile(r"\b(simple|simpler|simply|easier|easy|plain|understand|confus\w*|again|kid)\b", re.IGNORECASE)

    def name(self) -> str:
        return "action_simpler"

    def reply(self, topic: Topic) -> replies.Message:
        return replies.text_message(replies.simple_text(topic), replies.follow_up_buttons())


class ActionSources(FollowUpAction):
    reads_questions = False

    cue = re.compile(
        r"\b(sources?|references?|stud(y|ies)|papers?|citations?|links?|proof|evidence|research)\b", re.IGNORECASE
    )

    def name(self) -> str:
        return "action_sources"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        if not analysis.current_topic and analysis.asks_where_answers_come_from:  # the bot's sources, not a topic's
            dispatcher.utter_message(response="utter_where_answers_come_from")
            return []
        return super().respond(dispatcher, tracker, domain)

    def reply(self, topic: Topic) -> replies.Message:
        return sources_reply(self.store().sources(topic.sources), topic, shown=replies.SOURCES_SHOWN)

    def shown_key(self, topic: Topic, analysis: MessageAnalysis) -> str:
        return f"{self.name()}:{topic.slug}:{'all' if analysis.intent == 'all_sources' else 'strongest'}"

    def reply_in_context(self, topic: Topic, analysis: MessageAnalysis) -> tuple[replies.Message, list[EventType]]:
        wants_all = analysis.intent == "all_sources"
        shown = None if wants_all else replies.SOURCES_SHOWN
        return sources_reply(self.store().sources(topic.sources), topic, shown=shown), []


class ActionRelatedTopics(FollowUpAction):
    reads_questions = False

    cue = re.compile(r"\b(related|similar|else|other|connected|linked|next)\b", re.IGNORECASE)

    def name(self) -> str:
        return "action_related_topics"

    def reply(self, topic: Topic) -> replies.Message:
        related = [other for slug in topic.related if (other := self.store().topic(slug)) is not None]
        return replies.text_message(
            replies.related_text(topic, related), [replies.topic_button(t.slug, t.title) for t in related]
        )


class ActionEvidence(FollowUpAction):
    """'Does it work for eczema?': how strong the evidence on the current topic is."""

    cue = re.compile(
        r"\b(work|works|proven|proof|evidence|effective|help|helps|true|really|studies|research)\b", re.IGNORECASE
    )

    def name(self) -> str:
        return "action_evidence"

    def reply(self, topic: Topic) -> replies.Message:
        return replies.text_message(
            replies.evidence_text(topic),
            [replies.button("sources"), replies.button("more_detail")],
        )


class ActionChildren(FollowUpAction):
    """'What about in babies?': what is known for babies and children on the current topic. A teenager or an
    adult who says so ("what about for teenagers?", "im 15") gets the note for teenagers and adults."""

    cue = re.compile(
        r"\b(bab\w*|child\w*|kids?|infants?|toddlers?|sons?|daughters?|little|young|teen\w*|newborns?)\b", re.IGNORECASE
    )

    def name(self) -> str:
        return "action_children"

    def reply_in_context(self, topic: Topic, analysis: MessageAnalysis) -> tuple[replies.Message, list[EventType]]:
        if stated_audience(analysis.text) in ("teen", "adult"):
            return adults_reply(topic), []
        return self.reply(topic), []

    def reply(self, topic: Topic) -> replies.Message:
        buttons = self.store_topic_buttons("early_life", "probiotics_prevention")
        if topic.children_note:
            return replies.text_message(
                replies.layout("children", title=topic.title, note=topic.children_note), buttons
            )
        return replies.response_message("utter_children_no_note", buttons, title=topic.title)


def adults_reply(topic: Topic) -> replies.Message:
    buttons = [replies.button("sources"), replies.button("more_detail")]
    if topic.adults_note:
        return replies.text_message(replies.layout("adults", title=topic.title, note=topic.adults_note), buttons)
    return replies.response_message("utter_adults_no_note", buttons, title=topic.title, summary=topic.evidence_summary)


class ActionAdults(FollowUpAction):
    """'And for adults? I have eczema too': what is known for teenagers and adults on the current topic."""

    cue = re.compile(r"\b(adults?|grown|older|my age|teen\w*|i'?m \d+|for me|husband|wife|partner)\b", re.IGNORECASE)

    def name(self) -> str:
        return "action_adults"

    def reply(self, topic: Topic) -> replies.Message:
        return adults_reply(topic)


class ActionWhatToDo(FollowUpAction):
    """'What should I do then?': what the current topic means in practice, without personal advice."""

    cue = re.compile(r"\b(do|practice|mean|means|should|next|takeaway|bottom line|now|us|suggest)\b", re.IGNORECASE)

    def name(self) -> str:
        return "action_what_to_do"

    def reply(self, topic: Topic) -> replies.Message:
        others = () if topic.slug == "standard_care" else ("standard_care",)
        buttons = [*self.store_topic_buttons(*others), replies.button("sources")]
        return replies.response_message("utter_what_to_do", buttons, title=topic.title, summary=topic.evidence_summary)


class ActionDefineTerm(QuestionAction):
    """A term on its own ('what does LPS mean'): its definition and the topic that explains it."""

    def name(self) -> str:
        return "action_define_term"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        entry = analysis.glossary_term
        if entry is None or not entry.definition or analysis.asks_beyond_a_definition:
            return self.answer_question(dispatcher, analysis)
        return self.answer_definition(dispatcher, entry)


class ActionCheckMyth(QuestionAction):
    """'Is it true that ...?': the matching myth with its correction and sources."""

    def name(self) -> str:
        return "action_check_myth"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        if analysis.loose_myth is None or self.answer_beats_myth(analysis, analysis.loose_myth.similarity):
            return self.answer_question(dispatcher, analysis)
        return self.answer_myth(dispatcher, analysis.loose_myth, analysis)


class ActionTopicMenu(QuestionAction):
    """The topic menu; a question about something the content covers that was read as a request for help ("what
    works for eczema?" is close to "what can you do?") is answered instead."""

    def name(self) -> str:
        return "action_topic_menu"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        if analysis.text and analysis.asks_about_content:  # a button's payload has no text
            return self.answer_question(dispatcher, analysis)
        show_topic_menu(dispatcher, self.store())  # a button per group: actions/menu_actions.py
        return []


class ActionSearchFallback(QuestionAction):
    """NLU is unsure: a myth or definition the message clearly asks about, or the topic it clearly names,
    else the best search matches, else say so; unanswered questions are recorded for curators."""

    def name(self) -> str:
        return "action_search_fallback"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        answered = self.answer_myth_or_definition(dispatcher, analysis) or self.answer_specific(dispatcher, analysis)
        if answered is not None:
            return answered
        subject = analysis.topic or analysis.alternatives or analysis.best_guess or analysis.topic_by_meaning
        if subject or analysis.only_named:
            # unsure of the intent, sure of the subject (or the message names one topic: "hmm standard care then")
            return self.answer_topic(dispatcher, analysis)
        urgent = self.answer_urgent_signs(dispatcher, analysis)
        if urgent is not None:
            return urgent
        if analysis.asks_where_answers_come_from:
            dispatcher.utter_message(response="utter_where_answers_come_from")
            return []
        if analysis.unrelated:
            return self.decline(dispatcher, analysis)
        if analysis.text:
            services.record_unanswered(analysis.text, analysis.sender)
        closest = self.answer_closest(dispatcher, analysis)
        if closest is not None:
            return closest
        if offer_search_results(dispatcher, analysis):
            return []
        dispatcher.utter_message(response="utter_dont_know", what_i_cover=replies.what_i_cover())
        return []


class ActionOutOfScope(QuestionAction):
    """Outside the bot's scope: say what it can help with, and keep the question for curators. Said once in a
    conversation; after that a short line, not the same paragraph again. A question the classifier read as out of
    scope that clearly names a topic or asks a specific answer the content has is answered instead ("how many
    times a day do I need to moisturise?!", "what are the signs of anaphylaxis? it's for his nursery")."""

    def name(self) -> str:
        return "action_out_of_scope"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        analysis = self.analysis(tracker)
        if analysis.text and (analysis.asks_about_content or analysis.asks_about_urgent_signs):
            return self.answer_question(dispatcher, analysis)
        if analysis.asks_where_answers_come_from:
            dispatcher.utter_message(response="utter_where_answers_come_from")
            return []
        if analysis.asks_for_a_dose:  # "what's the dose of cetirizine for a 6 year old": who can tell them
            dispatcher.utter_message(response="utter_advice_refused")
            return []
        return self.decline(dispatcher, analysis)
