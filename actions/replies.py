"""Channel-neutral reply building: light Markdown text (**bold**, '- ' bullets, [text](url)) and buttons.

Channels render this one format (see connectors/formatting.py); actions never format per channel.
Here is only the layout of knowledge content (headings, labels, citations); the bot's own sentences are
domain responses (domain.yml), sent by name.
"""

from __future__ import annotations

import json
from typing import Any

from knowledge.content import QuizQuestion, Source, Topic

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


def sources_text(title: str, sources: tuple[Source, ...]) -> str:
    lines = [f"**Sources for {title}**", ""]
    lines += [source_line(s) for s in sources]
    return "\n".join(lines)


def topic_text(topic: Topic) -> str:
    return f"**{topic.title}**\n\n{topic.short_answer}\n\nStrength of evidence: {topic.evidence_level}."


def detail_text(topic: Topic) -> str:
    points = "\n".join(f"- {p}" for p in topic.key_points)
    return f"**{topic.title}: in more detail**\n\n{topic.detailed_answer}\n\n**Key points**\n{points}"


def simple_text(topic: Topic) -> str:
    return f"**{topic.title}, in simple words**\n\n{topic.plain_answer}"


def menu_buttons(topics: list[tuple[str, str]]) -> list[Button]:
    return [topic_button(slug, title) for slug, title in topics]


def tour_step_text(number: int, total: int, topic: Topic) -> str:
    return f"**Step {number} of {total}: {topic.title}**\n\n{topic.short_answer}"


def tour_buttons() -> list[Button]:
    return [button("Next", "tour_next"), button("Tell me more", "more_detail"), button("Stop", "stop")]


def quiz_question_text(question: QuizQuestion, number: int, total: int) -> str:
    return f"**Question {number} of {total}**\n\n{question.question}"


def quiz_choice_buttons(question: QuizQuestion) -> list[Button]:
    return [button(f"{key}) {text}", "quiz_answer", quiz_choice=key) for key, text in question.choices]
