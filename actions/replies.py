"""Channel-neutral reply building: light Markdown text (**bold**, '- ' bullets, [text](url)) and buttons.

Channels render this one format (see rasa_ext/channels/formatting.py); actions never format per channel.
No user-facing words here: the bot's own sentences are domain responses (domain.yml), sent by name, and button
titles and the layout of knowledge content (headings, labels) are domain.yml's `copy` section (copy(), layout()).
"""

from __future__ import annotations

import json
import re
from typing import Any

from knowledge.content import QuizQuestion, Source, Topic
from knowledge.domain_copy import copy_text, response_text
from knowledge.evidence import most_relevant_first

Button = dict[str, str]
Message = dict[str, Any]  # keyword arguments of dispatcher.utter_message


def text_message(text: str, buttons: list[Button]) -> Message:
    return {"text": text, "buttons": buttons}


def response_message(name: str, buttons: list[Button], **variables: Any) -> Message:
    """A domain response with its {variables}. Never name a variable text, buttons, image, custom, elements,
    attachment or button_type: Rasa hands the variables on to the output channel as keyword arguments."""
    return {"response": name, "buttons": buttons, **variables}


def what_i_cover() -> str:
    """What the bot covers (utter_what_i_cover), which the welcome, the menu and "I don't know" replies embed as
    {what_i_cover}: written once in domain.yml, filled in here because only the action server composes."""
    return response_text("utter_what_i_cover")


def advice_refusal() -> str:
    """The refusal of personal medical advice (utter_advice_refused), which opens utter_advice_refused_* too."""
    return response_text("utter_advice_refused")


def intent_payload(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, separators=(',', ':'))}" if entities else f"/{intent}"


def label(key: str, /, **values: object) -> str:
    """A button title: domain.yml's copy.buttons.<key>, with its {variables}."""
    return copy_text("buttons", key, **values)


def layout(key: str, /, **values: object) -> str:
    """Knowledge content laid out with domain.yml's copy.layouts.<key> (headings, labels)."""
    return copy_text("layouts", key, **values)


def titled_button(title: str, intent: str, **entities: str) -> Button:
    """A button whose title comes from the content (a topic's, a group's or an answer's), or from label()."""
    return {"title": title, "payload": intent_payload(intent, **entities)}


def button(intent: str, **entities: str) -> Button:
    """A button for an intent, titled with the copy of the same name (copy.buttons.more_detail, ...)."""
    return titled_button(label(intent), intent, **entities)


def topic_button(slug: str, title: str) -> Button:
    return titled_button(title, "ask_topic", topic=slug)


def follow_up_buttons() -> list[Button]:
    intents = ("more_detail", "simpler", "sources", "related_topics", "feedback_positive", "feedback_negative")
    return [button(intent) for intent in intents]


def link_label(url: str, doi: str | None) -> str:
    """Say where a link goes: a DOI, PubMed or another site."""
    if doi and url.startswith("https://doi.org/"):
        return f"doi:{doi}"
    return layout("link_pubmed" if "pubmed.ncbi.nlm.nih.gov" in url else "link_other")


def source_line(source: Source) -> str:
    """- Reference PMID 123. [doi:10.x/y](https://doi.org/10.x/y) _study design_"""
    pmid = f" PMID {source.pmid}." if source.pmid else ""
    link = f" [{link_label(source.link, source.doi)}]({source.link})" if source.link else ""
    return f"- {source.reference()}{pmid}{link} _{source.study_design}_"


SOURCES_SHOWN = 3  # a phone screen or so; "Show all sources" lists the rest


def sources_text(topic: Topic, sources: tuple[Source, ...], shown: int | None = None) -> str:
    """The sources, those about the topic first, then by strength of design; only the first `shown` when given."""
    ordered, title = most_relevant_first(sources, topic), topic.title
    if shown is not None and len(ordered) > shown:
        heading = layout("most_relevant_sources", shown=shown, count=len(ordered), title=title)
        ordered = ordered[:shown]
    else:
        heading = layout("sources", title=title)
    return "\n".join([heading, "", *(source_line(s) for s in ordered)])


def all_sources_button(count: int) -> Button:
    return titled_button(label("all_sources", count=count), "all_sources")


def first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text.strip(), re.DOTALL)
    return (match.group(1) if match else text).strip()


def related_text(topic: Topic, related: list[Topic]) -> str:
    """Each related topic with the sentence that opens its own answer, so the list says where each leads."""
    lines = [layout("related", title=topic.title), ""]
    lines += [f"- **{other.title}**: {first_sentence(other.short_answer)}" for other in related]
    return "\n".join(lines)


def evidence_text(topic: Topic) -> str:
    return layout("evidence", title=topic.title, summary=topic.evidence_summary, level=topic.evidence_level)


def ages_text(topic: Topic) -> str:
    """What is known for children and for adults, for the notes the topic has."""
    parts = [layout("ages", title=topic.title)]
    if topic.children_note:
        parts.append(layout("ages_children", note=topic.children_note))
    if topic.adults_note:
        parts.append(layout("ages_adults", note=topic.adults_note))
    return "\n\n".join(parts)


def topic_text(topic: Topic) -> str:
    return layout("topic", title=topic.title, answer=topic.short_answer, level=topic.evidence_level)


def detail_text(topic: Topic) -> str:
    points = "\n".join(f"- {p}" for p in topic.key_points)
    return layout("detail", title=topic.title, answer=topic.detailed_answer, points=points)


def simple_text(topic: Topic) -> str:
    return layout("simple", title=topic.title, answer=topic.plain_answer)


def menu_buttons(topics: list[tuple[str, str]]) -> list[Button]:
    return [topic_button(slug, title) for slug, title in topics]


def menu_group_buttons(groups: list[tuple[str, str]]) -> list[Button]:
    """One button per (id, title) group of the topic menu: a phone shows a handful, not every topic."""
    return [titled_button(title, "menu_group", menu_group=group_id) for group_id, title in groups]


def menu_choice_buttons(groups: list[tuple[str, str]], topics: list[tuple[str, str]]) -> list[Button]:
    """Where the menu starts: a button per group, or every topic when the content has no groups."""
    return menu_group_buttons(groups) if groups else menu_buttons(topics)


def back_to_menu_button() -> Button:
    return titled_button(label("back_to_menu"), "help")


def tour_step_text(number: int, total: int, topic: Topic) -> str:
    return layout("tour_step", number=number, total=total, title=topic.title, answer=topic.short_answer)


def tour_buttons() -> list[Button]:
    return [titled_button(label("tour_next"), "tour_next"), button("more_detail"), tour_stop_button(label("tour_stop"))]


def tour_stop_button(title: str) -> Button:
    return titled_button(title, "stop")


def with_tour_controls(buttons: list[Button]) -> list[Button]:
    """During the tour every reply offers the next step first and a way out last."""
    others = [b for b in buttons if b["payload"] not in ("/tour_next", "/stop")]
    return [titled_button(label("tour_next_step"), "tour_next"), *others, tour_stop_button(label("tour_stop_long"))]


def quiz_question_text(question: QuizQuestion, number: int, total: int) -> str:
    return layout("quiz_question", number=number, total=total, question=question.question)


def quiz_choice_buttons(question: QuizQuestion) -> list[Button]:
    return [
        titled_button(label("quiz_choice", key=key, choice=text), "quiz_answer", quiz_choice=key)
        for key, text in question.choices
    ]
