"""Which of a topic's sources to show first: the ones that are about the topic (its title or one of its glossary
terms in the source's title), then by strength of design. A 2007 guideline on eczema care is strong but says
nothing direct about butyrate, so a butyrate study comes before it on the Butyrate card.

Design strength follows the usual evidence hierarchy; a design it does not recognise ranks last but one (before
lay pages), so a new wording is never hidden behind weaker ones by mistake."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .content import Source, Topic

# (words in the study design, rank): lower ranks are stronger; the first rule that matches wins.
DESIGN_RANKS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("guideline", "guidance", "umbrella review"), 0),
    (("cochrane", "meta-analysis", "systematic review"), 1),
    (("rct", "randomised", "randomized", "controlled trial"), 2),
    (("cohort", "case-control", "cross-sectional", "observational", "prospective"), 3),
    (("consensus", "narrative review", "review"), 4),
    (("mice", "mouse", "animal", "in vitro", "laboratory", "experimental", "open-label", "pilot", "single-arm"), 5),
)
UNRECOGNISED_RANK = 6
LAY_RANK = 7
LAY_WORDS = ("patient-information", "patient information", "information page", "website", "web page", "news")


def design_rank(study_design: str) -> int:
    design = study_design.lower()
    if any(word in design for word in LAY_WORDS):
        return LAY_RANK
    for words, rank in DESIGN_RANKS:
        if any(word in design for word in words):
            return rank
    return UNRECOGNISED_RANK


def strongest_first(sources: Iterable[Source]) -> list[Source]:
    """The sources by strength of design, keeping the curators' order among equals."""
    return sorted(sources, key=lambda source: design_rank(source.study_design))


def topic_terms(topic: Topic) -> re.Pattern[str]:
    """The words that name a topic (its title, glossary terms and their synonyms) as one whole-word pattern."""
    names = {topic.title, *(g.term for g in topic.glossary), *(s for g in topic.glossary for s in g.synonyms)}
    names = {name.lower() for name in names if len(name) > 2}
    return re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b")


def most_relevant_first(sources: Iterable[Source], topic: Topic) -> list[Source]:
    """The sources about the topic first, then the rest, each group strongest design first (curators' order
    among equals)."""
    terms = topic_terms(topic)
    return sorted(
        sources, key=lambda source: (terms.search(source.title.lower()) is None, design_rank(source.study_design))
    )
