"""A short quiz drawn from the curated questions, with buttons, a score and an explanation per answer."""

from __future__ import annotations

import random
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from actions.base import KnowledgeAction, counter
from knowledge.content import QuizQuestion

QUIZ_LENGTH = 4


# "b", "b)", "i think c", "my answer is a": the last standalone letter that names a choice.
LETTER = re.compile(r"(?<![\w'])([a-z])(?![\w'])", re.IGNORECASE)


def typed_choice(tracker: Tracker, choices: dict[str, str]) -> str:
    """The choice of a button (its entity), else the letter typed, else the choice whose text was typed."""
    entity = str(next(tracker.get_latest_entity_values("quiz_choice"), "") or "").strip().lower()
    if entity:
        return entity
    text = (tracker.latest_message.get("text") or "").strip().lower()
    letters = [m.group(1) for m in LETTER.finditer(text) if m.group(1) in choices]
    if letters:
        return letters[-1]
    return next((key for key, label in choices.items() if text and text in label.lower()), "")


def quiz_reset() -> list[EventType]:
    return [SlotSet("quiz_questions", None), SlotSet("quiz_index", None), SlotSet("quiz_score", None)]


class _QuizAction(KnowledgeAction):
    def questions_by_id(self) -> dict[str, QuizQuestion]:
        return {q.id: q for q in self.store().quiz_questions()}

    def ask(self, dispatcher: CollectingDispatcher, question: QuizQuestion, number: int, total: int) -> None:
        dispatcher.utter_message(
            text=replies.quiz_question_text(question, number, total), buttons=replies.quiz_choice_buttons(question)
        )


class ActionQuizStart(_QuizAction):
    def name(self) -> str:
        return "action_quiz_start"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        questions = self.store().quiz_questions()
        if not questions:
            dispatcher.utter_message(response="utter_no_quiz_questions")
            return []
        # A different draw for each quiz of a conversation, the same one for the same conversation.
        started = counter(tracker, "quizzes_started") or 0
        rng = random.Random(f"{tracker.sender_id}:{started}")
        chosen = rng.sample(questions, min(QUIZ_LENGTH, len(questions)))
        dispatcher.utter_message(response="utter_quiz_start", count=len(chosen))
        self.ask(dispatcher, chosen[0], 1, len(chosen))
        return [
            SlotSet("quiz_questions", [q.id for q in chosen]),
            SlotSet("quiz_index", 0),
            SlotSet("quiz_score", 0),
            SlotSet("quizzes_started", started + 1),
        ]


class ActionQuizAnswer(_QuizAction):
    def name(self) -> str:
        return "action_quiz_answer"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        ids = tracker.get_slot("quiz_questions")
        if not ids:
            dispatcher.utter_message(response="utter_no_quiz")
            return []
        index, score = counter(tracker, "quiz_index") or 0, counter(tracker, "quiz_score") or 0
        by_id = self.questions_by_id()
        if index >= len(ids) or any(question_id not in by_id for question_id in ids):
            # The content was rebuilt during the quiz: its questions are gone.
            dispatcher.utter_message(response="utter_quiz_changed")
            return quiz_reset()
        question = by_id[ids[index]]
        choices = dict(question.choices)
        choice = typed_choice(tracker, choices)
        if choice not in choices:
            dispatcher.utter_message(response="utter_quiz_pick_an_answer")
            self.ask(dispatcher, question, index + 1, len(ids))
            return []
        if choice == question.answer:
            score += 1
            dispatcher.utter_message(response="utter_quiz_right", explanation=question.explanation)
        else:
            dispatcher.utter_message(
                response="utter_quiz_wrong",
                answer=question.answer,
                choice=choices[question.answer],
                explanation=question.explanation,
            )
        if index + 1 < len(ids):
            self.ask(dispatcher, by_id[ids[index + 1]], index + 2, len(ids))
            return [SlotSet("quiz_index", index + 1), SlotSet("quiz_score", score), SlotSet("topic", question.topic)]
        dispatcher.utter_message(response="utter_quiz_score", score=score, total=len(ids))
        return quiz_reset() + [SlotSet("topic", question.topic)]


class ActionStop(KnowledgeAction):
    """'Stop': ends a running quiz, or pauses the tour so it can be resumed later."""

    def name(self) -> str:
        return "action_stop"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if tracker.get_slot("quiz_questions"):
            dispatcher.utter_message(response="utter_quiz_stopped", score=counter(tracker, "quiz_score") or 0)
            return quiz_reset()
        if tracker.get_slot("tour_step") is not None:
            dispatcher.utter_message(response="utter_tour_paused")
            return []
        dispatcher.utter_message(response="utter_nothing_to_stop")
        return []
