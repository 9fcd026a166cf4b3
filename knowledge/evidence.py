"""How strong a source's design is, from the study design curators write for it: for showing the strongest
sources first. The order follows the usual evidence hierarchy; a design it does not recognise ranks last but one
(before lay pages), so a new wording is never hidden behind weaker ones by mistake."""

from __future__ import annotations

from collections.abc import Iterable

from .content import Source

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
