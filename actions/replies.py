"""Channel-neutral reply building: light Markdown text (**bold**, '- ' bullets, [text](url)) and buttons.

Channels render this one format (see rasa_ext/channels/formatting.py); actions never format per channel.
Here is only the layout of knowledge content (headings, labels, citations); the bot's own sentences are
domain responses (domain.yml), sent by name.
"""

from __future__ import annotations

import json
import re
from typing import Any

from knowledge.content import QuizQuestion, Source, Topic
from knowledge.evidence import most_relevant_first

Button = dict[str, str]
Message = dict[str, Any]  # keyword arguments of dispatcher.utter_message


def text_message(text: str, buttons: list[Button]) -> Message:
    return {"text": text, "buttons": buttons}


def response_message(name: str, buttons: list[Button], **variables: Any) -> Message:
    """A domain response with its {variables}. Never name a variable text, buttons, image, custom, elements,
    attachment or button_type: Rasa hands the variables on to the output channel as keyword arguments."""
    return {"response": name, "buttons": buttons, **variables}


def intent_payload(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, separators=(',', ':'))}" if entities else f"/{intent}"


def button(title: str, intent: str, **entities: str) -> Button:
    return {"title": title, "payload": intent_payload(intent, **entities)}


def topic_button(slug: str, title: str) -> Button:
    return button(title, "ask_topic", topic=slug)


def follow_up_buttons() -> list[Button]:
    return [
        button("Tell me more", "more_detail"),
        button("In simpler words", "simpler"),
        button("Sources", "sources"),
        button("Related topics", "related_topics"),
        button("👍 Helpful", "feedback_positive"),
        button("👎 Not helpful", "feedback_negative"),
    ]


def link_label(url: str, doi: str | None) -> str:
    """Say where a link goes: a DOI, PubMed or another site."""
    if doi and url.startswith("https://doi.org/"):
        return f"doi:{doi}"
    return "PubMed" if "pubmed.ncbi.nlm.nih.gov" in url else "source page"


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
        heading = f"**The {shown} most relevant of {len(ordered)} sources for {title}**"
        ordered = ordered[:shown]
    else:
        heading = f"**Sources for {title}**"
    return "\n".join([heading, "", *(source_line(s) for s in ordered)])


def all_sources_button(count: int) -> Button:
    return button(f"Show all {count} sources", "all_sources")


def first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text.strip(), re.DOTALL)
    return (match.group(1) if match else text).strip()


def related_text(topic: Topic, related: list[Topic]) -> str:
    """Each related topic with the sentence that opens its own answer, so the list says where each leads."""
    lines = [f"**Topics related to {topic.title}**", ""]
    lines += [f"- **{other.title}**: {first_sentence(other.short_answer)}" for other in related]
    return "\n".join(lines)


def evidence_text(topic: Topic) -> str:
    return (
        f"**{topic.title}: what the evidence shows**\n\n{topic.evidence_summary}\n\n"
        f"Strength of evidence: {topic.evidence_level}."
    )


def ages_text(topic: Topic) -> str:
    """What is known for children and for adults, for the notes the topic has."""
    parts = [f"**{topic.title}: children and adults**"]
    if topic.children_note:
        parts.append(f"**In babies and children.** {topic.children_note}")
    if topic.adults_note:
        parts.append(f"**In teenagers and adults.** {topic.adults_note}")
    return "\n\n".join(parts)


def topic_text(topic: Topic) -> str:
    return f"**{topic.title}**\n\n{topic.short_answer}\n\nStrength of evidence: {topic.evidence_level}."


def detail_text(topic: Topic) -> str:
    points = "\n".join(f"- {p}" for p in topic.key_points)
    return f"**{topic.title}: in more detail**\n\n{topic.detailed_answer}\n\n**Key points**\n{points}"


def simple_text(topic: Topic) -> str:
    return f"**{topic.title}, in simple words**\n\n{topic.plain_answer}"


def menu_buttons(topics: list[tuple[str, str]]) -> list[Button]:
    return [topic_button(slug, title) for slug, title in topics]


def menu_group_buttons(groups: list[tuple[str, str]]) -> list[Button]:
    """One button per (id, title) group of the topic menu: a phone shows a handful, not every topic."""
    return [button(title, "menu_group", menu_group=group_id) for group_id, title in groups]


def menu_choice_buttons(groups: list[tuple[str, str]], topics: list[tuple[str, str]]) -> list[Button]:
    """Where the menu starts: a button per group, or every topic when the content has no groups."""
    return menu_group_buttons(groups) if groups else menu_buttons(topics)


def back_to_menu_button() -> Button:
    return button("Back to all topics", "help")


def tour_step_text(number: int, total: int, topic: Topic) -> str:
    return f"**Step {number} of {total}: {topic.title}**\n\n{topic.short_answer}"


def tour_buttons() -> list[Button]:
    return [button("Next", "tour_next"), button("Tell me more", "more_detail"), button("Stop", "stop")]


def with_tour_controls(buttons: list[Button]) -> list[Button]:
    """During the tour every reply offers the next step first and a way out last."""
    others = [b for b in buttons if b["payload"] not in ("/tour_next", "/stop")]
    return [button("Next step", "tour_next"), *others, button("Stop the tour", "stop")]


def quiz_question_text(question: QuizQuestion, number: int, total: int) -> str:
    return f"**Question {number} of {total}**\n\n{question.question}"


def quiz_choice_buttons(question: QuizQuestion) -> list[Button]:
    return [button(f"{key}) {text}", "quiz_answer", quiz_choice=key) for key, text in question.choices]
